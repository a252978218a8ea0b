import type { Position } from './model.js';

/**
 * Converts between UTF-16 offsets (what TextEdits use) and 1-based line/column positions (what reports print).
 * A line ends at `\n`; a `\r` before it belongs to the line's end, as editors show it.
 */
export class TextIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based position of an offset (clamped to the text). */
  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - this.starts[lo]! + 1 };
  }

  /** Offset of a 0-based line and character (the LSP convention dockerfile-ast uses). */
  offsetOf(line: number, character: number): number {
    if (line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[line]! + character, this.lineEnd(line + 1));
  }

  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
  }

  /** Offset just past a 1-based line, its `\n` included (the end of the text for the last line). */
  lineEndWithBreak(line: number): number {
    return line < this.starts.length ? this.starts[line]! : this.text.length;
  }

  /** Offset of the end of a 1-based line, before its `\r\n` or `\n`. */
  lineEnd(line: number): number {
    let end = this.lineEndWithBreak(line);
    if (end > 0 && this.text[end - 1] === '\n') end--;
    if (end > 0 && this.text[end - 1] === '\r' && end > this.lineStart(line)) end--;
    return end;
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}
