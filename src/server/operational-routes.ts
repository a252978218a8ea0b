import { access, constants } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../storage/store.js';

/**
 * /healthz (the process is alive), /readyz (it can serve and store now), /metrics (Prometheus). A replica
 * that lost its coordination still serves, so it stays ready and says it is degraded.
 */
export function registerOperationalRoutes(
  app: FastifyInstance,
  store: Store,
  registry: Registry,
  coordination?: { problem(): string | undefined },
): void {
  app.get('/healthz', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));

  app.get('/readyz', async (_request, reply) => {
    const problem = await storageProblem(store);
    if (problem === undefined) {
      const degraded = coordination?.problem();
      return reply
        .type('text/plain; charset=utf-8')
        .send(degraded === undefined ? 'ready\n' : `ready (degraded: ${degraded})\n`);
    }
    return reply.code(503).type('text/plain; charset=utf-8').send(`not ready: ${problem}\n`);
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

async function storageProblem(store: Store): Promise<string | undefined> {
  try {
    await access(store.stagingDir, constants.W_OK);
  } catch (err) {
    return `storage staging directory is not writable (${(err as Error).message})`;
  }
  try {
    await store.checkReady?.();
  } catch (err) {
    return `storage is not reachable (${(err as Error).message})`;
  }
  return undefined;
}
