import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { escapePath } from '../gomod/escape.js';
import { GoproxyTreeSource } from './goproxy-tree-source.js';
import { HttpOrigin } from './http-get.js';
import { goPathEscape } from './proxy-url.js';

/** Bodies of list, .info and .mod answers are small; a larger one is an upstream error, not a reason to OOM. */
const MAX_METADATA_BYTES = 16 << 20;

/** An upstream GOPROXY server reached over HTTP(S). */
export class HttpProxySource extends GoproxyTreeSource {
  private readonly origin: HttpOrigin;

  constructor(url: string, dispatcher: Dispatcher, userAgent: string) {
    super();
    this.origin = new HttpOrigin(url, dispatcher, userAgent);
  }

  get name(): string {
    return this.origin.name;
  }

  protected async stream(module: string, suffix: string): Promise<Readable> {
    return (await this.origin.get(this.path(module, suffix), `${module}/${suffix}`)).body;
  }

  protected bytes(module: string, suffix: string): Promise<Buffer> {
    return this.origin.getBytes(this.path(module, suffix), `${module}/${suffix}`, MAX_METADATA_BYTES);
  }

  private path(module: string, suffix: string): string {
    return goPathEscape(`${escapePath(module)}/${suffix}`);
  }
}
