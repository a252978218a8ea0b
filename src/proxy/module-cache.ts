import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { escapeVersion } from '../gomod/escape.js';
import { canonicalVersion, check } from '../gomod/path.js';
import { isValid, sort } from '../gomod/semver.js';
import { ZipRuleError } from '../gomod/zip-rules.js';
import { isNotFound, NotFoundError } from '../sources/errors.js';
import type { Source } from '../sources/source.js';
import { type Store, stagingPath } from '../storage/store.js';
import { inspectModuleZip } from '../zipfile/inspect-module-zip.js';
import type { ChecksumVerifier } from './checksum-verifier.js';
import { CoordinatedFlight } from './coordinated-flight.js';
import { BadRequestError, IntegrityError } from './errors.js';
import { FreshnessCache, type FreshnessPolicy, type RevalidatedAnswer } from './freshness.js';
import { keys } from './keys.js';
import type { Locks } from './locks.js';
import type { ProxyMetrics } from './metrics.js';
import { NegativeCache } from './negative-cache.js';
import { SingleFlight } from './singleflight.js';
import { stageZip } from './stage-zip.js';
import { validateGoMod, validateInfo } from './validate.js';

/** What to send back: a stored object (served with Range/ETag), or a computed answer. */
export type Answer =
  | { kind: 'stored'; key: string }
  | { kind: 'bytes'; bytes: Buffer; state: RevalidatedAnswer['state'] | 'local' };

export interface ModuleCacheOptions {
  store: Store;
  upstream: Source;
  logger: Logger;
  metrics: ProxyMetrics;
  freshness: FreshnessPolicy;
  notFoundTtlMs: number;
  /** How processes sharing the store agree on who fetches; ProcessLocks when modgate runs alone. */
  locks: Locks;
  /** Checks every .mod and .zip against a checksum database before it is stored; none when checksumDb is off. */
  verifier?: ChecksumVerifier | undefined;
  /** Told of each version whose zip has just been stored (after the response path is done with it). */
  onZipStored?: ((module: string, version: string) => void) | undefined;
  /** Told of each canonical version whose `.info` has just been fetched and stored. */
  onInfoStored?: ((module: string, version: string) => void) | undefined;
}

type Artifact = 'info' | 'mod' | 'zip';

/**
 * The read-through cache at the heart of `modgate serve`. Canonical versions are fetched once, verified,
 * stored atomically and then served from the store forever; answers that change (lists, latest, queries)
 * go through the freshness cache. Every failure is a NotFoundError, UpstreamError, IntegrityError or
 * BadRequestError, which the HTTP layer maps to 404/410 with the reason.
 */
export class ModuleCache {
  private readonly store: Store;
  private readonly upstream: Source;
  private readonly logger: Logger;
  private readonly metrics: ProxyMetrics;
  private readonly verifier: ChecksumVerifier | undefined;
  private readonly onZipStored: (module: string, version: string) => void;
  private readonly onInfoStored: (module: string, version: string) => void;
  private readonly flights = new SingleFlight();
  private readonly coordinated: CoordinatedFlight;
  private readonly freshness: FreshnessCache;
  private readonly notFound: NegativeCache;

  constructor(options: ModuleCacheOptions) {
    this.store = options.store;
    this.upstream = options.upstream;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.verifier = options.verifier;
    this.onZipStored = options.onZipStored ?? (() => {});
    this.onInfoStored = options.onInfoStored ?? (() => {});
    this.notFound = new NegativeCache(options.notFoundTtlMs);
    this.coordinated = new CoordinatedFlight(this.flights, options.locks);
    this.freshness = new FreshnessCache(this.store, this.coordinated, options.freshness, (key, err) =>
      this.logger.warn({ key, err: String(err) }, 'background refresh failed; serving the cached answer'),
    );
  }

