import picomatch from 'picomatch';
import { renderTemplate, type TemplatePart } from './gh-expressions.js';

/**
 * Reasoning about actions/cache key templates: which parts change every run or with file contents, whether
 * a restore-key can ever match the key, and whether a hashFiles() pattern covers go.sum.
 */

/** Contexts whose value differs on every commit or run. */
const PER_RUN_REFS = ['github.sha', 'github.run_id', 'github.run_number', 'github.run_attempt'];

export function isPerRunRef(ref: string): boolean {
  return PER_RUN_REFS.includes(ref);
}

/** A part that changes with file contents or per run: the end of the part of a key restore-keys can share. */
export function isVolatile(part: TemplatePart): boolean {
  return part.kind === 'expr' && (part.facts.hashFiles.length > 0 || part.facts.refs.some(isPerRunRef));
}

/** True when a hashFiles() pattern can match a go.sum or go.work.sum file. */
export function patternCoversGoSum(pattern: string): boolean {
  if (pattern.startsWith('!')) return false;
  const last = pattern.split('/').pop() ?? pattern;
  const match = picomatch(last, { dot: true });
  return match('go.sum') || match('go.work.sum');
}

/**
 * Whether `restoreKey` is a text prefix of `key` once both are expanded. Undefined when an expression that
 * is not a plain reference or hashFiles() call (format(), operators) makes the comparison guesswork.
 */
export function isTemplatePrefix(
  restoreKey: readonly TemplatePart[],
  key: readonly TemplatePart[],
): boolean | undefined {
  const opaque = [...restoreKey, ...key].some((part) => part.kind === 'expr' && part.facts.shape === 'other');
  if (opaque) return undefined;
  return renderTemplate(key).startsWith(renderTemplate(restoreKey));
}

/** The leading parts of a key before its first volatile part, without trailing separators. */
export function stablePrefix(key: readonly TemplatePart[]): string {
  const end = key.findIndex(isVolatile);
  const text = renderTemplate(end < 0 ? key : key.slice(0, end));
  return text.replace(/[-_./\s]+$/, '');
}

/** The key cut at `-` in its literal text; expressions are never cut. */
export function splitSegments(key: readonly TemplatePart[]): TemplatePart[][] {
  const segments: TemplatePart[][] = [[]];
  for (const part of key) {
    if (part.kind === 'expr') {
      segments.at(-1)!.push(part);
      continue;
    }
    part.text.split('-').forEach((text, i) => {
      if (i > 0) segments.push([]);
      if (text !== '') segments.at(-1)!.push({ kind: 'literal', text });
    });
  }
  return segments.filter((segment) => segment.length > 0);
}

/** The key's stable `-`-separated segments, in order, with every volatile one left out. */
export function stableSegments(key: readonly TemplatePart[]): string {
  return splitSegments(key)
    .filter((segment) => !segment.some(isVolatile))
    .map(renderTemplate)
    .join('-');
}
