import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { matchPrefixPatterns } from '../gomod/patterns.js';
import { AuthenticatedSumdb } from '../proxy/authenticated-sumdb.js';
import { type ChecksumVerifier, RoutedVerifier } from '../proxy/checksum-verifier.js';
import type { CoordinatedFlight } from '../proxy/coordinated-flight.js';
import type { FreshnessCache } from '../proxy/freshness.js';
import type { ProxyMetrics } from '../proxy/metrics.js';
import type { NegativeCache } from '../proxy/negative-cache.js';
import { type ModuleHashes, PrivateChecksumDb } from '../proxy/private-checksum-db.js';
import type { SingleFlight } from '../proxy/singleflight.js';
import { checkSumdbPath, type SumdbBackend } from '../proxy/sumdb-backend.js';
import { DiscoveredSumdbOrigin, type SumdbOrigin } from '../proxy/sumdb-origin.js';
import { SumdbProxy } from '../proxy/sumdb-proxy.js';
import { SumdbVerifier } from '../proxy/sumdb-verifier.js';
import { NotFoundError } from '../sources/errors.js';
import { HttpOrigin } from '../sources/http-get.js';
import type { Store } from '../storage/store.js';
import { type ChecksumDbSetting, knownVerifierKey } from './checksum-db-setting.js';
import type { SumdbEntry } from './sumdb-list.js';

export interface ChecksumSetupInputs {
  /** Databases proxied at /sumdb/<name>/ (the `sumdb` setting). */
  proxied: readonly SumdbEntry[];
  /** The HTTP proxies of the upstream chain, in order: databases given by name are reached through them. */
  upstreamProxies: readonly string[];
  /** The database public modules are verified against (the `checksumDb` setting). */
  verifyAgainst: ChecksumDbSetting | 'off';
  /** The `private` patterns and the name of the private database modgate serves, if any. */
  privatePatterns: string;
  privateDb: string | undefined;
  store: Store;
  dispatcher: Dispatcher;
  userAgent: string;
  flights: SingleFlight;
  coordinated: CoordinatedFlight;
  freshness: FreshnessCache;
  notFound: NegativeCache;
  metrics: ProxyMetrics;
  logger: Logger;
  /** The module cache, which exists only once the verifier built here is handed to it. */
  modules: ModuleHashes;
}

export interface ChecksumSetup {
  /** What answers /sumdb/<name>/ for each name. */
  backends: Map<string, SumdbBackend>;
  verifier: ChecksumVerifier;
  privateDb: PrivateChecksumDb | undefined;
}

/**
 * Wires the checksum databases together: for every remote database (the proxied ones and the one ingest
 * verifies against, which then shares their stored answers) an AuthenticatedSumdb when modgate knows its key
 * (given in the setting, or the go command's own for sum.golang.org), else a SumdbProxy that can only check
 * answers for shape; then the private database. Private modules are routed away from the public database here.
 */
export async function setUpChecksumDatabases(inputs: ChecksumSetupInputs): Promise<ChecksumSetup> {
  const { verifyAgainst, store, logger } = inputs;
  const origins = new Map<string, string | undefined>(inputs.proxied.map((db) => [db.name, db.url]));
  const keys = new Map<string, string>();
  for (const db of inputs.proxied) {
    const key = db.verifierKey ?? knownVerifierKey(db.name);
    if (key) keys.set(db.name, key);
  }
  if (verifyAgainst !== 'off') {
    if (verifyAgainst.url || !origins.has(verifyAgainst.name))
      origins.set(verifyAgainst.name, verifyAgainst.url);
    keys.set(verifyAgainst.name, verifyAgainst.verifierKey);
  }
  const http = (url: string) => new HttpOrigin(url, inputs.dispatcher, inputs.userAgent);
  const originOf = (name: string, url: string | undefined): SumdbOrigin =>
    url
      ? http(url)
      : new DiscoveredSumdbOrigin(
          name,
          inputs.upstreamProxies.map((proxy) => http(`${proxy.replace(/\/+$/, '')}/sumdb/${name}`)),
          http(`https://${name}`),
        );
  const authenticated = new Map<string, AuthenticatedSumdb>();
  const backendOf = (name: string, url: string | undefined): SumdbBackend => {
    const origin = originOf(name, url);
    const verifierKey = keys.get(name);
    if (!verifierKey)
      return new SumdbProxy(name, origin, store, inputs.freshness, inputs.flights, inputs.notFound);
    const database = new AuthenticatedSumdb({
      verifierKey,
      // The client names this URL in its messages; requests go wherever the origin decided.
      baseUrl: url ?? `https://${name}`,
      origin,
      store,
      coordinated: inputs.coordinated,
      freshness: inputs.freshness,
      notFound: inputs.notFound,
      metrics: inputs.metrics,
      logger,
    });
    authenticated.set(name, database);
    return database;
  };
  const remote = new Map([...origins].map(([name, url]) => [name, backendOf(name, url)]));
  const backends = new Map<string, SumdbBackend>(
    inputs.proxied.map((db) => [
      db.name,
      withoutPrivateLookups(remote.get(db.name)!, inputs.privatePatterns),
    ]),
  );

  let publicVerifier: ChecksumVerifier | undefined;
  if (verifyAgainst !== 'off') {
    publicVerifier = new SumdbVerifier(authenticated.get(verifyAgainst.name)!, inputs.metrics, logger);
  }

  let privateDb: PrivateChecksumDb | undefined;
  if (inputs.privateDb) {
    privateDb = await PrivateChecksumDb.open({
      name: inputs.privateDb,
      store,
      coordinated: inputs.coordinated,
      modules: inputs.modules,
      metrics: inputs.metrics,
      logger,
    });
    backends.set(inputs.privateDb, privateDb);
  }
  return {
    backends,
    verifier: new RoutedVerifier(inputs.privatePatterns, publicVerifier, privateDb),
    privateDb,
  };
}

/**
 * A proxied database never hears of a private module: go asks for one when GONOSUMDB is not set, and the
 * lookup would tell the public database (and its logs) the private path.
 */
function withoutPrivateLookups(backend: SumdbBackend, privatePatterns: string): SumdbBackend {
  return {
    async get(path) {
      const request = checkSumdbPath(path);
      if (request.kind === 'lookup' && matchPrefixPatterns(privatePatterns, request.module)) {
        throw new NotFoundError(
          `${request.module} is private, so modgate does not ask a public checksum database about it: list it in GONOSUMDB, or verify it against modgate's own database (privateChecksumDb)`,
        );
      }
      return backend.get(path);
    },
  };
}
