import type { SumdbClientOps } from '../sumdb/client-ops.js';
import { sameBytes } from '../sumdb/encoding.js';
import type { StoredSumdbOps } from './stored-sumdb-ops.js';

/**
 * The outside world of a second attempt at an operation that failed verification: it reads nothing from the
 * store, so every answer comes from the database again and is authenticated afresh. It notes which stored
 * answers the attempt would have read (those under suspicion) and which answers it authenticated, keeping the
 * latter back until `repair`, which runs only once the attempt has succeeded.
 */
export class RecoveryOps implements SumdbClientOps {
  private readonly suspects = new Set<string>();
  private readonly authenticated = new Map<string, Buffer>();

  constructor(private readonly stored: StoredSumdbOps) {}

  fetch(url: string): Promise<Buffer> {
    return this.stored.fetch(url);
  }

  async readCache(file: string): Promise<undefined> {
    this.suspects.add(file);
    return undefined;
  }

  async writeCache(file: string, data: Uint8Array): Promise<void> {
    this.authenticated.set(file, Buffer.from(data));
  }

  readConfig(file: string): Promise<Buffer> {
    return this.stored.readConfig(file);
  }

  writeConfig(file: string, old: Uint8Array, data: Uint8Array): Promise<void> {
    return this.stored.writeConfig(file, old, data);
  }

  securityError(): void {}

  /**
   * Makes the store agree with the successful attempt: each stored answer that differs from the one just
   * authenticated is replaced, and each one the attempt could have read but did not authenticate (a full tile
   * that a partial one may be cut from) is dropped, as nothing vouches for it; it is fetched and authenticated
   * when next needed. Returns the stored answers replaced or dropped.
   */
  async repair(): Promise<string[]> {
    const changed: string[] = [];
    for (const file of new Set([...this.suspects, ...this.authenticated.keys()])) {
      const stored = await this.stored.readCache(file);
      const good = this.authenticated.get(file);
      if (good === undefined) {
        if (stored === undefined) continue;
        await this.stored.dropCache(file);
      } else {
        if (stored !== undefined && sameBytes(stored, good)) continue;
        await this.stored.writeCache(file, good);
        if (stored === undefined) continue;
      }
      changed.push(file);
    }
    return changed;
  }
}