  async list(module: string): Promise<Answer> {
    const local = await this.localVersions(module);
    try {
      const remote = await this.revalidate('list', keys.remoteList(module), async () =>
        Buffer.from(await this.upstream.list(module)),
      );
      const bytes = withLocalVersions(remote.bytes, local);
      return { kind: 'bytes', bytes, state: remote.state };
    } catch (err) {
      // What is stored here can always be listed: that keeps `go list -m -versions` and `@latest` working
      // for a module whose upstream is gone or unreachable.
      if (local.length === 0) throw err;
      this.metrics.cache.inc({ endpoint: 'list', result: 'local' });
      return { kind: 'bytes', bytes: Buffer.from(local.map((v) => `${v}\n`).join('')), state: 'local' };
    }
  }

  async latest(module: string): Promise<Answer> {
    const answer = await this.revalidate('latest', keys.remoteLatest(module), async () => {
      const bytes = await this.upstream.latest(module);
      validateInfo(bytes, module);
      return bytes;
    });
    return { kind: 'bytes', bytes: answer.bytes, state: answer.state };
  }

  /** `.info` for a canonical version (stored forever) or for a query such as a branch or commit prefix. */
  async info(module: string, query: string): Promise<Answer> {
    if (isImmutableVersion(module, query)) return this.artifact(module, query, 'info');
    const answer = await this.revalidate('query', keys.remoteQuery(module, query), async () => {
      const bytes = await this.upstream.info(module, query);
      const { version } = validateInfo(bytes, module);
      // A query resolved to a canonical version also answers later requests for that version.
      if (canonicalVersion(version) === version) {
        await this.store.put(keys.artifact(module, version, 'info'), { bytes }, { ifAbsent: true });
      }
      return bytes;
    });
    return { kind: 'bytes', bytes: answer.bytes, state: answer.state };
  }

  async mod(module: string, version: string): Promise<Answer> {
    const answer = await this.artifact(module, requireCanonical(module, version, 'mod'), 'mod');
    // A version is listed once a client has asked for its .mod (not when it was only prepared, nor when a
    // crash came between storing and listing); later requests take the warm path and never get here.
    if (!(await this.localVersions(module)).includes(version)) await this.addToLocalList(module, version);
    return answer;
  }

  async zip(module: string, version: string): Promise<Answer> {
    return this.artifact(module, requireCanonical(module, version, 'zip'), 'zip');
  }

  /**
   * Fetches, verifies and stores all three artifacts of a canonical version, as a client asking would, but
   * leaves it out of the local version list until a client asks for its .mod: a tag pushed by mistake and
   * deleted at once must not stay listed because modgate prepared it meanwhile.
   */
  async prepare(module: string, version: string): Promise<void> {
    for (const kind of ['info', 'mod', 'zip'] as const) await this.artifact(module, version, kind);
  }

  /**
   * The go.sum hashes of a canonical version (`M V h1:` of the zip, `M V/go.mod h1:` of the .mod), fetching
   * and verifying the artifacts first if they are not stored yet.
   */
  async hashes(module: string, version: string): Promise<{ zip: string; mod: string }> {
    await this.mod(module, version);
    await this.zip(module, version);
    const [mod, zipHash] = await Promise.all([
      this.store.readBytes(keys.artifact(module, version, 'mod')),
      this.store.readBytes(keys.artifact(module, version, 'ziphash')),
    ]);
    if (!mod || !zipHash) throw new NotFoundError(`${module}@${version} is no longer stored`);
    return { zip: zipHash.toString('utf8').trim(), mod: validateGoMod(mod, module, version) };
  }

  /** Counts a request answered from storage by a layer that already knew where the artifact is. */
  countHit(endpoint: string): void {
    this.metrics.cache.inc({ endpoint, result: 'hit' });
  }

  private async artifact(module: string, version: string, kind: Artifact): Promise<Answer> {
    const key = keys.artifact(module, version, kind);
    if (await this.store.stat(key)) {
      this.countHit(kind);
      return { kind: 'stored', key };
    }
    this.metrics.cache.inc({ endpoint: kind, result: 'miss' });
    await this.guardNotFound(
      key,
      () =>
        this.coordinated.run(
          key,
          async () => (await this.store.stat(key)) !== undefined,
          () => this.ingest(module, version, kind),
        ),
      kind,
    );
    return { kind: 'stored', key };
  }

