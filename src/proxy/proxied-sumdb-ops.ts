import type { Logger } from 'pino';
import { isNotFound } from '../sources/errors.js';
import type { Store } from '../storage/store.js';
import { SumdbNotFoundError, SumdbTransientError, WriteConflictError } from '../sumdb/client-errors.js';
import type { SumdbClientOps } from '../sumdb/client-ops.js';
import { sameBytes } from '../sumdb/encoding.js';
import type { CoordinatedFlight } from './coordinated-flight.js';
import type { SumdbProxy } from './sumdb-proxy.js';

/**
 * Lets modgate's own checksum-database client fetch through the SumdbProxy, so verifying a module at ingest
 * fills the same stored lookups and tiles that builds behind the firewall are then served from. The client
 * re-verifies whatever it reads, so it keeps no cache of its own; only the latest verified tree head is
 * kept (in the store, shared by every worker), which is what detects forks and rollbacks across restarts.
 */
export class ProxiedSumdbOps implements SumdbClientOps {
  constructor(
    private readonly name: string,
    private readonly baseUrl: string,
    private readonly proxy: SumdbProxy,
    private readonly store: Store,
    private readonly coordinated: CoordinatedFlight,
    private readonly logger: Logger,
  ) {}

  async fetch(url: string): Promise<Buffer> {
    const path = url.slice(this.baseUrl.length + 1);
    try {
      return (await this.proxy.get(this.name, path)).bytes;
    } catch (err) {
      if (isNotFound(err)) throw new SumdbNotFoundError(url, 404);
      throw new SumdbTransientError(url, (err as Error).message, { cause: err });
    }
  }

  async readCache(): Promise<undefined> {
    return undefined;
  }

  async writeCache(): Promise<void> {}

  async readConfig(): Promise<Buffer> {
    return (await this.store.readBytes(this.latestKey())) ?? Buffer.alloc(0);
  }

  writeConfig(_file: string, old: Uint8Array, data: Uint8Array): Promise<void> {
    return this.coordinated.exclusive(`sumdb-latest:${this.name}`, async () => {
      const stored = (await this.store.readBytes(this.latestKey())) ?? Buffer.alloc(0);
      if (!sameBytes(stored, old)) throw new WriteConflictError(this.latestKey());
      await this.store.put(this.latestKey(), { bytes: data }, { ifAbsent: false });
    });
  }

  securityError(message: string): void {
    this.logger.error({ database: this.name, evidence: message }, 'checksum database misbehaved');
  }

  private latestKey(): string {
    return `_modgate/sumdb-verified/${this.name}/latest`;
  }
}
