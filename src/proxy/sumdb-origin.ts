import { isNotFound } from '../sources/errors.js';
import type { HttpOrigin } from '../sources/http-get.js';

/** Where a proxied checksum database's answers come from. HttpOrigin is one. */
export interface SumdbOrigin {
  readonly name: string;
  getBytes(path: string, what: string, maxBytes: number): Promise<Buffer>;
}

/**
 * A database configured by name alone is reached the way the go command reaches GOSUMDB: through the first
 * upstream proxy that answers 200 to `/sumdb/<name>/supported`, else directly. Behind a firewall that lets
 * only the upstream proxy through (goproxy.cn, a corporate Artifactory), verification then still works.
 * The choice is made once, when every proxy gave a definite answer; after a network error it is made again
 * on the next request, which meanwhile goes to the database directly.
 */
export class DiscoveredSumdbOrigin implements SumdbOrigin {
  private chosen: HttpOrigin | undefined;

  constructor(
    private readonly database: string,
    /** `<proxy>/sumdb/<name>` for each HTTP upstream proxy, in chain order. */
    private readonly viaProxies: readonly HttpOrigin[],
    private readonly direct: HttpOrigin,
  ) {}

  get name(): string {
    return this.chosen?.name ?? this.direct.name;
  }

  async getBytes(path: string, what: string, maxBytes: number): Promise<Buffer> {
    return (await this.choose()).getBytes(path, what, maxBytes);
  }

  private async choose(): Promise<HttpOrigin> {
    if (this.chosen) return this.chosen;
    let definite = true;
    for (const candidate of this.viaProxies) {
      try {
        await candidate.getBytes('supported', `whether it proxies ${this.database}`, 1 << 10);
        this.chosen = candidate;
        return candidate;
      } catch (err) {
        if (!isNotFound(err)) definite = false;
      }
    }
    if (definite) this.chosen = this.direct;
    return this.direct;
  }
}
