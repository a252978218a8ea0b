/**
 * Runs one call per key at a time: callers that arrive while a call is in flight share its result.
 * This is what turns a hundred simultaneous requests for one uncached zip into one upstream fetch.
 */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = call().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
