import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { inBackground } from '../sources/background.js';

/** Versions waiting at most: a refresh that finds thousands of new tags prepares the first ones only. */
const MAX_PENDING = 10_000;

/**
 * Versions made ready before any client asks for their artifacts: the `.mod` and `.zip` of a version whose
 * `.info` was just answered (go asks for them next, and from a git mirror they cost no network), and new
 * releases that a background refresh found. A few at a time, so requests keep the upper hand, and each
 * version once while it is queued. A failure is only logged: the client that asks later gets the reason.
 */
export class PrepareAhead {
  private readonly limit;
  private readonly pending = new Set<string>();

  constructor(
    private readonly prepare: (module: string, version: string) => Promise<unknown>,
    private readonly logger: Logger,
    concurrency = 1,
  ) {
    this.limit = pLimit(concurrency);
  }

  add(module: string, version: string): void {
    const key = `${module}@${version}`;
    if (this.pending.has(key) || this.pending.size >= MAX_PENDING) return;
    this.pending.add(key);
    void this.limit(async () => {
      try {
        await inBackground(() => this.prepare(module, version));
      } catch (err) {
        // The module path stays out of the log line: it may be private.
        this.logger.debug({ err: (err as Error).name }, 'preparing a version ahead failed');
      } finally {
        this.pending.delete(key);
      }
    });
  }
}
