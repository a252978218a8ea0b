import { stringify } from 'yaml';
import type { TextEdit } from '../../model.js';
import { nextNewline } from './scalar-lines.js';
import type { YamlFile } from './yaml-file.js';
import type { YMap, YNode, YSeq } from './yaml-tree.js';

/**
 * Text edits on CI YAML that touch only the bytes they change, so comments, quoting and layout elsewhere
 * survive `doctor --fix`. Every builder refuses (returns undefined) nodes reached through an alias or a
 * merge key: their text is shared with other places and editing it would change those too.
 */

/** A value as YAML text: plain when that reads back as the same string, double-quoted otherwise. */
export function yamlString(value: string, inFlow: boolean): string {
  if (inFlow && /[,[\]{}]/.test(value)) return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

export function replaceNode(file: YamlFile, node: YNode, replacement: string): TextEdit | undefined {
  if (node.viaAlias) return undefined;
  // Block scalars and collections end after their final newline and the next line's indent; keep those.
  const end = Math.max(node.range[0], lastContentBefore(file.text, node.range[1]));
  return { file: file.file, start: node.range[0], end, replacement };
}

export function replaceRange(file: YamlFile, range: { start: number; end: number }, text: string): TextEdit {
  return { file: file.file, start: range.start, end: range.end, replacement: text };
}

/** A value as YAML text on one line, or several lines to write as a `|` block scalar. */
export type EntryValue = string | readonly string[];

/** Sets one key of a mapping; see setMapEntries. */
export function setMapEntry(
  file: YamlFile,
  map: YMap,
  key: string,
  value: EntryValue,
): TextEdit[] | undefined {
  return setMapEntries(file, map, [[key, value]]);
}

/**
 * Sets keys of a mapping: values of keys written in this mapping are replaced, the other keys are appended
 * after its last entry in one edit, so several new keys never compete for the same insertion point.
 */
export function setMapEntries(
  file: YamlFile,
  map: YMap,
  entries: readonly (readonly [string, EntryValue])[],
): TextEdit[] | undefined {
  return withFileEol(file, mapEntryEdits(file, map, entries));
}

function mapEntryEdits(
  file: YamlFile,
  map: YMap,
  entries: readonly (readonly [string, EntryValue])[],
): TextEdit[] | undefined {
  const edits: (TextEdit | undefined)[] = [];
  const added: string[] = [];
  for (const [key, value] of entries) {
    const existing = map.entries.get(key);
    if (existing && !existing.merged) {
      const indent = indentOf(file, existing.keyRange[0]);
      edits.push(replaceNode(file, existing.value, renderValue(value, indent, existing.value.flow)));
    } else {
      added.push(
        map.flow
          ? `${key}: ${flowValue(value)}`
          : `${key}: ${renderValue(value, entryIndent(file, map) ?? 0, false)}`,
      );
    }
  }
  if (added.length > 0) edits.push(appendEntries(file, map, added));
  return edits.every((edit) => edit !== undefined) ? (edits as TextEdit[]) : undefined;
}

/**
 * Sets keys of the mapping under `parentKey`, creating `parentKey:` when it is absent or empty: how a step
 * gets a `with:` input, or a job a `variables:` entry, it did not have.
 */
export function setChildEntries(
  file: YamlFile,
  map: YMap,
  parentKey: string,
  entries: readonly (readonly [string, EntryValue])[],
): TextEdit[] | undefined {
  return withFileEol(file, childEntryEdits(file, map, parentKey, entries));
}

function childEntryEdits(
  file: YamlFile,
  map: YMap,
  parentKey: string,
  entries: readonly (readonly [string, EntryValue])[],
): TextEdit[] | undefined {
  const parent = map.entries.get(parentKey);
  if (parent?.value.kind === 'map') return setMapEntries(file, parent.value, entries);
  const indent = entryIndent(file, map);
  if (indent === undefined || map.flow || (parent && (parent.merged || !isEmpty(parent.value))))
    return undefined;
  const pad = ' '.repeat(indent + 2);
  const nested = entries
    .map(([key, value]) => `\n${pad}${key}: ${renderValue(value, indent + 2, false)}`)
    .join('');
  if (parent) {
    const start = parent.keyRange[1] + 1;
    return [{ file: file.file, start, end: Math.max(start, parent.value.range[1]), replacement: nested }];
  }
  const edit = appendEntries(file, map, [`${parentKey}:${nested}`]);
  return edit && [edit];
}

function isEmpty(node: YNode): boolean {
  return node.kind === 'scalar' && node.value === null;
}

/** The column of a mapping's own keys, or undefined when it has none written in it. */
function entryIndent(file: YamlFile, map: YMap): number | undefined {
  const first = [...map.entries.values()].find((entry) => !entry.merged);
  return first && indentOf(file, first.keyRange[0]);
}

/** Appends entries, given as YAML text, after a mapping's last own entry. */
function appendEntries(file: YamlFile, map: YMap, entries: readonly string[]): TextEdit | undefined {
  const own = [...map.entries.values()].filter((entry) => !entry.merged);
  const indent = entryIndent(file, map);
  if (map.viaAlias || indent === undefined) return undefined;
  const lastEnd = Math.max(...own.map((entry) => entry.value.range[1]));
  if (map.flow)
    return { file: file.file, start: lastEnd, end: lastEnd, replacement: `, ${entries.join(', ')}` };
  const at = nextNewline(file.text, lastContentBefore(file.text, lastEnd));
  const text = entries.map((entry) => `\n${' '.repeat(indent)}${entry}`).join('');
  return { file: file.file, start: at, end: at, replacement: text };
}

function flowValue(value: EntryValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value.join('\n'));
}

/**
 * Inserts a block sequence item before `seq.items[index]`, e.g. a step before another step. `lines` is the
 * item's YAML text; lines after the first are indented to line up with the first.
 */
export function insertSeqItemBefore(
  file: YamlFile,
  seq: YSeq,
  index: number,
  lines: readonly string[],
): TextEdit | undefined {
  const item = seq.items[index];
  if (!item || seq.viaAlias || seq.flow) return undefined;
  const dash = file.text.lastIndexOf('-', item.range[0]);
  if (dash < 0 || file.text.slice(dash + 1, item.range[0]).trim() !== '') return undefined;
  const indent = ' '.repeat(indentOf(file, dash));
  const body = lines.map((line, i) => (i === 0 ? `- ${line}` : `${indent}  ${line}`)).join('\n');
  return withFileEol(file, { file: file.file, start: dash, end: dash, replacement: `${body}\n${indent}` });
}

function renderValue(value: EntryValue, indent: number, inFlow: boolean): string {
  if (typeof value === 'string') return value;
  if (inFlow) return flowValue(value);
  const pad = ' '.repeat(indent + 2);
  return `|\n${value.map((line) => `${pad}${line}`).join('\n')}`;
}

/** The column (0-based) at which the line holding `offset` starts its content. */
function indentOf(file: YamlFile, offset: number): number {
  return file.locate(offset).column - 1;
}

function lastContentBefore(text: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(text[i - 1] ?? '')) i--;
  return i;
}

/** New lines written into a CRLF file are CRLF too. */
function withFileEol<T extends TextEdit[] | TextEdit | undefined>(file: YamlFile, edits: T): T {
  if (!file.text.includes('\r\n') || edits === undefined) return edits;
  const convert = (edit: TextEdit) => ({ ...edit, replacement: edit.replacement.replace(/\r?\n/g, '\r\n') });
  return (Array.isArray(edits) ? edits.map(convert) : convert(edits)) as T;
}