  private async ingest(module: string, version: string, kind: Artifact): Promise<void> {
    const stop = this.metrics.upstreamSeconds.startTimer({ endpoint: kind });
    try {
      if (kind === 'info') await this.ingestInfo(module, version);
      else if (kind === 'mod') await this.ingestMod(module, version);
      else await this.ingestZip(module, version);
      this.metrics.upstreamFetches.inc({ endpoint: kind, outcome: 'stored' });
    } catch (err) {
      this.metrics.upstreamFetches.inc({ endpoint: kind, outcome: outcomeOf(err) });
      if (err instanceof IntegrityError) {
        this.metrics.integrityRefusals.inc({ endpoint: kind });
        this.logger.warn({ module, version, artifact: kind, reason: err.message }, 'refused upstream bytes');
      }
      throw err;
    } finally {
      stop();
    }
  }

  private async ingestInfo(module: string, version: string): Promise<void> {
    const bytes = await this.upstream.info(module, version);
    validateInfo(bytes, module, version);
    await this.store.put(keys.artifact(module, version, 'info'), { bytes }, { ifAbsent: true });
    this.onInfoStored(module, version);
  }

  private async ingestMod(module: string, version: string): Promise<void> {
    const bytes = await this.upstream.mod(module, version);
    const hash = validateGoMod(bytes, module, version);
    await this.verifier?.verify(module, version, 'mod', hash);
    const key = keys.artifact(module, version, 'mod');
    if ((await this.store.put(key, { bytes }, { ifAbsent: true })) === 'exists') {
      await this.reportIfDifferent(module, version, 'mod', hash, async () => {
        const stored = await this.store.readBytes(key);
        return stored && validateGoMod(stored, module, version);
      });
    }
  }

  private async ingestZip(module: string, version: string): Promise<void> {
    const what = `${module}@${version}`;
    const staged = stagingPath(this.store);
    try {
      await stageZip(await this.upstream.zip(module, version), staged, what);
      const inspected = await inspectModuleZip(staged, module, version).catch((err: unknown) => {
        // A local I/O failure (EMFILE, EIO...) is ours, not the upstream's: it must not be reported as bad bytes.
        if (/^E[A-Z0-9]+$/.test(String((err as NodeJS.ErrnoException).code))) throw err;
        const reason = err instanceof ZipRuleError ? zipProblems(err) : (err as Error).message;
        throw new IntegrityError(`zip for ${what} is invalid: ${reason}`);
      });
      await this.checkAgainstStoredGoMod(module, version, inspected.goMod);
      await this.verifier?.verify(module, version, 'zip', inspected.h1);
      // The hash is recorded before the zip becomes visible; once recorded it pins the version, so an
      // upstream that later offers other bytes is refused even if the zip itself was removed.
      const hashKey = keys.artifact(module, version, 'ziphash');
      if (
        (await this.store.put(hashKey, { bytes: Buffer.from(inspected.h1) }, { ifAbsent: true })) === 'exists'
      ) {
        await this.reportIfDifferent(module, version, 'zip', inspected.h1, async () =>
          (await this.store.readBytes(hashKey))?.toString('utf8').trim(),
        );
      }
      if (
        (await this.store.put(
          keys.artifact(module, version, 'zip'),
          { file: staged },
          { ifAbsent: true },
        )) === 'created'
      )
        this.onZipStored(module, version);
    } finally {
      await rm(staged, { force: true });
    }
  }

  /**
   * The go.mod inside the zip must be the go.mod served for the version, or go builds see two truths. Line
   * endings may differ: go serves the .mod as committed but builds the zip with `git archive`, which applies
   * .gitattributes end-of-line conversion.
   */
  private async checkAgainstStoredGoMod(
    module: string,
    version: string,
    zipGoMod: Buffer | undefined,
  ): Promise<void> {
    const stored = await this.store.readBytes(keys.artifact(module, version, 'mod'));
    if (!stored || !zipGoMod || lf(stored) === lf(zipGoMod)) return;
    throw new IntegrityError(
      `zip for ${module}@${version} contains a go.mod (${validateGoMod(zipGoMod, module, version)}) that differs from the stored .mod (${validateGoMod(stored, module, version)})`,
    );
  }

