import type { Locks } from './locks.js';
import type { SingleFlight } from './singleflight.js';

/**
 * Single-flight across processes: within one process callers share a promise; across processes the one
 * holding the lock does the work while the others poll until it is done (or the lock frees up, for
 * example because the holder failed, and one of them tries in turn).
 */
export class CoordinatedFlight {
  /** The last `exclusive` call queued per name in this process. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly flights: SingleFlight,
    private readonly locks: Locks,
    private readonly pollMs = 25,
  ) {}

  run(key: string, isDone: () => Promise<boolean>, work: () => Promise<void>): Promise<void> {
    return this.flights.run(key, async () => {
      for (;;) {
        if (await isDone()) return;
        const release = await this.locks.tryAcquire(key);
        if (release) {
          try {
            if (!(await isDone())) await work();
          } finally {
            await release();
          }
          return;
        }
        await this.pause();
      }
    });
  }

  /**
   * Runs `work` while holding the named lock: after any earlier `exclusive` of this name in this process
   * (Locks exclude other processes only), and waiting as long as another process holds it.
   */
  exclusive(name: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const mine = previous.then(() => this.acrossProcesses(name, work));
    const settled = mine.catch(() => {});
    this.queues.set(name, settled);
    settled.then(() => {
      if (this.queues.get(name) === settled) this.queues.delete(name);
    });
    return mine;
  }

  private async acrossProcesses(name: string, work: () => Promise<void>): Promise<void> {
    for (;;) {
      const release = await this.locks.tryAcquire(name);
      if (release) {
        try {
          return await work();
        } finally {
          await release();
        }
      }
      await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.pollMs));
  }
}
