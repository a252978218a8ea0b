import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MAX_ZIP_FILE } from '../gomod/zip-rules.js';
import { UpstreamError } from '../sources/errors.js';
import { IntegrityError } from './errors.js';

/**
 * Copies an upstream zip body to a local staging file, so it can be verified before anyone sees it.
 * Memory stays flat whatever the size; a body over Go's 500 MiB limit or cut short leaves no file behind.
 */
export async function stageZip(body: Readable, file: string, what: string): Promise<number> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > MAX_ZIP_FILE)
        done(new IntegrityError(`${what}: zip is larger than Go's limit of ${MAX_ZIP_FILE} bytes`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(file, { flags: 'wx' }));
    return size;
  } catch (err) {
    await rm(file, { force: true });
    if (err instanceof IntegrityError) throw err;
    throw new UpstreamError(`${what}: download failed after ${size} bytes: ${(err as Error).message}`);
  }
}
