import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/**
 * Runs `count` worker processes that share the listening port, replaces any that dies, and on SIGINT or
 * SIGTERM passes the signal on, waits for every worker to finish its requests, then exits.
 */
export function supervise(count: number, logger: Logger, about: Record<string, string>): Promise<void> {
  let stopping = false;
  let announced = false;
  const start = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: { listening?: string }) => {
      if (message.listening && !announced) {
        announced = true;
        logger.info({ url: message.listening, workers: count, ...about }, 'listening');
      }
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('stopped');
        process.exit(process.exitCode ?? 0);
      }
      return;
    }
    if (!announced) {
      // Dying before any worker listened is a start-up failure (port taken, data directory unusable):
      // restarting would only loop, so stop everything and fail like a single process does.
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    logger.error(
      { pid: worker.process.pid, code, signal },
      'worker exited unexpectedly; starting another in 1 s',
    );
    setTimeout(start, 1000);
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    logger.info({ signal }, 'shutting down: workers finish requests in flight');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  for (let i = 0; i < count; i++) start();
  return Promise.resolve();
}
