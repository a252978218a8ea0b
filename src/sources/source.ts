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
}
