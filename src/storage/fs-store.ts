import { createReadStream, readFileSync, statSync } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  assertSafeKey,
  type ByteRange,
  type ObjectInfo,
  type PutBody,
  type PutResult,
  type Store,
  stagingPath,
} from './store.js';

/** Staging files live inside the data directory so that publishing them is a same-filesystem link or rename. */
export const STAGING = '_modgate/tmp';

/**
 * A store on the local filesystem whose root is laid out exactly like `$GOMODCACHE/cache/download`.
 * Every write goes to a staging file that is fsynced and then linked (create-if-absent) or renamed
 * (replace) into place, so a crash never leaves a partial object visible.
 */
export class FsStore implements Store {
  readonly stagingDir: string;

  private constructor(readonly root: string) {
    this.stagingDir = join(root, STAGING);
  }

  /**
   * Opens the store, creating the root. `cleanStaging` removes staging files a crashed process left
   * behind; only the one process that owns the directory may do that, never one of several workers.
   */
  static async open(
    root: string,
    options: { cleanStaging: boolean } = { cleanStaging: true },
  ): Promise<FsStore> {
    const store = new FsStore(root);
    if (options.cleanStaging) await rm(store.stagingDir, { recursive: true, force: true });
    await mkdir(store.stagingDir, { recursive: true });
    return store;
  }

  private path(key: string): string {
    assertSafeKey(key);
    return join(this.root, key);
  }

  // stat and readBytes are synchronous system calls on purpose: they serve small objects (.info, .mod, hashes,
  // lists) from the page cache in microseconds, where each trip through libuv's thread pool costs about a
  // tenth of a millisecond. nginx reads files the same way by default. Large zips stream asynchronously.
  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = statSync(this.path(key));
      if (!s.isFile()) return undefined;
      return {
        size: s.size,
        etag: `"${s.size.toString(16)}-${Math.trunc(s.mtimeMs).toString(16)}"`,
        modified: s.mtime,
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange) {
    const info = await this.stat(key);
    if (!info) return undefined;
    const body = createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
    return { info, body };
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    try {
      return readFileSync(this.path(key));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async put(key: string, body: PutBody, options: { ifAbsent: boolean }): Promise<PutResult> {
    const target = this.path(key);
    const staged = 'file' in body ? body.file : await this.stageBytes(body.bytes);
    try {
      await fsync(staged);
      await mkdir(dirname(target), { recursive: true });
      if (options.ifAbsent) {
        try {
          await link(staged, target);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
          throw err;
        }
      } else {
        await rename(staged, target);
      }
      await fsync(dirname(target));
      return 'created';
    } finally {
      await rm(staged, { force: true });
    }
  }

  private async stageBytes(bytes: Uint8Array): Promise<string> {
    const file = stagingPath(this);
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    return file;
  }

  async *list(prefix: string): AsyncIterable<string> {
    const dir = prefix === '' ? this.root : this.path(prefix.replace(/\/$/, ''));
    let entries: string[];
    try {
      entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(this.root.length + 1))
        .filter((k) => !k.startsWith(`${STAGING}/`));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    yield* entries.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.path(key));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** fsync of a file, or of a directory to make a new entry in it durable across a power cut. */
async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
