import { decodeStdBase64, isCleanText, toBytes } from './encoding.js';
import type { Tree } from './tlog.js';

/**
 * The texts of golang.org/x/mod/sumdb/tlog/note.go: the tree head that the server signs, and the record framing
 * of lookup responses (`<id>\n<text>\n`, then the signed tree head).
 */

export class MalformedTreeError extends Error {
  override name = 'MalformedTreeError';
  constructor() {
    super('malformed tree note');
  }
}

export class MalformedRecordError extends Error {
  override name = 'MalformedRecordError';
  constructor() {
    super('malformed record data');
  }
}

const TREE_PREFIX = 'go.sum database tree\n';
const MAX_TREE_TEXT = 1e6;
const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]*)$/;
// strconv.ParseInt(s, 10, 64) accepts a sign and leading zeros; ParseRecord does not ask for more.
const GO_DECIMAL = /^[+-]?[0-9]+$/;

/** `go.sum database tree\n<N>\n<base64 hash>\n`, the text the server signs as a note. */
export function formatTree(tree: Tree): string {
  if (!Number.isSafeInteger(tree.N) || tree.N < 0) throw new RangeError(`tlog: invalid tree size ${tree.N}`);
  if (tree.Hash.length !== 32)
    throw new RangeError(`tlog: tree hash must be 32 bytes, not ${tree.Hash.length}`);
  return `${TREE_PREFIX}${tree.N}\n${Buffer.from(tree.Hash).toString('base64')}\n`;
}

/**
 * Go's tlog.ParseTree. Lines after the third are ignored, as Go reserves them for compatible extensions. N must
 * be canonical decimal. Go allows N up to 2^63-1; here it must also be below 2^53 (see tlog.ts).
 */
export function parseTree(text: Uint8Array | string): Tree {
  const bytes = toBytes(text);
  if (
    bytes.length > MAX_TREE_TEXT ||
    !bytes.subarray(0, TREE_PREFIX.length).equals(Buffer.from(TREE_PREFIX))
  ) {
    throw new MalformedTreeError();
  }
  const lines = bytes.toString('latin1').split('\n');
  // At least three newlines: prefix line, N line, hash line.
  if (lines.length < 4) throw new MalformedTreeError();
  const nText = lines[1]!;
  const n = Number(nText);
  if (!CANONICAL_DECIMAL.test(nText) || !Number.isSafeInteger(n)) throw new MalformedTreeError();
  // latin1 keeps one char per byte, so a non-ASCII hash line cannot sneak past the base64 check.
  const hash = decodeStdBase64(lines[2]!);
  if (hash === undefined || hash.length !== 32) throw new MalformedTreeError();
  return { N: n, Hash: hash };
}

/** `<id>\n<text>\n`: a record as served in a lookup response (and, with its id, in old data tiles). */
export function formatRecord(id: number, text: Uint8Array | string): Buffer {
  if (!Number.isSafeInteger(id)) throw new RangeError(`tlog: invalid record id ${id}`);
  const body = toBytes(text);
  if (!isValidRecordText(body)) throw new MalformedRecordError();
  return Buffer.concat([Buffer.from(`${id}\n`), body, Buffer.from('\n')]);
}

/**
 * Go's tlog.ParseRecord: the record at the start of msg, up to and including its terminating blank line, and
 * the rest (for a lookup response, the signed tree head). The id is parsed as loosely as Go does ("+7", "007",
 * "-1"); storedHashIndex refuses negative ids, so one cannot alias record 0 the way it can in Go.
 */
export function parseRecord(msg: Uint8Array): { id: number; text: Buffer; rest: Buffer } {
  const bytes = toBytes(msg);
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new MalformedRecordError();
  const idText = bytes.subarray(0, nl).toString('latin1');
  const id = Number(idText);
  if (!GO_DECIMAL.test(idText) || !Number.isSafeInteger(id)) throw new MalformedRecordError();
  const body = bytes.subarray(nl + 1);
  const end = body.indexOf('\n\n');
  if (end < 0) throw new MalformedRecordError();
  const text = body.subarray(0, end + 1);
  if (!isValidRecordText(text)) throw new MalformedRecordError();
  return { id: id === 0 ? 0 : id, text, rest: body.subarray(end + 2) };
}

/**
 * UTF-8, no control character but '\n', ends in '\n', and no blank line. Go tracks the previous rune starting
 * from 0, so a text may begin with one empty line ("\nabc\n" is valid); only "\n\n" anywhere is refused.
 */
export function isValidRecordText(text: Uint8Array): boolean {
  return isCleanText(text) && text.length > 0 && text[text.length - 1] === 0x0a && !hasBlankLine(text);
}

function hasBlankLine(text: Uint8Array): boolean {
  return Buffer.from(text.buffer, text.byteOffset, text.length).includes('\n\n');
}