  /** A version is recorded once; different bytes offered later are refused and both hashes reported. */
  private async reportIfDifferent(
    module: string,
    version: string,
    artifact: 'mod' | 'zip',
    offered: string,
    recorded: () => Promise<string | undefined>,
  ): Promise<void> {
    const kept = await recorded();
    if (kept === undefined || kept === offered) return;
    this.logger.error(
      { module, version, artifact, recorded: kept, offered },
      'upstream offered different bytes for a recorded version; keeping the recorded ones',
    );
    throw new IntegrityError(
      `upstream offered ${module}@${version} ${artifact} with hash ${offered}, but modgate recorded ${kept}; keeping the recorded bytes (was the tag moved?)`,
    );
  }

  private async revalidate(
    endpoint: string,
    key: string,
    fetch: () => Promise<Buffer>,
  ): Promise<RevalidatedAnswer> {
    const answer = await this.guardNotFound(key, () => this.freshness.get(key, fetch), endpoint);
    this.metrics.cache.inc({ endpoint, result: answer.state });
    return answer;
  }

  /** Answers recent not-found results from memory and remembers new ones. */
  private async guardNotFound<T>(key: string, call: () => Promise<T>, endpoint: string): Promise<T> {
    const remembered = this.notFound.get(key);
    if (remembered !== undefined) {
      this.metrics.cache.inc({ endpoint, result: 'negative' });
      throw new NotFoundError(remembered);
    }
    try {
      return await call();
    } catch (err) {
      if (isNotFound(err)) this.notFound.remember(key, err.message);
      throw err;
    }
  }

  private async localVersions(module: string): Promise<string[]> {
    const bytes = await this.store.readBytes(keys.localList(module));
    return bytes
      ? bytes
          .toString('utf8')
          .split('\n')
          .filter((v) => isValid(v))
      : [];
  }

  private addToLocalList(module: string, version: string): Promise<void> {
    return this.coordinated.exclusive(`list:${module}`, async () => {
      const versions = await this.localVersions(module);
      if (versions.includes(version)) return;
      const body = sort([...versions, version])
        .map((v) => `${v}\n`)
        .join('');
      await this.store.put(keys.localList(module), { bytes: Buffer.from(body) }, { ifAbsent: false });
    });
  }
}

/** Canonical and valid for the path: such a version's artifacts never change and are stored for good. */
function isImmutableVersion(module: string, version: string): boolean {
  if (canonicalVersion(version) !== version) return false;
  try {
    check(module, version);
    return true;
  } catch {
    return false;
  }
}

function requireCanonical(module: string, version: string, ext: string): string {
  const canonical = canonicalVersion(version);
  if (canonical !== version) {
    throw new BadRequestError(
      `${ext} files are served only for canonical versions: ${JSON.stringify(version)} is not canonical${canonical ? ` (use ${escapeVersion(canonical)})` : ''}`,
    );
  }
  try {
    check(module, version);
  } catch (err) {
    throw new BadRequestError((err as Error).message);
  }
  return version;
}

/** The upstream list plus the stored versions it does not name (it may have dropped or not yet seen them). */
function withLocalVersions(remote: Buffer, local: readonly string[]): Buffer {
  const text = remote.toString('utf8');
  const listed = new Set(text.split('\n').map((line) => line.trim().split(/\s+/)[0]));
  const missing = local.filter((v) => !listed.has(v));
  if (missing.length === 0) return remote;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return Buffer.from(`${text}${separator}${missing.map((v) => `${v}\n`).join('')}`);
}

function lf(text: Buffer): string {
  return text.toString('latin1').replaceAll('\r\n', '\n');
}

function zipProblems(err: ZipRuleError): string {
  return err.problems
    .slice(0, 5)
    .map((p) => `${p.path}: ${p.reason}`)
    .join('; ');
}

function outcomeOf(err: unknown): string {
  if (isNotFound(err)) return 'not_found';
  if (err instanceof IntegrityError) return 'refused';
  return 'error';
}
