/** One line of input: its 1-based number and its text (invalid UTF-8 decoded to U+FFFD). */
export interface NumberedLine {
  line: number;
  text: string;
}

/** Longer lines are cut: go's error lines are far shorter, and a minified blob must not grow memory. */
export const MAX_LINE_BYTES = 16 * 1024;

/**
 * Splits a byte stream into lines without holding more than one (capped) line in memory, so a 1 GB build log
 * costs as much as a small one. Splitting on the byte 0x0A before decoding is safe: it never occurs inside a
 * multi-byte UTF-8 sequence.
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  const take = (): NumberedLine => {
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending.length = 0;
    pendingBytes = 0;
    return { line: ++lineNo, text: decoder.decode(bytes) };
  };
  const keep = (part: Uint8Array) => {
    const room = maxLineBytes - pendingBytes;
    if (room <= 0) return;
    const kept = part.length > room ? part.subarray(0, room) : part;
    // Copy: the stream may reuse its chunk buffers.
    pending.push(Uint8Array.prototype.slice.call(kept));
    pendingBytes += kept.length;
  };
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl >= 0; nl = bytes.indexOf(10, start)) {
      keep(bytes.subarray(start, nl));
      yield take();
      start = nl + 1;
    }
    if (start < bytes.length) keep(bytes.subarray(start));
  }
  if (pendingBytes > 0) yield take();
}
