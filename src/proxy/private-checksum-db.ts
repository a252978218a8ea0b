import type { Logger } from 'pino';
import { canonicalVersion, check } from '../gomod/path.js';
import type { Store } from '../storage/store.js';
import { sameBytes } from '../sumdb/encoding.js';
import { recordLines } from '../sumdb/lookup.js';
import { recordHash } from '../sumdb/tlog.js';
import { formatRecord } from '../sumdb/tree-note.js';
import { checksumDbPrefix, loadOrCreateKeys } from './checksum-db-key.js';
import { ChecksumLog } from './checksum-log.js';
import type { CheckedArtifact, ChecksumVerifier } from './checksum-verifier.js';
import type { CoordinatedFlight } from './coordinated-flight.js';
import { BadRequestError, IntegrityError } from './errors.js';
import type { ProxyMetrics } from './metrics.js';
import { checkSumdbPath, type SumdbAnswer, type SumdbBackend } from './sumdb-backend.js';

/** Where the database gets a version's go.sum hashes: the module cache, which fetches and verifies them. */
export interface ModuleHashes {
  hashes(module: string, version: string): Promise<{ zip: string; mod: string }>;
}

export interface PrivateChecksumDbOptions {
  name: string;
  store: Store;
  coordinated: CoordinatedFlight;
  modules: ModuleHashes;
  metrics: ProxyMetrics;
  logger: Logger;
}

/**
 * modgate's own checksum database, served in Go's exact protocol, so builds verify private modules
 * (GOSUMDB="<name>+<key>") instead of switching verification off with GONOSUMDB. Since go takes one GOSUMDB
 * for every module, it answers for public modules too, with the hashes modgate verified against the public
 * database at ingest. The first lookup of a version logs the h1 of what modgate serves for it; from then on
 * that version is pinned: a later upstream answer with other bytes is refused at ingest, and a client that
 * ever saw the log detects any rewrite of it.
 */
export class PrivateChecksumDb implements SumdbBackend, ChecksumVerifier {
  private constructor(
    private readonly options: PrivateChecksumDbOptions,
    readonly verifierKey: string,
    private readonly log: ChecksumLog,
  ) {}

  static async open(options: PrivateChecksumDbOptions): Promise<PrivateChecksumDb> {
    const keys = await loadOrCreateKeys(options.store, options.name);
    const log = await ChecksumLog.open(
      options.store,
      checksumDbPrefix(options.name),
      keys,
      options.coordinated,
    );
    return new PrivateChecksumDb(options, keys.verifierKey, log);
  }

  async get(path: string): Promise<SumdbAnswer> {
    const request = checkSumdbPath(path);
    if (request.kind === 'latest') {
      return { bytes: (await this.log.latest()).note, state: 'stored', immutable: false };
    }
    if (request.kind === 'tile') {
      const { tile } = request;
      const bytes = tile.L === -1 ? await this.log.dataTile(tile) : await this.log.tile(tile);
      return { bytes, state: 'stored', immutable: true };
    }
    return { bytes: await this.lookup(request.module, request.version), state: 'stored', immutable: false };
  }

  async verify(module: string, version: string, artifact: CheckedArtifact, h1: string): Promise<void> {
    const record = await this.log.find(module, version);
    if (!record) return; // not logged yet: the first lookup will log what was stored
    const recorded = recordLines(record.text, module, artifact === 'mod' ? `${version}/go.mod` : version).map(
      (line) => line.split(' ')[2],
    );
    if (recorded.includes(h1)) return;
    this.options.metrics.checksumFailures.inc({ database: 'private', kind: 'mismatch' });
    // Private module paths stay out of logs; the hashes identify the version to whoever may know it.
    this.options.logger.error(
      { database: this.options.name, artifact, recorded: recorded.join(' '), offered: h1 },
      'checksum mismatch: upstream bytes for a private module differ from the private checksum database; nothing stored',
    );
    throw new IntegrityError(
      `checksum mismatch for ${module}@${version} ${artifact === 'mod' ? 'go.mod' : 'zip'}: the upstream served ${h1}, but modgate's private checksum database ${this.options.name} logged ${recorded.join(' ')} when it first served this version. The tag was probably moved or the repository rewritten; publish a new version instead. modgate stored nothing`,
    );
  }

  /** The logged record of a version, logging it now (fetching the module if need be) if it is new. */
  async record(module: string, version: string): Promise<{ id: number; text: string }> {
    const logged = await this.log.find(module, version);
    if (logged) return logged;
    const h = await this.options.modules.hashes(module, version);
    return this.log.append(
      module,
      version,
      `${module} ${version} ${h.zip}\n${module} ${version}/go.mod ${h.mod}\n`,
    );
  }

  /** Go's lookup response: the record (logged now if this version is new), then the signed tree head. */
  private async lookup(module: string, version: string): Promise<Buffer> {
    if (canonicalVersion(version) !== version)
      throw new BadRequestError(`checksum database lookups need a canonical version, not ${version}`);
    try {
      check(module, version);
    } catch (err) {
      throw new BadRequestError((err as Error).message);
    }
    const record = await this.record(module, version);
    this.checkStoredRecord(record.id, record.text);
    const { note } = await this.log.latest();
    return Buffer.concat([formatRecord(record.id, record.text), note]);
  }

  /**
   * A stored record that no longer hashes to its leaf was altered on disk. It is still served as stored, so
   * clients fail closed with their own SECURITY ERROR and keep the evidence; the operator is told here.
   */
  private checkStoredRecord(id: number, text: string): void {
    const leaf = this.log.leafHash(id);
    if (leaf && sameBytes(leaf, recordHash(text))) return;
    this.options.metrics.checksumFailures.inc({ database: 'private', kind: 'record' });
    this.options.logger.error(
      { database: this.options.name, record: id },
      'a stored record of the private checksum database does not match its log entry: the storage was altered; clients will refuse it',
    );
  }
}
