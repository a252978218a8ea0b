/** At most `limit` holders at once; the others wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`a concurrency limit must be at least 1 (got ${limit})`);
  }

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** Runs calls one at a time, in order: a per-repository mutex that needs no lock files within one process. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(call: () => Promise<T>): Promise<T> {
    const result = this.tail.then(call, call);
    this.tail = result.catch(() => {});
    return result;
  }
}
