import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { type ByteRange, type PutResult, type Store, stagingPath } from '../storage/store.js';

/** Where `cache restore` reads module files from. Keys are `cache/download` paths (module-files.ts). */
export interface ReadBackend {
  /** For messages and reports; never holds credentials. */
  readonly name: string;
  /** Something to tell the user before restoring, such as "this directory does not exist yet". */
  readonly note?: string;
  /** The object's bytes, or undefined when the backend does not have it. */
  open(key: string): Promise<Readable | undefined>;
  /** The keys a restore is about to open, so that a backend can plan fewer, larger reads (packed-backend.ts). */
  want?(keys: readonly string[]): void;
  close(): Promise<void>;
}

/** A backend that reads part of an object: packs are read a stretch at a time. */
export interface RangeReader {
  openRange(key: string, range: ByteRange): Promise<Readable | undefined>;
}

/** A backend whose objects can be replaced only if nobody changed them since they were read. */
export interface ConditionalReplace {
  /** The object's bytes and its ETag now, or undefined when there is none. */
  openTagged(key: string): Promise<{ body: Readable; etag: string } | undefined>;
  /**
   * Puts the staged file under key only if the object still has `etag` (undefined: is still absent); returns
   * 'changed', writing nothing, otherwise. The staged file is consumed either way.
   */
  replaceIf(key: string, staged: string, etag: string | undefined): Promise<'replaced' | 'changed'>;
}

/** Where `cache save` writes module files: a directory, S3, any Store. */
export interface WriteBackend extends ReadBackend {
  has(key: string): Promise<boolean>;
  /** A fresh local path to copy a file to before `put`. */
  stagingFile(): string;
  /** Stores a staged file under key unless something is already there; the staged file may be consumed. */
  put(key: string, staged: string): Promise<PutResult>;
  /** Makes durable what `put` accepted, if it only set it aside; returns the bytes uploaded besides the files. */
  flush?(): Promise<number>;
}

/** A --to/--from value that names no usable backend. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

export function isWritable(backend: ReadBackend): backend is WriteBackend {
  return 'put' in backend;
}

/**
 * Any Store as a cache backend. Stores use the `cache/download` layout already, so a directory store is itself
 * a GOPROXY=file:// tree, and an S3 store needs nothing more than its connections closed when done.
 */
export class StoreBackend implements WriteBackend, RangeReader, ConditionalReplace {
  constructor(
    private readonly store: Store,
    readonly name: string,
    /** Frees what the store holds (connections, a staging directory) once save or restore is done. */
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  async open(key: string): Promise<Readable | undefined> {
    return (await this.store.read(key))?.body;
  }

  async openRange(key: string, range: ByteRange): Promise<Readable | undefined> {
    return (await this.store.read(key, range))?.body;
  }

  async has(key: string): Promise<boolean> {
    return (await this.store.stat(key)) !== undefined;
  }

  async openTagged(key: string): Promise<{ body: Readable; etag: string } | undefined> {
    const found = await this.store.read(key);
    return found && { body: found.body, etag: found.info.etag };
  }

  /** On a store without conditional writes (a directory), the object is replaced whatever it holds. */
  async replaceIf(key: string, staged: string, etag: string | undefined): Promise<'replaced' | 'changed'> {
    const replaceIf = this.store.replaceIf?.bind(this.store);
    if (replaceIf) return this.consuming(staged, () => replaceIf(key, { file: staged }, etag));
    await this.consuming(staged, () => this.store.put(key, { file: staged }, { ifAbsent: false }));
    return 'replaced';
  }

  /** Runs a put of a staged file and removes the file after, whether the store consumed it or not. */
  private async consuming<T>(staged: string, put: () => Promise<T>): Promise<T> {
    try {
      return await put();
    } finally {
      await rm(staged, { force: true });
    }
  }

  stagingFile(): string {
    return stagingPath(this.store);
  }

  put(key: string, staged: string): Promise<PutResult> {
    return this.consuming(staged, () => this.store.put(key, { file: staged }, { ifAbsent: true }));
  }

  async close(): Promise<void> {
    await this.release();
  }
}
