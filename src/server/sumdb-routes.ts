import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SumdbBackend } from '../proxy/sumdb-backend.js';
import { sendFailure, sendReason } from './errors.js';
import { IMMUTABLE, sendBytes } from './send-bytes.js';

/**
 * `/sumdb/<name>/supported|latest|lookup/...|tile/...`: the go command first asks `supported`; a 404 sends
 * it to the database directly, so an unconfigured database costs nothing. Names may contain a path
 * (`localhost.localdev/sumdb`), so the longest configured name that prefixes the request wins.
 */
export function registerSumdbRoutes(
  app: FastifyInstance,
  databases: ReadonlyMap<string, SumdbBackend>,
  latestMaxAgeSeconds: number,
): void {
  const byLength = [...databases.keys()].sort((a, b) => b.length - a.length);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const rest = (request.raw.url ?? '').split('?', 1)[0]!.slice('/sumdb/'.length);
    const name = byLength.find((n) => rest.startsWith(`${n}/`));
    if (!name)
      return sendReason(
        reply,
        404,
        `no checksum database is served at /sumdb/${rest}; go will ask the database directly`,
      );
    const path = rest.slice(name.length + 1);
    if (path === 'supported')
      return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send('');
    try {
      const answer = await databases.get(name)!.get(path);
      return sendBytes(request, reply, answer.bytes, {
        contentType: path.startsWith('tile/') ? 'application/octet-stream' : 'text/plain; charset=utf-8',
        cacheControl: answer.immutable ? IMMUTABLE : `public, max-age=${latestMaxAgeSeconds}`,
        cacheState: answer.state,
      });
    } catch (err) {
      return sendFailure(request, reply, err);
    }
  };
  app.route({ method: ['GET', 'HEAD'], url: '/sumdb/*', handler });
}
