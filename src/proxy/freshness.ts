import { isNotFound } from '../sources/errors.js';
import type { Store } from '../storage/store.js';
import type { CoordinatedFlight } from './coordinated-flight.js';

export interface FreshnessPolicy {
  /** How long an upstream answer is served without asking again. */
  ttlMs: number;
  /** After the TTL, how long a stale answer is still served at once while a refresh runs in the background. */
  staleWhileRevalidateMs: number;
}

export interface RevalidatedAnswer {
  bytes: Buffer;
  /** 'fresh' and 'stale' came from the cache; 'stale-if-error' means every upstream failed just now. */
  state: 'fetched' | 'fresh' | 'stale' | 'stale-if-error';
  ageMs: number;
}

/**
 * Caches answers that change over time (`@v/list`, `@latest`, branch and commit queries) in the store, with
 * a TTL, stale-while-revalidate, and stale-if-error: when every upstream fails, the last answer is served
 * however old it is, because an old version list beats a failed build. Processes sharing the store (workers,
 * replicas) refresh an answer once between them: the others wait and take the refreshed answer.
 */
export class FreshnessCache {
  constructor(
    private readonly store: Store,
    private readonly flights: CoordinatedFlight,
    private readonly policy: FreshnessPolicy,
    private readonly onBackgroundError: (key: string, err: unknown) => void,
  ) {}

  async get(key: string, fetch: () => Promise<Buffer>): Promise<RevalidatedAnswer> {
    const cached = await this.cached(key);
    if (cached) {
      const ageMs = Date.now() - cached.fetchedAt;
      if (ageMs < this.policy.ttlMs) return { bytes: cached.bytes, state: 'fresh', ageMs };
      if (ageMs < this.policy.ttlMs + this.policy.staleWhileRevalidateMs) {
        this.refresh(key, fetch, cached.fetchedAt).catch((err) => this.onBackgroundError(key, err));
        return { bytes: cached.bytes, state: 'stale', ageMs };
      }
    }
    try {
      return { bytes: await this.refresh(key, fetch, cached?.fetchedAt), state: 'fetched', ageMs: 0 };
    } catch (err) {
      if (!cached) throw err;
      if (isNotFound(err)) {
        // The upstream now says it does not exist: believe it rather than serve what it withdrew.
        await this.store.delete(key);
        throw err;
      }
      return { bytes: cached.bytes, state: 'stale-if-error', ageMs: Date.now() - cached.fetchedAt };
    }
  }

  /**
   * Fetches and stores the answer, unless another process does so first: then its answer is taken. `seenAt`
   * is when the answer judged out of date was fetched (undefined: there was none); a newer one is a refresh.
   */
  private async refresh(
    key: string,
    fetch: () => Promise<Buffer>,
    seenAt: number | undefined,
  ): Promise<Buffer> {
    const refreshedElsewhere = async () => {
      const info = await this.store.stat(key);
      return info !== undefined && (seenAt === undefined || info.modified.getTime() > seenAt);
    };
    let fetched: Buffer | undefined;
    await this.flights.run(`refresh:${key}`, refreshedElsewhere, async () => {
      fetched = await fetch();
      await this.store.put(key, { bytes: fetched }, { ifAbsent: false });
    });
    // Callers that joined a refresh in flight, here or in another process, read what it stored.
    const bytes = fetched ?? (await this.store.readBytes(key));
    if (!bytes) throw new Error(`the refreshed answer for ${key} was removed before it could be read`);
    return bytes;
  }

  private async cached(key: string): Promise<{ bytes: Buffer; fetchedAt: number } | undefined> {
    const info = await this.store.stat(key);
    if (!info) return undefined;
    const bytes = await this.store.readBytes(key);
    return bytes && { bytes, fetchedAt: info.modified.getTime() };
  }
}
