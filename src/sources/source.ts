import type { Readable } from 'node:stream';

/**
 * Where artifacts come from. Modules and versions are given unescaped and already validated; a source
 * escapes them for its own wire format. Every method rejects with NotFoundError or UpstreamError.
 */
export interface Source {
  /** A name for logs and error messages, with any credentials removed. */
  readonly name: string;
  list(module: string): Promise<string>;
  latest(module: string): Promise<Buffer>;
  /** `query` is a canonical version or anything else the protocol allows in `.info` (branch, commit prefix). */
  info(module: string, query: string): Promise<Buffer>;
  mod(module: string, version: string): Promise<Buffer>;
  zip(module: string, version: string): Promise<Readable>;
  /**
   * Whether the `.mod` and `.zip` of a version whose `.info` was just answered are made without the network
   * (the git source builds them from the mirror it has just fetched): then preparing them at once costs no
   * upstream a request. Sources that download each artifact leave this out.
   */
  buildsLocally?(module: string): boolean;
  /**
   * Registers who is told of versions the source finds without being asked for them (new tags a background
   * refresh fetched), so that they can be prepared before a client asks.
   */
  watchNewVersions?(listener: NewVersionsListener): void;
}

export type NewVersionsListener = (module: string, versions: readonly string[]) => void;
