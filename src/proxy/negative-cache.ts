import { LRUCache } from 'lru-cache';

/**
 * Remembers not-found answers briefly. `go get` probes every path prefix of a package path, and CI fleets
 * repeat the same probes; without this each one would reach the upstream.
 */
export class NegativeCache {
  private readonly entries: LRUCache<string, string>;
  private readonly enabled: boolean;

  constructor(ttlMs: number, maxEntries = 50_000) {
    this.entries = new LRUCache({ max: maxEntries, ttl: Math.max(ttlMs, 1), ttlAutopurge: false });
    this.enabled = ttlMs > 0;
  }

  /** The remembered reason, if this key was not found recently. */
  get(key: string): string | undefined {
    return this.enabled ? this.entries.get(key) : undefined;
  }

  remember(key: string, reason: string): void {
    if (this.enabled) this.entries.set(key, reason);
  }
}
