import type { Logger } from 'pino';
import { NotFoundError, UpstreamError } from '../sources/errors.js';
import type { Store } from '../storage/store.js';
import { SumdbClient } from '../sumdb/client.js';
import { SumdbNotFoundError, SumdbSecurityError, SumdbTransientError } from '../sumdb/client-errors.js';
import type { SumdbClientOps } from '../sumdb/client-ops.js';
import { sameBytes } from '../sumdb/encoding.js';
import { newVerifier } from '../sumdb/note.js';
import { MalformedRecordError } from '../sumdb/tree-note.js';
import type { CoordinatedFlight } from './coordinated-flight.js';
import { IntegrityError } from './errors.js';
import type { FreshnessCache } from './freshness.js';
import type { ProxyMetrics } from './metrics.js';
import type { NegativeCache } from './negative-cache.js';
import { StoredSumdbOps } from './stored-sumdb-ops.js';
import { checkSumdbPath, type SumdbAnswer, type SumdbBackend } from './sumdb-backend.js';
import type { SumdbOrigin } from './sumdb-origin.js';
import { RecoveryOps } from './sumdb-recovery.js';

/** The only tile height the go command asks for (x/mod/sumdb's client reads height-8 tiles). */
const GO_TILE_HEIGHT = 8;

export interface AuthenticatedSumdbOptions {
  /** "<name>+<hash>+<key>": the database's own, so every answer can be authenticated. */
  verifierKey: string;
  /** Named in the client's messages; requests go to origin. */
  baseUrl: string;
  origin: SumdbOrigin;
  store: Store;
  coordinated: CoordinatedFlight;
  freshness: FreshnessCache;
  notFound: NegativeCache;
  metrics: ProxyMetrics;
  logger: Logger;
}

/**
 * A checksum database whose verifier key modgate knows, proxied at `/sumdb/<name>/` and used to verify modules
 * at ingest. Every answer goes through modgate's verifying client before it is stored or served: a tile must
 * hash up to a signed tree head through its parent tiles, a lookup's record must be the one logged at its id,
 * a tree head must be signed and extend every head seen before. Stored answers are authenticated again when
 * served, so one that is wrong (written by an older modgate, or by hand) is found; the operation is then done
 * again from the database alone and the store repaired, instead of failing for ever. An answer that fails
 * verification is never stored nor served: the client gets 410 (404 when the database cannot be reached).
 */
export class AuthenticatedSumdb implements SumdbBackend {
  readonly name: string;
  private readonly ops: StoredSumdbOps;
  private client: SumdbClient;

  constructor(private readonly options: AuthenticatedSumdbOptions) {
    this.name = newVerifier(options.verifierKey).name;
    this.ops = new StoredSumdbOps(
      this.name,
      options.baseUrl,
      options.origin,
      options.store,
      options.coordinated,
    );
    this.client = this.newClient(this.ops);
  }

  /** The go.sum lines of path@version, for verification at ingest; throws the client's errors. */
  lookup(path: string, version: string): Promise<string[]> {
    return this.attempt(`lookup/${path}@${version}`, (client) => client.lookup(path, version));
  }

