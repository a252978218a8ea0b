import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { WriteConflictError } from './client-errors.js';
import { sameBytes } from './encoding.js';

const LOCK_STALE_MS = 10_000; // a lock this old belongs to a process that died mid-write
const LOCK_RETRY_MS = 20;

/**
 * A directory of cache and config files for one checksum database, safe to share between processes: every
 * write is temp file + rename, so a reader sees the old or the new content, never a torn file, and config
 * compare-and-swap holds an exclusive lock file around its read-compare-rename.
 */
export class DirStore {
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  /** Names come from escaped module paths; refuse anything that would step outside the directory anyway. */
  path(file: string): string {
    const full = resolve(this.root, file);
    const rel = relative(this.root, full);
    if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') || file.includes('\0')) {
      throw new Error(`sumdb: invalid cache file name ${JSON.stringify(file)}`);
    }
    return full;
  }

  async read(file: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(file: string, data: Uint8Array): Promise<void> {
    const target = this.path(file);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, data);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Replaces old with data, or throws WriteConflictError when the file no longer holds old. */
  async compareAndSwap(file: string, old: Uint8Array, data: Uint8Array): Promise<void> {
    const release = await this.lock(file);
    try {
      const current = (await this.read(file)) ?? Buffer.alloc(0);
      if (!sameBytes(current, old)) throw new WriteConflictError(file);
      await this.write(file, data);
    } finally {
      await release();
    }
  }

  private async lock(file: string): Promise<() => Promise<void>> {
    const lockPath = `${this.path(file)}.lock`;
    await mkdir(dirname(lockPath), { recursive: true });
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.close();
        return () => rm(lockPath, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(lockPath, { force: true });
      else await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
    }
  }
}
