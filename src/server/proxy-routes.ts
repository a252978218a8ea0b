import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Answer, ModuleCache } from '../proxy/module-cache.js';
import { sendReason, statusFor } from './errors.js';
import { type ProxyRequest, parseProxyPath } from './request-path.js';
import type { StoredObjectSender } from './send-stored.js';

const CONTENT_TYPES = {
  list: 'text/plain; charset=utf-8',
  latest: 'application/json',
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
} as const;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The GOPROXY protocol: `<module>/@v/list`, `/@v/<version>.info|.mod|.zip` and `/@latest`, GET and HEAD. */
export function registerProxyRoutes(
  app: FastifyInstance,
  cache: ModuleCache,
  sender: StoredObjectSender,
  mutableMaxAgeSeconds: number,
): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const parsed = parseProxyPath(request.raw.url ?? '/');
      const answer = await answerFor(cache, parsed);
      if (answer.kind === 'stored') {
        return await sender.send(request, reply, answer.key, {
          contentType: CONTENT_TYPES[parsed.endpoint],
          cacheControl: IMMUTABLE,
          immutable: true,
        });
      }
      reply
        .header('content-type', CONTENT_TYPES[parsed.endpoint])
        .header('cache-control', `public, max-age=${mutableMaxAgeSeconds}`)
        .header('x-modgate-cache', answer.state)
        .header('content-length', answer.bytes.length);
      return reply.send(request.method === 'HEAD' ? undefined : answer.bytes);
    } catch (err) {
      const mapped = statusFor(err);
      if (!mapped) throw err;
      if (mapped.status !== 404)
        request.log.warn({ status: mapped.status, reason: mapped.reason }, 'refused');
      return sendReason(reply, mapped.status, mapped.reason);
    }
  };
  app.route({ method: ['GET', 'HEAD'], url: '/*', handler });
}

function answerFor(cache: ModuleCache, request: ProxyRequest): Promise<Answer> {
  switch (request.endpoint) {
    case 'list':
      return cache.list(request.module);
    case 'latest':
      return cache.latest(request.module);
    case 'info':
      return cache.info(request.module, request.version);
    case 'mod':
      return cache.mod(request.module, request.version);
    case 'zip':
      return cache.zip(request.module, request.version);
  }
}
