import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { type Entry, fromBuffer, open as openZip, type ZipFile } from 'yauzl';
import { hash1 } from '../gomod/dirhash.js';
import { goQuote } from '../gomod/errors.js';
import {
  checkModuleVersion,
  checkZipEntries,
  type FileProblem,
  MAX_ZIP_FILE,
  ZipRuleError,
} from '../gomod/zip-rules.js';
import { digestInMemory } from './digest-in-memory.js';

export interface ModuleZipSummary {
  /** Go's HashZip of the zip, the go.sum `h1:` for the version. */
  h1: string;
  /** The root `M@V/go.mod`, if the zip has one. */
  goMod: Buffer | undefined;
  /** Number of file entries (directories not counted). */
  files: number;
  /** Decompressed bytes actually read, over every entry. */
  uncompressedBytes: number;
}

/**
 * Receives every file of the zip while it is checked, so that it can be extracted in the same pass instead of
 * being inflated a second time. Names are relative to the module root (`M@V/` taken off), already held to
 * Go's file path rules; what was written must be thrown away when the inspection throws.
 */
export interface ZipFileSink {
  open(name: string): Promise<{ write(chunk: Uint8Array): Promise<unknown>; close(): Promise<void> }>;
}

interface NamedEntry {
  name: string;
  uncompressedSize: number;
  entry: Entry;
}

/** Zips up to this size are inspected in memory (Go's own zips of most modules are well under it). */
const IN_MEMORY_LIMIT = 8 << 20;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks a module zip as the go command's CheckZip and Unzip would, and hashes it as HashZip does. A zip up to
 * 8 MiB is read whole and each member inflated in one call; a larger one is read member by member as
 * streams, so memory stays flat whatever it holds, apart from the root go.mod. A caller that holds the zip's
 * bytes already passes them as `data` (`zipPath` then only names the zip in messages).
 * Throws ZipRuleError for broken rules, and "not a valid zip file" for what is no zip at all.
 */
export async function inspectModuleZip(
  zipPath: string,
  modulePath: string,
  version: string,
  options: { inMemoryLimit?: number; extract?: ZipFileSink; data?: Buffer } = {},
): Promise<ModuleZipSummary> {
  checkModuleVersion(modulePath, version);
  const size = options.data?.length ?? (await stat(zipPath)).size;
  if (size > MAX_ZIP_FILE) {
    throw new ZipRuleError([
      {
        path: `${modulePath}@${version}`,
        reason: `module zip file is too large (${size} bytes; limit is ${MAX_ZIP_FILE} bytes)`,
      },
    ]);
  }
  // Small zips (most modules) are read whole and each member inflated in one call; larger ones stream.
  const whole =
    options.data ??
    (size <= (options.inMemoryLimit ?? IN_MEMORY_LIMIT) ? await readFile(zipPath) : undefined);
  const zip = await openOrExplain(zipPath, whole);
  try {
    const { entries, problems } = await readDirectory(zip, zipPath);
    let files: NamedEntry[];
    try {
      files = checkZipEntries(modulePath, version, entries);
    } catch (err) {
      if (err instanceof ZipRuleError) throw new ZipRuleError([...problems, ...err.problems]);
      throw err;
    }
    if (problems.length > 0) throw new ZipRuleError(problems);

    const prefix = `${modulePath}@${version}/`;
    const goModName = `${prefix}go.mod`;
    const isFile = new Set(files);
    const hashed: Array<{ name: string; sha256: Uint8Array }> = [];
    let goMod: Buffer | undefined;
    let uncompressedBytes = 0;
    // HashZip covers every entry as stored, directories and a bare `M@V/` included.
    for (const e of entries) {
      const keep = e.name === goModName ? ([] as Buffer[]) : undefined;
      const out =
        options.extract && isFile.has(e)
          ? await options.extract.open(e.name.slice(prefix.length))
          : undefined;
      let sha256: Uint8Array;
      try {
        if (whole) {
          const data: Buffer[] = [];
          sha256 = digestInMemory(whole, e.name, e.entry, (detail) => corrupt(zipPath, detail), data);
          if (keep) keep.push(...data);
          if (out) await out.write(data[0]!);
        } else {
          sha256 = await digestEntry(zip, e, zipPath, keep, out);
        }
      } finally {
        await out?.close();
      }
      hashed.push({ name: e.name, sha256 });
      uncompressedBytes += e.uncompressedSize;
      if (keep) goMod = Buffer.concat(keep);
    }
    return { h1: hash1(hashed), goMod, files: files.length, uncompressedBytes };
  } finally {
    zip.close();
  }
}

