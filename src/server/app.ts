import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ModuleCache } from '../proxy/module-cache.js';
import type { Store } from '../storage/store.js';
import { sendReason } from './errors.js';
import { registerOperationalRoutes } from './operational-routes.js';
import { registerProxyRoutes } from './proxy-routes.js';
import { StoredObjectSender } from './send-stored.js';

export interface AppOptions {
  cache: ModuleCache;
  store: Store;
  logger: Logger;
  registry: Registry;
  /** Seconds clients and CDNs may reuse list, latest and query answers. */
  mutableMaxAgeSeconds: number;
  /** Memory for small immutable objects (.info, .mod) kept hot. */
  memoryCacheBytes: number;
}

/** A request id that a caller's own id may set, so logs on both sides line up; anything odd is replaced. */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : randomUUID();
}

export function buildApp(options: AppOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
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
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  // Responses that finish during shutdown close their connection; otherwise an idle keep-alive connection
  // would hold the process open until its timeout after the last request in flight is done.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.setErrorHandler((err, request, reply) => {
    request.log.error({ err }, 'internal error');
    reply
      .code(500)
      .header('content-type', 'text/plain; charset=utf-8')
      .send(`modgate internal error (request ${request.id})\n`);
  });
  registerOperationalRoutes(app, options.store, options.registry);
  registerProxyRoutes(
    app,
    options.cache,
    new StoredObjectSender(options.store, options.memoryCacheBytes),
    options.mutableMaxAgeSeconds,
  );
  return app;
}
