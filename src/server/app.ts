import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ModuleCache } from '../proxy/module-cache.js';
import type { SumdbBackend } from '../proxy/sumdb-backend.js';
import type { Store } from '../storage/store.js';
import { type AccessGateOptions, registerAccessGate } from './access-gate.js';
import { sendReason } from './errors.js';
import { registerOperationalRoutes } from './operational-routes.js';
import { type FastLane, registerProxyRoutes } from './proxy-routes.js';
import { StoredObjectSender } from './send-stored.js';
import { registerSumdbRoutes } from './sumdb-routes.js';

export interface AppOptions {
  cache: ModuleCache;
  /** The checksum databases served under /sumdb/<name>/: proxied ones and modgate's own private one. */
  sumdbs: ReadonlyMap<string, SumdbBackend>;
  store: Store;
  logger: Logger;
  registry: Registry;
  /** Says on /readyz when replicas are serving uncoordinated; absent, coordination is never a problem. */
  coordination?: { problem(): string | undefined } | undefined;
  /** Seconds clients and CDNs may reuse list, latest and query answers. */
  mutableMaxAgeSeconds: number;
  /** Memory for small immutable objects (.info, .mod) kept hot. */
  memoryCacheBytes: number;
  /** Client authentication and access rules; absent, everything is open. */
  access?: AccessGateOptions | undefined;
  /** Requests per minute per token (or per client address without one); 0 for no limit. */
  rateLimitPerMinute: number;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  tls?: { cert: Buffer; key: Buffer } | undefined;
}

/** Request ids are this process's random prefix and a counter: unique, and cheaper than a UUID each. */
const ID_PREFIX = randomUUID().slice(0, 8);
let requestCount = 0;

/** A request id that a caller's own id may set, so logs on both sides line up; anything odd is replaced. */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header)
    ? header
    : `${ID_PREFIX}-${++requestCount}`;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const accessLog = options.logger.isLevelEnabled('info');
  // Warm artifacts in memory are answered before Fastify routing; everything else goes through it.
  let fastLane: FastLane = () => false;
  // Paths that need credentials checked, and every path when requests are counted, go through Fastify.
  let gated: (url: string) => boolean = () => options.rateLimitPerMinute > 0;
  const app: FastifyInstance = Fastify({
    serverFactory: (handler) =>
      (options.tls ? (h: RequestListener) => createHttpsServer(options.tls!, h) : createServer)(
        (request, response) => {
          if (gated(request.url ?? '/') || !fastLane(request, response)) return handler(request, response);
          if (accessLog) {
            const reqId = requestId(request.headers['x-request-id']);
            options.logger.info({ reqId, method: 'GET', url: request.url, status: 200, ms: 0 }, 'request');
          }
        },
      ),
    // pino's Logger is a FastifyBaseLogger; the cast only stops the instance type carrying pino's generics.
    loggerInstance: options.logger as FastifyBaseLogger,
    // One access line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestId(req.headers['x-request-id']),
    exposeHeadRoutes: false,
    return503OnClosing: true,
    // Malformed URLs must still get the protocol's 404 + reason, not a framework error page.
    frameworkErrors: (err, request, reply) => {
      const reason =
        err.code === 'FST_ERR_BAD_URL' ? 'malformed percent-encoding in request path' : err.message;
      sendReason(reply, 404, `malformed request ${JSON.stringify(request.url)}: ${reason}`);
    },
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (accessLog) {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    done();
  });
  // Keep-alive connections that go idle during shutdown are closed as they do; otherwise one would hold the
  // process open until its timeout after the last request in flight is done.
  app.addHook('preClose', (done) => {
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    app.server.once('close', () => clearInterval(sweep));
    done();
  });
  if (options.access) {
    const needsGate = registerAccessGate(app, options.access);
    gated = (url) => options.rateLimitPerMinute > 0 || needsGate(url);
  }
  if (options.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      // One budget per token, so CI jobs behind one NAT address do not starve each other; else per address.
      keyGenerator: (request) =>
        request.identity ? `token:${request.identity.tokenId}` : `ip:${request.ip}`,
      allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        message: `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
      }),
    });
  }
  app.setErrorHandler((err, request, reply) => {
    if ((err as { statusCode?: number }).statusCode === 429)
      return sendReason(reply, 429, (err as Error).message);
    request.log.error({ err }, 'internal error');
    reply
      .code(500)
      .header('content-type', 'text/plain; charset=utf-8')
      .send(`modgate internal error (request ${request.id})\n`);
  });
  registerOperationalRoutes(app, options.store, options.registry, options.coordination);
  registerSumdbRoutes(app, options.sumdbs, options.mutableMaxAgeSeconds);
  fastLane = registerProxyRoutes(
    app,
    options.cache,
    new StoredObjectSender(options.store, options.memoryCacheBytes),
    options.mutableMaxAgeSeconds,
  );
  return app;
}
