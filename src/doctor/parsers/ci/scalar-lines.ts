import type { YamlFile } from './yaml-file.js';
import type { YScalar } from './yaml-tree.js';

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

/** Where the line holding `offset` ends: at its `\n`, or at the `\r` of a CRLF line end. */
export function nextNewline(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return nl > offset && text[nl - 1] === '\r' ? nl - 1 : nl;
}
