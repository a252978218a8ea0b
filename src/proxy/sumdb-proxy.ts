import { NotFoundError } from '../sources/errors.js';
import type { Store } from '../storage/store.js';
import type { FreshnessCache } from './freshness.js';
import type { NegativeCache } from './negative-cache.js';
import type { SingleFlight } from './singleflight.js';
import { checkSumdbPath, type SumdbAnswer, type SumdbBackend } from './sumdb-backend.js';
import { fetchSumdbAnswer, type SumdbOrigin } from './sumdb-origin.js';

/**
 * Proxies a checksum database whose verifier key modgate does not know (`/sumdb/<name>/latest|lookup/...|tile/...`),
 * so builds behind a firewall can verify modules without reaching the database. Without the key nothing can be
 * authenticated here: answers are only checked for shape, tiles and lookups are stored for good under
 * `sumdb/<name>/...` (the go command's own cache layout), and `latest` is revalidated and served stale when the
 * database is unreachable. The go client verifies every byte against its key; a wrong answer stored here fails
 * it until the file is deleted, which is why databases with a known key go through AuthenticatedSumdb instead.
 */
export class SumdbProxy implements SumdbBackend {
  constructor(
    private readonly name: string,
    private readonly origin: SumdbOrigin,
    private readonly store: Store,
    private readonly freshness: FreshnessCache,
    private readonly flights: SingleFlight,
    private readonly notFound: NegativeCache,
  ) {}

  async get(path: string): Promise<SumdbAnswer> {
    checkSumdbPath(path);
    const key = `sumdb/${this.name}/${path}`;
    const fetch = () => fetchSumdbAnswer(this.origin, this.name, path);
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
