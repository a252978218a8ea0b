import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { escapePath } from '../gomod/escape.js';
import { NotFoundError, UpstreamError } from './errors.js';
import { GoproxyTreeSource } from './goproxy-tree-source.js';

/** A GOPROXY tree on disk (`file:///path`), e.g. another machine's `$GOMODCACHE/cache/download`. */
export class FileProxySource extends GoproxyTreeSource {
  readonly name: string;
  private readonly root: string;

  constructor(url: string) {
    super();
    this.root = fileURLToPath(url);
    this.name = url;
  }

  protected async stream(module: string, suffix: string): Promise<Readable> {
    // Open first so that a missing file is reported now, as not-found, rather than as a stream error later.
    const handle = await open(this.path(module, suffix), 'r').catch((err) => {
      throw this.failure(err, module, suffix);
    });
    return handle.createReadStream();
  }

  private path(module: string, suffix: string): string {
    return join(this.root, escapePath(module), suffix);
  }

  protected async bytes(module: string, suffix: string): Promise<Buffer> {
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
