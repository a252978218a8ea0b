import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { escapePath, escapeVersion } from '../gomod/escape.js';
import { NotFoundError, UpstreamError } from './errors.js';
import type { Source } from './source.js';

/** A GOPROXY tree on disk (`file:///path`), e.g. another machine's `$GOMODCACHE/cache/download`. */
export class FileProxySource implements Source {
  readonly name: string;
  private readonly root: string;

  constructor(url: string) {
    this.root = fileURLToPath(url);
    this.name = url;
  }

  async list(module: string): Promise<string> {
    return (await this.read(module, '@v/list')).toString('utf8');
  }

  latest(module: string): Promise<Buffer> {
    return this.read(module, '@latest');
  }

  info(module: string, query: string): Promise<Buffer> {
    return this.read(module, `@v/${escapeVersion(query)}.info`);
  }

  mod(module: string, version: string): Promise<Buffer> {
    return this.read(module, `@v/${escapeVersion(version)}.mod`);
  }

  async zip(module: string, version: string): Promise<Readable> {
    const file = this.path(module, `@v/${escapeVersion(version)}.zip`);
    // Open first so that a missing file is reported now, as not-found, rather than as a stream error later.
    const handle = await open(file, 'r').catch((err) => {
      throw this.failure(err, module, 'zip');
    });
    return handle.createReadStream();
  }

  private path(module: string, suffix: string): string {
    return join(this.root, escapePath(module), suffix);
  }

  private async read(module: string, suffix: string): Promise<Buffer> {
    try {
      return await readFile(this.path(module, suffix));
    } catch (err) {
      throw this.failure(err, module, suffix);
    }
  }

  /** Like the go command's file:// proxy: a missing file is not-found, anything else (permissions) is not. */
  private failure(err: unknown, module: string, what: string): Error {
    const code = (err as NodeJS.ErrnoException).code;
    const detail = `${this.name}: ${module}/${what}: ${(err as Error).message}`;
    return code === 'ENOENT' || code === 'ENOTDIR' ? new NotFoundError(detail) : new UpstreamError(detail);
  }
}