  async get(path: string): Promise<SumdbAnswer> {
    const request = checkSumdbPath(path);
    const key = `sumdb/${this.name}/${path}`;
    if (request.kind === 'latest') {
      const answer = await this.options.freshness.get(key, () =>
        this.answer(path, (client) => client.latestNote()),
      );
      return { bytes: answer.bytes, state: answer.state, immutable: false };
    }
    if (request.kind === 'tile' && request.tile.H !== GO_TILE_HEIGHT) {
      // Any other height is built from many height-8 tiles: one request could make modgate fetch thousands.
      throw new NotFoundError(
        `${this.name}: tiles of height ${request.tile.H} are not served; the go command reads height ${GO_TILE_HEIGHT}`,
      );
    }
    if (request.kind === 'tile' && request.tile.L < 0) {
      // Data tiles (record texts) are for auditors, never asked for by go, and not authenticated here.
      return { bytes: await this.ops.fetchPath(path), state: 'fetched', immutable: false };
    }
    const remembered = this.options.notFound.get(key);
    if (remembered !== undefined) throw new NotFoundError(remembered);
    let bytes: Buffer | undefined;
    try {
      bytes = await this.answer(path, (client) =>
        request.kind === 'lookup'
          ? client.lookupResponse(request.module, request.version)
          : client.tile(request.tile),
      );
    } catch (err) {
      if (err instanceof NotFoundError) this.options.notFound.remember(key, err.message);
      throw err;
    }
    if (bytes === undefined) {
      throw new NotFoundError(
        `no tree head signed by ${this.name} holds ${path} yet, so modgate cannot vouch for it; try again later`,
      );
    }
    // Read once the answer is authenticated: a stored answer the client found wrong has been repaired already.
    const before = await this.ops.readCache(path);
    if (before !== undefined && sameBytes(before, bytes)) {
      return { bytes, state: 'stored', immutable: true };
    }
    // The client caches tiles as wide as its tree makes them; the one asked for is stored as well.
    await this.ops.writeCache(path, bytes);
    if (before !== undefined) {
      this.report('stored', path, request.kind, 'the stored answer differed from the authenticated one');
    }
    return { bytes, state: 'fetched', immutable: true };
  }

  /** attempt, with the client's errors turned into the proxy's (404 for not found or unreachable, else 410). */
  private async answer<T>(path: string, op: (client: SumdbClient) => Promise<T>): Promise<T> {
    try {
      return await this.attempt(path, op);
    } catch (err) {
      if (err instanceof SumdbNotFoundError) throw new NotFoundError(`${this.name}: ${err.message}`);
      if (err instanceof SumdbTransientError) throw new UpstreamError(`${this.name}: ${err.message}`);
      const kind = badAnswerKind(err);
      if (kind === undefined) throw err;
      throw new IntegrityError(
        `checksum database ${this.name} answered ${path} with data that fails verification (${kind}); modgate stored nothing, and will ask again on the next request`,
      );
    }
  }

  /**
   * Runs op on the client. If it fails verification, the stored answers it read may be at fault rather than
   * the database: it is run once more on a client that reads nothing from the store, and if that succeeds the
   * store is repaired from it. A second failure is the database's (or a relay's) and is reported as such.
   */
  private async attempt<T>(what: string, op: (client: SumdbClient) => Promise<T>): Promise<T> {
    try {
      return await op(this.client);
    } catch (err) {
      const kind = badAnswerKind(err);
      if (kind === undefined) throw err;
      const recovery = new RecoveryOps(this.ops);
      let result: T;
      try {
        result = await op(this.newClient(recovery));
      } catch (again) {
        const againKind = badAnswerKind(again);
        if (againKind !== undefined) this.report('upstream', what, againKind, (again as Error).message);
        throw again;
      }
      const repaired = await recovery.repair();
      if (repaired.length === 0) {
        this.report('upstream', what, kind, `${(err as Error).message}\n(verified when fetched again)`);
      } else {
        this.report('stored', repaired.join(' '), kind, (err as Error).message);
        // A fresh client forgets which tiles it believed stored: some were just dropped.
        this.client = this.newClient(this.ops);
      }
      return result;
    }
  }

  private report(source: 'upstream' | 'stored', what: string, kind: string, evidence: string): void {
    this.options.metrics.sumdbRejections.inc({ database: this.name, kind, source });
    if (source === 'upstream') {
      this.options.logger.error(
        { database: this.name, answer: what, kind, evidence },
        'checksum database answer failed verification: refused, not stored',
      );
    } else {
      this.options.logger.warn(
        { database: this.name, replaced: what, kind, evidence },
        'stored checksum database answers failed verification: replaced by answers fetched and authenticated again',
      );
    }
  }

  private newClient(ops: SumdbClientOps): SumdbClient {
    return new SumdbClient({ verifierKey: this.options.verifierKey, baseUrl: this.options.baseUrl, ops });
  }
}

/** What was wrong, when err says an answer failed verification (rather than could not be had). */
function badAnswerKind(err: unknown): string | undefined {
  if (err instanceof SumdbSecurityError) return err.kind;
  if (err instanceof MalformedRecordError) return 'malformed';
  return undefined;
}
