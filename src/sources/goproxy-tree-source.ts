import type { Readable } from 'node:stream';
import { escapeVersion } from '../gomod/escape.js';
import type { Source } from './source.js';

/**
 * A source laid out as a GOPROXY tree (`<module>/@v/list`, `@v/<version>.info|.mod|.zip`, `@latest`),
 * whether reached over HTTP or on disk: subclasses only say how to read one file of it.
 */
export abstract class GoproxyTreeSource implements Source {
  abstract readonly name: string;
  /** Reads a small file whole; `suffix` is relative to the module's escaped path. */
  protected abstract bytes(module: string, suffix: string): Promise<Buffer>;
  /** Opens a large file as a stream, failing now (not mid-stream) when it does not exist. */
  protected abstract stream(module: string, suffix: string): Promise<Readable>;

  async list(module: string): Promise<string> {
    return (await this.bytes(module, '@v/list')).toString('utf8');
  }

  latest(module: string): Promise<Buffer> {
    return this.bytes(module, '@latest');
  }

  info(module: string, query: string): Promise<Buffer> {
    return this.bytes(module, `@v/${escapeVersion(query)}.info`);
  }

  mod(module: string, version: string): Promise<Buffer> {
    return this.bytes(module, `@v/${escapeVersion(version)}.mod`);
  }

  zip(module: string, version: string): Promise<Readable> {
    return this.stream(module, `@v/${escapeVersion(version)}.zip`);
  }
}
