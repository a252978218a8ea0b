import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Answer, ModuleCache } from '../proxy/module-cache.js';
import { sendFailure } from './errors.js';
import { type ProxyRequest, parseProxyPath } from './request-path.js';
import { IMMUTABLE, sendBytes } from './send-bytes.js';
import type { StoredObjectSender } from './send-stored.js';

const CONTENT_TYPES = {
  list: 'text/plain; charset=utf-8',
  latest: 'application/json',
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
} as const;

/** Answers a request on the raw HTTP objects if it can (a warm artifact in memory); false to route it normally. */
export type FastLane = (request: IncomingMessage, response: ServerResponse) => boolean;

/** The GOPROXY protocol: `<module>/@v/list`, `/@v/<version>.info|.mod|.zip` and `/@latest`, GET and HEAD. */
export function registerProxyRoutes(
  app: FastifyInstance,
  cache: ModuleCache,
  sender: StoredObjectSender,
  mutableMaxAgeSeconds: number,
): FastLane {
  // Request paths already answered from storage, and where: immutable artifacts never move, so repeat
  // requests skip parsing, validation and the storage lookup (the warm path of every CI fleet).
  // Keyed by the path without its query (go never sends one), and bounded in bytes too: other spellings of
  // one path (percent-escapes) are distinct keys that a client could otherwise multiply.
  const storedAt = new LRUCache<string, { key: string; endpoint: ProxyRequest['endpoint'] }>({
    max: 200_000,
    maxSize: 32 << 20,
    sizeCalculation: (value, url) => url.length + value.key.length + 64,
  });
  const pathOf = (url: string | undefined) => (url ?? '/').split('?', 1)[0]!;
  const sendStored = (
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    endpoint: ProxyRequest['endpoint'],
  ) =>
    sender.send(request, reply, key, {
      contentType: CONTENT_TYPES[endpoint],
      cacheControl: IMMUTABLE,
      immutable: true,
    });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = pathOf(request.raw.url);
    const known = storedAt.get(url);
    if (known) {
      if (await sendStored(request, reply, known.key, known.endpoint)) {
        cache.countHit(known.endpoint);
        return reply;
      }
      storedAt.delete(url);
    }
    try {
      const parsed = parseProxyPath(url);
      const answer = await answerFor(cache, parsed);
      if (answer.kind === 'stored') {
        if (!(await sendStored(request, reply, answer.key, parsed.endpoint))) {
          throw new Error(`stored object ${answer.key} disappeared while being served`);
        }
        storedAt.set(url, { key: answer.key, endpoint: parsed.endpoint });
        return reply;
      }
      return sendBytes(request, reply, answer.bytes, {
        contentType: CONTENT_TYPES[parsed.endpoint],
        cacheControl: `public, max-age=${mutableMaxAgeSeconds}`,
        cacheState: answer.state,
      });
    } catch (err) {
      return sendFailure(request, reply, err);
    }
  };
  app.route({ method: ['GET', 'HEAD'], url: '/*', handler });

  return (request, response) => {
    const known = storedAt.get(pathOf(request.url));
    if (!known || !sender.sendFromMemory(known.key, request, response)) return false;
    cache.countHit(known.endpoint);
    return true;
  };
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