function openOrExplain(zipPath: string, whole: Buffer | undefined): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false };
    const done = (err: Error | null, zip: ZipFile) => {
      // Errors with a code (ENOENT, EACCES) are about the file, not its contents.
      if (err) reject((err as NodeJS.ErrnoException).code ? err : corrupt(zipPath, err.message));
      else resolve(zip);
    };
    if (whole) fromBuffer(whole, options, done);
    else openZip(zipPath, options, done);
  });
}

/** Reads the central directory; names that are not UTF-8 become problems (Go's CheckFilePath refuses them). */
function readDirectory(
  zip: ZipFile,
  zipPath: string,
): Promise<{ entries: NamedEntry[]; problems: FileProblem[] }> {
  return new Promise((resolve, reject) => {
    const entries: NamedEntry[] = [];
    const problems: FileProblem[] = [];
    zip.on('entry', (entry: Entry) => {
      const raw = entry.fileNameRaw;
      try {
        entries.push({ name: strictUtf8.decode(raw), uncompressedSize: entry.uncompressedSize, entry });
      } catch {
        problems.push({ path: raw.toString('utf8'), reason: 'malformed file path: invalid UTF-8' });
      }
      zip.readEntry();
    });
    zip.once('end', () => resolve({ entries, problems }));
    zip.once('error', (err: Error) => reject(corrupt(zipPath, err.message)));
    zip.readEntry();
  });
}

/**
 * Streams one member through SHA-256, holding it to its declared size and CRC-32 as Go's archive/zip
 * reader does (a zero CRC is not checked, like Go). `keep` collects the bytes and `out` is given them, if any.
 */
async function digestEntry(
  zip: ZipFile,
  e: NamedEntry,
  zipPath: string,
  keep: Buffer[] | undefined,
  out: { write(chunk: Uint8Array): Promise<unknown> } | undefined,
): Promise<Buffer> {
  const hash = createHash('sha256');
  let crc = 0;
  let read = 0;
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(e.entry);
  } catch (err) {
    throw corrupt(zipPath, `${goQuote(e.name)}: ${(err as Error).message}`);
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > e.uncompressedSize) break;
      hash.update(chunk);
      crc = crc32(chunk, crc);
      keep?.push(chunk);
      await out?.write(chunk);
    }
  } catch (err) {
    // yauzl's own size guard (validateEntrySizes) can fire first; report it like ours.
    const message = (err as Error).message;
    if (/too many bytes in the stream/.test(message)) read = e.uncompressedSize + 1;
    else if (!/not enough bytes in the stream/.test(message))
      throw corrupt(zipPath, `${goQuote(e.name)}: ${message}`);
  }
  if (read !== e.uncompressedSize) {
    const relation = read > e.uncompressedSize ? 'larger' : 'smaller';
    throw new ZipRuleError([
      {
        path: e.name,
        reason: `uncompressed size is ${relation} than declared size (${e.uncompressedSize} bytes)`,
      },
    ]);
  }
  if (e.entry.crc32 !== 0 && crc >>> 0 !== e.entry.crc32 >>> 0) {
    throw corrupt(zipPath, `${goQuote(e.name)}: checksum error`);
  }
  return hash.digest();
}

function corrupt(zipPath: string, detail: string): Error {
  return new Error(`not a valid zip file: ${zipPath}: ${detail}`);
}
