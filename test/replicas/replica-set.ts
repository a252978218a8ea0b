import { join } from 'node:path';
import { ModgateProcess } from '../helpers/modgate.js';

/**
 * Several `modgate serve` processes on 127.0.0.1 sharing one bucket and one Redis, each with its own data
 * directory (staging files only), as replicas on separate hosts would be.
 */
export class ReplicaSet {
  private constructor(
    readonly replicas: ModgateProcess[],
    private readonly argsOf: (index: number) => string[],
    private readonly env: Record<string, string>,
  ) {}

  static async start(
    count: number,
    dir: string,
    shared: string[],
    env: Record<string, string>,
  ): Promise<ReplicaSet> {
    const argsOf = (index: number) => [...shared, '--data', join(dir, `replica${index}`)];
    const replicas = await Promise.all(
      Array.from({ length: count }, (_, i) => ModgateProcess.start(argsOf(i), env)),
    );
    return new ReplicaSet(replicas, argsOf, env);
  }

  /** The URL of `path` on each replica in turn, as a load balancer spreads requests. */
  roundRobin(path: string, count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${this.replicas[i % this.replicas.length]!.url}${path}`);
  }

  /** Crashes replica `index`: SIGKILL, so it neither cleans up nor releases its locks. */
  async crash(index: number): Promise<void> {
    await this.replicas[index]!.stop('SIGKILL');
  }

  /** Starts replica `index` again on its data directory. */
  async restart(index: number): Promise<void> {
    this.replicas[index] = await ModgateProcess.start(this.argsOf(index), this.env);
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop()));
  }
}
