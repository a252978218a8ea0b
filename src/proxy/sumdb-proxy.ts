import { NotFoundError, UpstreamError } from '../sources/errors.js';
import type { Store } from '../storage/store.js';
import { parseTilePath } from '../sumdb/tile.js';
import type { FreshnessCache } from './freshness.js';
import type { NegativeCache } from './negative-cache.js';
import type { SingleFlight } from './singleflight.js';
import { checkSumdbPath, type SumdbAnswer, type SumdbBackend } from './sumdb-backend.js';
import type { SumdbOrigin } from './sumdb-origin.js';

const TREE_NOTE = 'go.sum database tree\n';
const HASH_SIZE = 32;

/** Lookups and tiles are small; the largest full tile is 256 hashes of 32 bytes, a lookup a few lines. */
const MAX_SUMDB_BYTES = 1 << 20;

/**
 * Proxies checksum databases (`/sumdb/<name>/latest|lookup/...|tile/...`) so builds behind a firewall can
 * verify modules without reaching the database. Tiles and lookups are stored for good under
 * `sumdb/<name>/...` (the go command's own cache layout); `latest` is revalidated and served stale when the
 * database is unreachable. Nothing here needs trusting: the go client verifies every byte against the key.
 */
export class SumdbProxy {
  constructor(
    private readonly databases: ReadonlyMap<string, SumdbOrigin>,
    private readonly store: Store,
    private readonly freshness: FreshnessCache,
    private readonly flights: SingleFlight,
    private readonly notFound: NegativeCache,
  ) {}

  /** The proxy seen as the backend of one database, for the /sumdb/ routes. */
  backend(name: string): SumdbBackend {
    return { get: (path) => this.get(name, path) };
  }

  async get(name: string, path: string): Promise<SumdbAnswer> {
    const origin = this.databases.get(name);
    if (!origin)
      throw new NotFoundError(`checksum database ${name} is not proxied here; go will ask it directly`);
    checkSumdbPath(path);
    const key = `sumdb/${name}/${path}`;
    const fetch = async () =>
      checkSumdbBody(name, path, await origin.getBytes(path, `${name} ${path}`, MAX_SUMDB_BYTES));
    if (path === 'latest') {
      const answer = await this.freshness.get(key, fetch);
      return { bytes: answer.bytes, state: answer.state, immutable: false };
    }
    const stored = await this.store.readBytes(key);
    if (stored) return { bytes: stored, state: 'stored', immutable: true };
    const remembered = this.notFound.get(key);
    if (remembered !== undefined) throw new NotFoundError(remembered);
    const bytes = await this.flights.run(key, async () => {
      try {
        const fetched = await fetch();
        await this.store.put(key, { bytes: fetched }, { ifAbsent: true });
        return fetched;
      } catch (err) {
        if (err instanceof NotFoundError) this.notFound.remember(key, err.message);
        throw err;
      }
    });
    return { bytes, state: 'fetched', immutable: true };
  }
}

/**
 * Refuses answers that cannot be what a checksum database sends (a captive portal's page, a truncated tile)
 * before they are stored for good. The go client verifies the rest: signatures, hashes, proofs.
 */
function checkSumdbBody(name: string, path: string, bytes: Buffer): Buffer {
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
