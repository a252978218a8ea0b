import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Releases a held lock. */
export type Release = () => Promise<void>;

/**
 * Mutual exclusion between processes that share one store, so that one of them fetches an artifact while
 * the others wait for it: `tryAcquire` either takes the lock or says someone else holds it.
 */
export interface Locks {
  tryAcquire(name: string): Promise<Release | undefined>;
}

/** One process serving alone: its SingleFlight already serialises fetches, so the lock is always free. */
export class ProcessLocks implements Locks {
  async tryAcquire(): Promise<Release> {
    return async () => {};
  }
}

/**
 * Lock files in the store's directory (create-exclusive), for worker processes on one host. A lock whose
 * owner process is gone, or that is older than `staleAfterMs`, is broken: a crashed worker never wedges a
 * module. Replicas on several hosts need a shared lock service instead.
 */
export class FileLocks implements Locks {
  constructor(
    private readonly dir: string,
    private readonly staleAfterMs: number,
  ) {}

  async tryAcquire(name: string): Promise<Release | undefined> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, createHash('sha256').update(name).digest('hex').slice(0, 40));
    // The owner's pid is written first and the lock then appears whole by link(): a lock file created empty
    // and filled afterwards would look ownerless, hence stale, to a process reading it in between.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(draft, `${process.pid}\n`);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await link(draft, file);
          return this.hold(file, (await stat(file)).ino);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          if (!(await this.breakIfStale(file))) return undefined;
        }
      }
      return undefined;
    } finally {
      await unlink(draft).catch(() => {});
    }
  }

  /**
   * Keeps a held lock fresh (a long download must not look abandoned) and returns its release, which
   * removes the lock only if it is still ours: one broken as stale may since belong to another process.
   */
  private hold(file: string, ino: number): Release {
    const heartbeat = setInterval(
      () => {
        const now = new Date();
        utimes(file, now, now).catch(() => {});
      },
      Math.max(this.staleAfterMs / 3, 1000),
    );
    heartbeat.unref();
    return async () => {
      clearInterval(heartbeat);
      const current = await stat(file).catch(() => undefined);
      if (current?.ino === ino) await unlink(file).catch(() => {});
    };
  }

  /**
   * Removes a stale lock under a second, short-lived lock (`<lock>.break`), so only one contender at a time
   * judges and removes it: judging and removing are two steps, and a contender that judged an old lock
   * stale must not remove the live one another contender has created since. The breaker lock is held for
   * two file operations; one left behind by a process that died holding it is removed by the next contender.
   */
  private async breakIfStale(file: string): Promise<boolean> {
    if (!(await this.isStale(file))) return false;
    const breaker = `${file}.break`;
    const draft = `${breaker}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(draft, `${process.pid}\n`);
    try {
      await link(draft, breaker);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await this.isStale(breaker)) await unlink(breaker).catch(() => {});
      return false;
    } finally {
      await unlink(draft).catch(() => {});
    }
    try {
      // Looked at again now that no one else can remove it: it may have been released and retaken.
      const stale = await this.isStale(file);
      if (stale) await unlink(file).catch(() => {});
      return stale;
    } finally {
      await unlink(breaker).catch(() => {});
    }
  }

  private async isStale(file: string): Promise<boolean> {
    try {
      const [info, owner] = await Promise.all([stat(file), readFile(file, 'utf8')]);
      return Date.now() - info.mtimeMs > this.staleAfterMs || !isAlive(Number.parseInt(owner, 10));
    } catch {
      // Released between our attempt and this look: not stale, simply free now; the caller retries.
      return false;
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
