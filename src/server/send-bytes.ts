import type { FastifyReply, FastifyRequest } from 'fastify';

/** Cache-Control for what never changes once published: stored module artifacts, checksum tiles and lookups. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Sends a computed answer (a list, a tree head, a lookup) with its caching headers, honouring HEAD. */
export function sendBytes(
  request: FastifyRequest,
  reply: FastifyReply,
  bytes: Buffer,
  headers: { contentType: string; cacheControl: string; cacheState: string },
): FastifyReply {
  reply
    .header('content-type', headers.contentType)
    .header('cache-control', headers.cacheControl)
    .header('x-modgate-cache', headers.cacheState)
    .header('content-length', bytes.length);
  return reply.send(request.method === 'HEAD' ? undefined : bytes);
}
