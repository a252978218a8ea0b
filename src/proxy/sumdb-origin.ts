import { isNotFound, UpstreamError } from '../sources/errors.js';
import type { HttpOrigin } from '../sources/http-get.js';
import { parseTilePath } from '../sumdb/tile.js';

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

const TREE_NOTE = 'go.sum database tree\n';
const HASH_SIZE = 32;

/** Lookups and tiles are small; the largest full tile is 256 hashes of 32 bytes, a lookup a few lines. */
const MAX_SUMDB_BYTES = 1 << 20;

/**
 * GETs `<path>` of a checksum database and refuses (UpstreamError) answers that cannot be what a checksum
 * database sends: a captive portal's page, a truncated tile. Whether the answer is true is for the verifier.
 */
export async function fetchSumdbAnswer(origin: SumdbOrigin, name: string, path: string): Promise<Buffer> {
  const bytes = await origin.getBytes(path, `${name} ${path}`, MAX_SUMDB_BYTES);
  const text = () => bytes.toString('latin1');
  let ok: boolean;
  if (path === 'latest') ok = text().startsWith(TREE_NOTE);
  else if (path.startsWith('lookup/')) ok = /^\d+\n/.test(text()) && text().includes(`\n${TREE_NOTE}`);
  else {
    const tile = parseTilePath(path);
    ok = tile.L === -1 ? bytes.length > 0 : bytes.length === HASH_SIZE * tile.W;
  }
  if (!ok)
    throw new UpstreamError(
      `${name} answered ${path} with something that is not a checksum database ${path.split('/')[0]} (${bytes.length} bytes)`,
    );
  return bytes;
}
