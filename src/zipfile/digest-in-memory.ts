import { hash } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';
import type { Entry } from 'yauzl';
import { goQuote } from '../gomod/errors.js';
import { ZipRuleError } from '../gomod/zip-rules.js';

const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/**
 * One member of a zip that is held in memory, inflated in a single call and hashed: the same checks as the
 * streaming path (declared size, CRC-32, Go's error texts), at a fraction of its per-entry cost, for the
 * small zips that most modules are. Inflation stops one byte past the declared size, so a bomb costs nothing.
 */
export function digestInMemory(
  zip: Buffer,
  name: string,
  entry: Entry,
  corrupt: (detail: string) => Error,
  keep: Buffer[] | undefined,
): Buffer {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER)
    throw corrupt(`${goQuote(name)}: invalid local file header signature`);
  if (entry.isEncrypted()) throw corrupt(`${goQuote(name)}: encrypted entries are not supported`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) throw corrupt(`${goQuote(name)}: file data overflows file bounds`);
  const raw = zip.subarray(start, end);
  let data: Buffer | undefined;
  if (entry.compressionMethod === STORED) data = raw;
  else if (entry.compressionMethod === DEFLATED) {
    try {
      // One output buffer for the whole member, instead of zlib's 16 kB pieces joined at the end. (Inflating on
      // the thread pool instead measured no faster on two busy cores, and cost more CPU in all.)
      const chunkSize = Math.min(Math.max(entry.uncompressedSize + 1, 64), 16 << 20);
      data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1, chunkSize });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE')
        throw corrupt(`${goQuote(name)}: ${(err as Error).message}`);
      // More than declared: data stays undefined and is reported as larger below.
    }
  } else {
    throw corrupt(`${goQuote(name)}: unsupported compression method ${entry.compressionMethod}`);
  }
  if (data === undefined || data.length !== entry.uncompressedSize) {
    const relation = data === undefined || data.length > entry.uncompressedSize ? 'larger' : 'smaller';
    throw new ZipRuleError([
      {
        path: name,
        reason: `uncompressed size is ${relation} than declared size (${entry.uncompressedSize} bytes)`,
      },
    ]);
  }
  if (entry.crc32 !== 0 && crc32(data) >>> 0 !== entry.crc32 >>> 0) {
    throw corrupt(`${goQuote(name)}: checksum error`);
  }
  keep?.push(data);
  // One call, not a Hash object per member: a module has dozens of members and a restore thousands.
  return hash('sha256', data, 'buffer');
}
