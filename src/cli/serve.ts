import { resolve } from 'node:path';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createProxyMetrics } from '../proxy/metrics.js';
import { ModuleCache } from '../proxy/module-cache.js';
import { buildApp } from '../server/app.js';
import { createHttpClient } from '../sources/http-client.js';
import { createUpstream } from '../sources/upstream.js';
import { FsStore } from '../storage/fs-store.js';
import { ConfigError } from './config.js';
import type { ServeConfig } from './settings.js';
import { VERSION } from './version.js';

/** Starts the proxy and resolves once it listens; it stops cleanly on SIGINT/SIGTERM. */
export async function serve(config: ServeConfig): Promise<void> {
  const logger = pino({ level: config.logLevel, base: { service: 'modgate' } });
  const dispatcher = createHttpClient({
    connectTimeoutMs: config.upstreamConnectTimeout,
    headersTimeoutMs: config.upstreamResponseTimeout,
    bodyTimeoutMs: config.upstreamIdleTimeout,
    retries: config.upstreamRetries,
    connectionsPerOrigin: 64,
  });
  let upstream: ReturnType<typeof createUpstream>;
  try {
    upstream = createUpstream(config.upstream, dispatcher, `modgate/${VERSION}`);
  } catch (err) {
    throw new ConfigError(
      `invalid configuration:\n  - upstream = ${JSON.stringify(config.upstream)}: ${(err as Error).message}`,
    );
  }
  const dataDir = resolve(config.data);
  const store = await FsStore.open(dataDir);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const cache = new ModuleCache({
    store,
    upstream,
    logger,
    metrics: createProxyMetrics(registry),
    freshness: { ttlMs: config.listTtl, staleWhileRevalidateMs: config.staleWhileRevalidate },
    notFoundTtlMs: config.notFoundTtl,
  });
  const app = buildApp({
    cache,
    store,
    logger,
    registry,
    mutableMaxAgeSeconds: Math.floor(config.listTtl / 1000),
    memoryCacheBytes: config.memoryCache,
  });

  const address = await app.listen({ port: config.port, host: config.host });
  const port = app.server.address();
  const url =
    typeof port === 'object' && port
      ? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port.port}`
      : address;
  logger.info({ url, upstream: upstream.name, data: dataDir, version: VERSION }, 'listening');

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
