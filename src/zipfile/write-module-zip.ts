import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

export interface ZipSourceFile {
  /** Slash-separated path inside the module, without the `M@V/` prefix. */
  path: string;
  /** The bytes, or a file on disk to copy them from (large modules need not fit in memory). */
  content: Uint8Array | string | { file: string };
}

/** Zip bytes are not hashed, but a fixed time keeps them reproducible between runs. */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

/**
 * A module zip laid out the way Go's zip.Create does it: `M@V/<path>` entries in the given order, deflated,
 * no directory entries (HashZip would count them). It checks no rules: callers run checkFiles. Files given
 * on disk are read while the zip streams.
 */
export function moduleZipStream(
  modulePath: string,
  version: string,
  files: ReadonlyArray<ZipSourceFile>,
): Readable {
  const zip = new ZipFile();
  const prefix = `${modulePath}@${version}/`;
  for (const { path, content } of files) {
    const options = { mtime: FIXED_MTIME, compress: true, forceDosTimestamp: true };
    if (typeof content === 'object' && 'file' in content) {
      zip.addFile(content.file, prefix + path, options);
      continue;
    }
    const bytes =
      typeof content === 'string'
        ? Buffer.from(content, 'utf8')
        : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    zip.addBuffer(bytes, prefix + path, options);
  }
  zip.end();
  const output = zip.outputStream as Readable;
  // A file that cannot be read (its work directory gone) fails the stream, not the process.
  zip.on('error', (err: Error) => output.destroy(err));
  return output;
}

/** moduleZipStream, written to a file. */
export async function writeModuleZip(
  destPath: string,
  modulePath: string,
  version: string,
  files: ReadonlyArray<ZipSourceFile>,
): Promise<void> {
  await pipeline(moduleZipStream(modulePath, version, files), createWriteStream(destPath));
}
