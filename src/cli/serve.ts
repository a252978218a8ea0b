import cluster from 'node:cluster';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Logger, pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import { AccessPolicy } from '../auth/access-policy.js';
import { TokenStore } from '../auth/token-store.js';
import { matchPrefixPatterns } from '../gomod/patterns.js';
import { parseProxyList } from '../gomod/proxy-list.js';
import { CoordinatedFlight } from '../proxy/coordinated-flight.js';
import { FreshnessCache } from '../proxy/freshness.js';
import { createProxyMetrics } from '../proxy/metrics.js';
import { ModuleCache } from '../proxy/module-cache.js';
import { NegativeCache } from '../proxy/negative-cache.js';
import { PrepareAhead } from '../proxy/prepare-ahead.js';
import { SingleFlight } from '../proxy/singleflight.js';
import { buildApp } from '../server/app.js';
import { privatePathScrubber, scrubLogObject } from '../server/scrub-private-paths.js';
import { createHttpClient } from '../sources/http-client.js';
import { setUpChecksumDatabases } from './checksum-setup.js';
import {
  type Coordination,
  LOCKS_DIR,
  openCoordination,
  registerCoordinationMetric,
} from './open-coordination.js';
import { openStore } from './open-store.js';
import { parseServeInputs, type ServeInputs } from './serve-inputs.js';
import type { ServeConfig } from './settings.js';
import { supervise } from './supervise.js';
import { VERSION } from './version.js';

/**
 * Starts the proxy. With one worker it serves in this process; with several, this process supervises
 * workers that share the port and the data directory. Either way it stops cleanly on SIGINT/SIGTERM.
 */
export async function serve(config: ServeConfig): Promise<void> {
  const logger = pino({
    level: config.logLevel,
    base: { service: 'modgate' },
    // Private module paths are confidential: every log object is scrubbed of them (errors included).
    ...(config.private ? { formatters: { log: scrubLogObject(privatePathScrubber(config.private)) } } : {}),
  });
  const dispatcher = createHttpClient({
    connectTimeoutMs: config.upstreamConnectTimeout,
    headersTimeoutMs: config.upstreamResponseTimeout,
    bodyTimeoutMs: config.upstreamIdleTimeout,
    retries: config.upstreamRetries,
    connectionsPerOrigin: 64,
  });
  const inputs = parseServeInputs(config, dispatcher);
  const dataDir = resolve(config.data);
  const primary = cluster.isPrimary;
  if (primary) {
    await rm(join(dataDir, LOCKS_DIR), { recursive: true, force: true });
    if (config.workers > 1) {
      await openStore(config, dataDir, { cleanStaging: true });
      await dispatcher.close();
      return supervise(config.workers, logger, {
        upstream: inputs.upstream.name,
        data: dataDir,
        version: VERSION,
      });
    }
  }
  const coordination = await openCoordination(config, { dataDir, worker: !primary, logger });
  await serveHere(config, logger, dispatcher, inputs, dataDir, coordination);
}

async function serveHere(
  config: ServeConfig,
  logger: Logger,
  dispatcher: Dispatcher,
  inputs: ServeInputs,
  dataDir: string,
  coordination: Coordination,
): Promise<void> {
  const { locks } = coordination;
  // A worker must not clean staging: its siblings may be writing there right now.
  const store = await openStore(config, dataDir, { cleanStaging: cluster.isPrimary });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createProxyMetrics(registry);
  registerCoordinationMetric(registry, coordination);
  const freshness = { ttlMs: config.listTtl, staleWhileRevalidateMs: config.staleWhileRevalidate };
  const flights = new SingleFlight();
  const coordinated = new CoordinatedFlight(flights, locks);
  // The private database logs what the module cache serves, and the cache verifies against it: the cache
  // is created second, so the database reaches it through this reference.
  let cache: ModuleCache | undefined;
  const checksums = await setUpChecksumDatabases({
    proxied: inputs.sumdbs,
    upstreamProxies: parseProxyList(config.upstream).flatMap((entry) =>
      entry.kind === 'proxy' && /^https?:/.test(entry.url) ? [entry.url] : [],
    ),
    verifyAgainst: inputs.checksumDb,
    privatePatterns: config.private,
    privateDb: inputs.privateDb,
    store,
    dispatcher,
    userAgent: `modgate/${VERSION}`,
    flights,
    coordinated,
    freshness: new FreshnessCache(store, coordinated, freshness, (key, err) =>
      logger.warn({ key, err: String(err) }, 'checksum database refresh failed; serving the cached answer'),
    ),
    notFound: new NegativeCache(config.notFoundTtl),
    metrics,
    logger,
    modules: { hashes: (module, version) => cache!.hashes(module, version) },
  });
  const ahead = new PrepareAhead((module, version) => cache!.prepare(module, version), logger);
  cache = new ModuleCache({
    store,
    upstream: inputs.upstream,
    logger,
    metrics,
    freshness,
    notFoundTtlMs: config.notFoundTtl,
    locks,
    verifier: checksums.verifier,
    onZipStored: (module, version) => {
      // Private versions are logged as soon as they are stored, not only when a client looks them up, so
      // the log accounts for everything served. Failures are retried by the first lookup.
      if (!checksums.privateDb || !matchPrefixPatterns(config.private, module)) return;
      checksums.privateDb.record(module, version).catch((err: unknown) => {
        // The reason may name the private module, which stays out of logs.
        logger.warn({ err: (err as Error).name }, 'could not log a private module version yet');
      });
    },
    // go asks for the .mod and the .zip right after the .info: where they are built locally, they are
    // built while the client is still busy with its other .info requests.
    onInfoStored: (module, version) => {
      if (inputs.upstream.buildsLocally?.(module)) ahead.add(module, version);
    },
  });
  inputs.upstream.watchNewVersions?.((module, versions) => {
    for (const version of versions) ahead.add(module, version);
  });
  const app = await buildApp({
    cache,
    sumdbs: checksums.backends,
    store,
    logger,
    registry,
    coordination,
    mutableMaxAgeSeconds: Math.floor(config.listTtl / 1000),
    memoryCacheBytes: config.memoryCache,
    // Tokens are read even with --auth off: --rate-limit counts each token apart.
    access: {
      policy: new AccessPolicy(config.auth === 'off' ? '' : config.auth),
      tokens: new TokenStore(store),
      deniedStatus: config.authDeniedStatus,
      sumdbNames: [...checksums.backends.keys()],
      ownDb: inputs.privateDb,
    },
    rateLimitPerMinute: config.rateLimit,
    tls: inputs.tls,
  });

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${inputs.tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (cluster.isPrimary) {
    const verifying = inputs.checksumDb === 'off' ? 'off' : inputs.checksumDb.name;
    logger.info(
      { url, upstream: inputs.upstream.name, data: dataDir, checksumDb: verifying, version: VERSION },
      'listening',
    );
    if (checksums.privateDb) {
      logger.info(
        { gosumdb: checksums.privateDb.verifierKey },
        'private checksum database ready: builds verify private modules with GOSUMDB set to this key',
      );
    }
  } else {
    process.send?.({ listening: url });
  }

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    await app.close();
    await Promise.all([dispatcher.close(), coordination.close()]);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
