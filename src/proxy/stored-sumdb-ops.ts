import { isNotFound } from '../sources/errors.js';
import type { Store } from '../storage/store.js';
import { SumdbNotFoundError, SumdbTransientError, WriteConflictError } from '../sumdb/client-errors.js';
import type { SumdbClientOps } from '../sumdb/client-ops.js';
import { sameBytes } from '../sumdb/encoding.js';
import type { CoordinatedFlight } from './coordinated-flight.js';
import { fetchSumdbAnswer, type SumdbOrigin } from './sumdb-origin.js';

/**
 * The outside world of modgate's verifying client for one checksum database: answers come from the database's
 * origin, and the client's cache is the store's `sumdb/<name>/` (the go command's cache layout), which is
 * what `/sumdb/<name>/` serves. The client writes its cache only with answers it has authenticated, so
 * nothing unverified is ever stored there. The latest verified tree head is kept in the store too, shared by
 * every worker, which is what detects forks and rollbacks across restarts.
 */
export class StoredSumdbOps implements SumdbClientOps {
  constructor(
    private readonly name: string,
    private readonly baseUrl: string,
    private readonly origin: SumdbOrigin,
    private readonly store: Store,
    private readonly coordinated: CoordinatedFlight,
  ) {}

  async fetch(url: string): Promise<Buffer> {
    try {
      return await this.fetchPath(url.slice(this.baseUrl.length + 1));
    } catch (err) {
      if (isNotFound(err)) throw new SumdbNotFoundError(url, 404);
      throw new SumdbTransientError(url, (err as Error).message, { cause: err });
    }
  }

  /** An answer straight from the origin, checked for shape only. */
  fetchPath(path: string): Promise<Buffer> {
    return fetchSumdbAnswer(this.origin, this.name, path);
  }

  async readCache(file: string): Promise<Buffer | undefined> {
    // Like Go, an unreadable cache file is a miss: the answer is fetched and authenticated again.
    return this.store.readBytes(this.cacheKey(file)).catch(() => undefined);
  }

  /**
   * Only ever called with authenticated answers, so it replaces whatever is stored: a damaged file that the
   * client passed over, or a wrong answer being repaired.
   */
  async writeCache(file: string, data: Uint8Array): Promise<void> {
    await this.store.put(this.cacheKey(file), { bytes: data }, { ifAbsent: false });
  }

  async dropCache(file: string): Promise<void> {
    await this.store.delete(this.cacheKey(file));
  }

  async readConfig(_file: string): Promise<Buffer> {
    return (await this.store.readBytes(this.latestKey())) ?? Buffer.alloc(0);
  }

  writeConfig(_file: string, old: Uint8Array, data: Uint8Array): Promise<void> {
    return this.coordinated.exclusive(`sumdb-latest:${this.name}`, async () => {
      const stored = (await this.store.readBytes(this.latestKey())) ?? Buffer.alloc(0);
      if (!sameBytes(stored, old)) throw new WriteConflictError(this.latestKey());
      await this.store.put(this.latestKey(), { bytes: data }, { ifAbsent: false });
    });
  }

  /** AuthenticatedSumdb reports security errors once it knows whether the store or the database was at fault. */
  securityError(): void {}

  private cacheKey(file: string): string {
    return `sumdb/${this.name}/${file}`;
  }

  private latestKey(): string {
    return `_modgate/sumdb-verified/${this.name}/latest`;
  }
}
