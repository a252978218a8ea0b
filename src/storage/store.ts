import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** What a store knows about one stored object without reading it. */
export interface ObjectInfo {
  size: number;
  /** A strong validator: it changes whenever the bytes could have changed. */
  etag: string;
  modified: Date;
}

/** An inclusive byte range, as HTTP Range uses. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The bytes to store: in memory, or a finished local file that the store may move instead of copying. */
export type PutBody = { bytes: Uint8Array } | { file: string };

export type PutResult = 'created' | 'exists';

/**
 * Where artifacts live. Keys are relative slash-separated paths in the `$GOMODCACHE/cache/download` layout
 * (`<escaped module>/@v/<escaped version>.zip`), so a store's contents form a valid GOPROXY tree.
 */
export interface Store {
  stat(key: string): Promise<ObjectInfo | undefined>;
  read(key: string, range?: ByteRange): Promise<{ info: ObjectInfo; body: Readable } | undefined>;
  readBytes(key: string): Promise<Buffer | undefined>;
  /**
   * Stores `body` under `key` atomically: readers see the old object or the whole new one, never a part.
   * With `ifAbsent`, an existing object is kept and 'exists' is returned (first writer wins), which is how
   * stored artifacts stay immutable.
   */
  put(key: string, body: PutBody, options: { ifAbsent: boolean }): Promise<PutResult>;
  /**
   * Replaces `key` only if it is still what the caller read: the object whose ETag is `etag`, or no object at
   * all when `etag` is undefined. Writes nothing and returns 'changed' when another writer got there first.
   * Only stores that can do this atomically have it (S3's conditional writes).
   */
  replaceIf?(key: string, body: PutBody, etag: string | undefined): Promise<'replaced' | 'changed'>;
  list(prefix: string): AsyncIterable<string>;
  delete(key: string): Promise<void>;
  /** A local directory for staging downloads before they are verified and put. */
  readonly stagingDir: string;
  /** For a store behind a network: rejects, saying why, when it cannot be reached now. */
  checkReady?(): Promise<void>;
}

/** Refuses keys that could escape the store's root: defence in depth behind the path validation. */
export function assertSafeKey(key: string): void {
  if (
    key === '' ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.includes('\0') ||
    key.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new Error(`refusing unsafe storage key ${JSON.stringify(key)}`);
  }
}

/** A fresh file name in the store's staging directory; callers write there and hand it to `put`. */
export function stagingPath(store: Store): string {
  return join(store.stagingDir, randomBytes(12).toString('hex'));
}
