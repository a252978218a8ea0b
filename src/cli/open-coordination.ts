import { join } from 'node:path';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { FileLocks, type Locks, ProcessLocks } from '../proxy/locks.js';
import { RedisLocks } from '../proxy/redis-locks.js';
import type { ServeConfig } from './settings.js';

/** Worker processes coordinate through lock files here; a lock older than this is a crashed fetch's. */
export const LOCKS_DIR = '_modgate/locks';
const LOCK_STALE_MS = 15 * 60_000;

/** How this process agrees with its siblings (workers, replicas) on who fetches an artifact. */
export interface Coordination {
  locks: Locks;
  /** Why replicas are not coordinated right now (they still serve), or undefined when they are. */
  problem(): string | undefined;
  close(): Promise<void>;
}

/**
 * Picks the locks: in-process ones for a lone process, lock files shared by workers, and Redis, when
 * configured, shared by replicas on any host, falling back to the former two while Redis is unreachable.
 */
export async function openCoordination(
  config: Pick<ServeConfig, 'redis' | 'lockTtl' | 'store' | 's3Endpoint' | 's3Bucket' | 's3Prefix'>,
  options: { dataDir: string; worker: boolean; logger: Logger },
): Promise<Coordination> {
  const local = options.worker
    ? new FileLocks(join(options.dataDir, LOCKS_DIR), LOCK_STALE_MS)
    : new ProcessLocks();
  if (config.redis === '') return { locks: local, problem: () => undefined, close: async () => {} };
  const locks = new RedisLocks({
    url: config.redis,
    ttlMs: config.lockTtl,
    // Replicas share a lock exactly when they share the artifacts it guards.
    namespace:
      config.store === 's3'
        ? `s3:${config.s3Endpoint}/${config.s3Bucket}/${config.s3Prefix}`
        : `fs:${options.dataDir}`,
    fallback: local,
    onStateChange: (up, reason) => {
      if (up) options.logger.info('redis reachable: replicas share one upstream fetch per artifact');
      else
        options.logger.warn(
          { reason },
          'redis unreachable: serving on, with each replica fetching on its own until it is back',
        );
    },
  });
  await locks.connect();
  return {
    locks,
    // The reason (an address, say) is logged only: /readyz is open to every client.
    problem: () => (locks.coordinated ? undefined : 'redis unreachable'),
    close: () => locks.close(),
  };
}

/** modgate_coordination_up: 1 while the configured coordination works, 0 while replicas fetch on their own. */
export function registerCoordinationMetric(registry: Registry, coordination: Coordination): void {
  new Gauge({
    name: 'modgate_coordination_up',
    help: 'Whether fetches are coordinated with the other replicas (Redis reachable, or none configured): 1, else 0.',
    registers: [registry],
    collect() {
      this.set(coordination.problem() === undefined ? 1 : 0);
    },
  });
}
