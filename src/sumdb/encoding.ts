import { isUtf8 } from 'node:buffer';

/**
 * Byte-level rules shared by notes, tree heads and records. Go checks them on []byte, so they are checked on
 * bytes here too: a JavaScript string has already lost the difference between invalid UTF-8 and U+FFFD.
 */

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Go's base64.StdEncoding.DecodeString, or undefined where Go returns an error. Go demands the padding, skips
 * '\r' and '\n' anywhere, and (not being in Strict mode) ignores stray low bits in the last character, which is
 * also what Node's decoder does. Node's decoder alone would accept missing padding and junk characters.
 */
export function decodeStdBase64(s: string): Buffer | undefined {
  const compact = s.replace(/[\r\n]/g, '');
  if (!STD_BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** Well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF) and no ASCII control but '\n'. */
export function isCleanText(bytes: Uint8Array): boolean {
  if (!isUtf8(bytes)) return false;
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x0a) return false;
  }
  return true;
}

export function toBytes(data: Uint8Array | string): Buffer {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : Buffer.from(data.buffer, data.byteOffset, data.length);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** fmt's %08x for the uint32 key hashes that appear in key strings and error messages. */
export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
