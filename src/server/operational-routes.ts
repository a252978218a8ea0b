import { access, constants } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../storage/store.js';

/** /healthz (the process is alive), /readyz (it can serve and store now), /metrics (Prometheus). */
export function registerOperationalRoutes(app: FastifyInstance, store: Store, registry: Registry): void {
  app.get('/healthz', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));

  app.get('/readyz', async (_request, reply) => {
    try {
      await access(store.stagingDir, constants.W_OK);
      return reply.type('text/plain; charset=utf-8').send('ready\n');
    } catch (err) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`not ready: storage staging directory is not writable (${(err as Error).message})\n`);
    }
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
