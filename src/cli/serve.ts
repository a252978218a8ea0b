import cluster from 'node:cluster';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Logger, pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import { FreshnessCache } from '../proxy/freshness.js';
import { FileLocks, type Locks, ProcessLocks } from '../proxy/locks.js';
import { createProxyMetrics } from '../proxy/metrics.js';
import { ModuleCache } from '../proxy/module-cache.js';
import { NegativeCache } from '../proxy/negative-cache.js';
import { SingleFlight } from '../proxy/singleflight.js';
import { SumdbProxy } from '../proxy/sumdb-proxy.js';
import { buildApp } from '../server/app.js';
import { createHttpClient } from '../sources/http-client.js';
import { HttpOrigin } from '../sources/http-get.js';
import { redactCredentials } from '../sources/proxy-url.js';
import type { Source } from '../sources/source.js';
import { createUpstream } from '../sources/upstream.js';
import { FsStore } from '../storage/fs-store.js';
import { ConfigError } from './config.js';
import type { ServeConfig } from './settings.js';
import { parseSumdbList, type SumdbEntry } from './sumdb-list.js';
import { supervise } from './supervise.js';
import { VERSION } from './version.js';

/** Worker processes coordinate through lock files here; a lock older than this is a crashed fetch's. */
const LOCKS_DIR = '_modgate/locks';
const LOCK_STALE_MS = 15 * 60_000;

/**
 * Starts the proxy. With one worker it serves in this process; with several, this process supervises
 * workers that share the port and the data directory. Either way it stops cleanly on SIGINT/SIGTERM.
 */
export async function serve(config: ServeConfig): Promise<void> {
  const logger = pino({ level: config.logLevel, base: { service: 'modgate' } });
  const dispatcher = createHttpClient({
    connectTimeoutMs: config.upstreamConnectTimeout,
    headersTimeoutMs: config.upstreamResponseTimeout,
    bodyTimeoutMs: config.upstreamIdleTimeout,
    retries: config.upstreamRetries,
    connectionsPerOrigin: 64,
  });
  // Validated in every process, so a bad list stops the supervisor before any worker starts.
  const upstream = upstreamOrConfigError(config, dispatcher);
  const sumdbs = settingOrConfigError('sumdb', config.sumdb, parseSumdbList);
  const dataDir = resolve(config.data);
  const primary = cluster.isPrimary;
  if (primary) {
    await rm(join(dataDir, LOCKS_DIR), { recursive: true, force: true });
    if (config.workers > 1) {
      await FsStore.open(dataDir, { cleanStaging: true });
      await dispatcher.close();
      return supervise(config.workers, logger, { upstream: upstream.name, data: dataDir, version: VERSION });
    }
  }
  const locks: Locks = primary ? new ProcessLocks() : new FileLocks(join(dataDir, LOCKS_DIR), LOCK_STALE_MS);
  await serveHere(config, logger, dispatcher, upstream, sumdbs, dataDir, locks);
}

function upstreamOrConfigError(config: ServeConfig, dispatcher: Dispatcher): Source {
  return settingOrConfigError('upstream', config.upstream, (list) =>
    createUpstream(list, dispatcher, `modgate/${VERSION}`),
  );
}

/** Parses a setting whose value has structure beyond its type, reporting a bad one as a ConfigError. */
function settingOrConfigError<T>(key: string, value: string, parse: (value: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    // Values and messages may quote URLs with credentials, and configuration errors end up in CI logs.
    const detail = `${key} = ${JSON.stringify(value)}: ${(err as Error).message}`;
    throw new ConfigError(`invalid configuration:\n  - ${redactCredentials(detail)}`);
  }
}

async function serveHere(
  config: ServeConfig,
  logger: Logger,
  dispatcher: Dispatcher,
  upstream: Source,
  sumdbs: readonly SumdbEntry[],
  dataDir: string,
  locks: Locks,
): Promise<void> {
  // A worker must not clean staging: its siblings may be writing there right now.
  const store = await FsStore.open(dataDir, { cleanStaging: cluster.isPrimary });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const cache = new ModuleCache({
    store,
    upstream,
    logger,
    metrics: createProxyMetrics(registry),
    freshness: { ttlMs: config.listTtl, staleWhileRevalidateMs: config.staleWhileRevalidate },
    notFoundTtlMs: config.notFoundTtl,
    locks,
  });
  const freshness = { ttlMs: config.listTtl, staleWhileRevalidateMs: config.staleWhileRevalidate };
  const flights = new SingleFlight();
  const sumdb = new SumdbProxy(
    new Map(sumdbs.map((db) => [db.name, new HttpOrigin(db.url, dispatcher, `modgate/${VERSION}`)])),
    store,
    new FreshnessCache(store, flights, freshness, (key, err) =>
      logger.warn({ key, err: String(err) }, 'checksum database refresh failed; serving the cached answer'),
    ),
    flights,
    new NegativeCache(config.notFoundTtl),
  );
  const app = buildApp({
    cache,
    sumdb,
    sumdbNames: sumdbs.map((db) => db.name),
    store,
    logger,
    registry,
    mutableMaxAgeSeconds: Math.floor(config.listTtl / 1000),
    memoryCacheBytes: config.memoryCache,
  });

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (cluster.isPrimary) {
    logger.info({ url, upstream: upstream.name, data: dataDir, version: VERSION }, 'listening');
  } else {
    process.send?.({ listening: url });
  }

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    await app.close();
    await dispatcher.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
