import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertSafeKey } from '../storage/store.js';
import type { ReadBackend } from './backend.js';

/**
 * Reads a cache directory without writing to it (no staging directory, unlike FsStore), so a restore works
 * from a read-only mount, such as a cache volume or a bind mount in a Docker build.
 */
export class DirectoryReader implements ReadBackend {
  readonly name: string;

  constructor(
    private readonly root: string,
    /** Said once before restoring, when the directory is not what the user may expect. */
    readonly note?: string,
  ) {
    this.name = `dir:${root}`;
  }

  async open(key: string): Promise<Readable | undefined> {
    assertSafeKey(key);
    try {
      return (await open(join(this.root, key), 'r')).createReadStream();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  async close(): Promise<void> {}
}
