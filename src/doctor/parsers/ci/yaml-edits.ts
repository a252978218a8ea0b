import { stringify } from 'yaml';
import type { TextEdit } from '../../model.js';
import type { YamlFile } from './yaml-file.js';
import type { YMap, YNode, YScalar, YSeq } from './yaml-tree.js';

/**
 * Text edits on CI YAML that touch only the bytes they change, so comments, quoting and layout elsewhere
 * survive `doctor --fix`. Every builder refuses (returns undefined) nodes reached through an alias or a
 * merge key: their text is shared with other places and editing it would change those too.
 */

/** One line of a scalar's value with its source offsets: multi-line inputs (`path: |`) hold one item a line. */
export interface ScalarLine {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** The non-empty lines of a scalar, trimmed, each with where it sits in the source. */
export function scalarLines(file: YamlFile, scalar: YScalar): ScalarLine[] {
  const [start, end] = scalar.range;
  if (!scalar.style.startsWith('BLOCK')) {
    const quoted = scalar.style.startsWith('QUOTE') ? 1 : 0;
    return scalar.text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line, i) =>
        i === 0
          ? { text: line, start: start + quoted, end: Math.max(start + quoted, end - quoted) }
          : { text: line, start: start + quoted, end: start + quoted },
      );
  }
  const lines: ScalarLine[] = [];
  // Skip the header line (`|`, `>-`, `|2` and an optional comment); the content starts on the next line.
  let lineStart = file.text.indexOf('\n', start) + 1;
  while (lineStart > 0 && lineStart < end) {
    const lineEnd = Math.min(nextNewline(file.text, lineStart), end);
    const raw = file.text.slice(lineStart, lineEnd);
    const content = raw.trim();
    if (content !== '') {
      const at = lineStart + raw.indexOf(content);
      lines.push({ text: content, start: at, end: at + content.length });
    }
    lineStart = lineEnd + 1;
  }
  return lines;
}

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

/**
 * Sets `key` in a mapping to a value given as YAML text: one line, or several lines written as a `|` block.
 * Replaces the value when the key is written in this mapping, appends an entry otherwise.
 */
export function setMapEntry(
  file: YamlFile,
  map: YMap,
  key: string,
  value: string | string[],
): TextEdit | undefined {
  const existing = map.entries.get(key);
  if (existing && !existing.merged) {
    const indent = indentOf(file, existing.keyRange[0]);
    return replaceNode(file, existing.value, renderValue(value, indent, existing.value.flow));
  }
  return appendMapEntry(file, map, key, value);
}

/**
 * Sets `parentKey.key` in a mapping, creating the `parentKey:` mapping when it is absent: how a step gets
 * a `with:` input it did not have.
 */
export function setChildEntry(
  file: YamlFile,
  map: YMap,
  parentKey: string,
  key: string,
  value: string,
): TextEdit | undefined {
  const parent = map.entries.get(parentKey)?.value;
  if (parent?.kind === 'map') return setMapEntry(file, parent, key, value);
  if (parent !== undefined && !(parent.kind === 'scalar' && parent.value === null)) return undefined;
  const first = [...map.entries.values()].find((entry) => !entry.merged);
  if (!first) return undefined;
  const indent = ' '.repeat(indentOf(file, first.keyRange[0]) + 2);
  if (parent)
    return replaceRange(
      file,
      { start: parent.range[0], end: parent.range[1] },
      `\n${indent}${key}: ${value}`,
    );
  return appendMapEntry(file, map, parentKey, [`${key}: ${value}`], 'nested');
}

function appendMapEntry(
  file: YamlFile,
  map: YMap,
  key: string,
  value: string | string[],
  /** `block` writes several lines as a `|` scalar; `nested` writes them as a nested mapping's entries. */
  lines: 'block' | 'nested' = 'block',
): TextEdit | undefined {
  if (map.viaAlias) return undefined;
  const own = [...map.entries.values()].filter((entry) => !entry.merged);
  const first = own[0];
  if (!first) return undefined;
  const lastEnd = Math.max(...own.map((entry) => entry.value.range[1]));
  const indent = indentOf(file, first.keyRange[0]);
  if (map.flow) {
    if (Array.isArray(value)) return undefined;
    return { file: file.file, start: lastEnd, end: lastEnd, replacement: `, ${key}: ${value}` };
  }
  const at = endOfLine(file.text, lastContentBefore(file.text, lastEnd));
  const entry =
    lines === 'nested' && Array.isArray(value)
      ? `${key}:${value.map((line) => `\n${' '.repeat(indent + 2)}${line}`).join('')}`
      : `${key}: ${renderValue(value, indent, false)}`;
  return { file: file.file, start: at, end: at, replacement: `\n${' '.repeat(indent)}${entry}` };
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
  return { file: file.file, start: dash, end: dash, replacement: `${body}\n${indent}` };
}

function renderValue(value: string | string[], indent: number, inFlow: boolean): string {
  if (!Array.isArray(value)) return value;
  if (inFlow) return JSON.stringify(value.join('\n'));
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

function endOfLine(text: string, offset: number): number {
  return nextNewline(text, offset);
}

function nextNewline(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}
