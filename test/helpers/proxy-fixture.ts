import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModgateProcess } from './modgate.js';
import { type FixtureModule, writeProxyTree } from './proxy-tree.js';
import { UpstreamServer } from './upstream-server.js';

/**
 * The usual integration setup: a GOPROXY tree of modules, a real HTTP upstream over it, and a real
 * `modgate serve` in front of that upstream, all in one temporary directory removed by `stop`.
 */
export class ProxyFixture {
  private constructor(
    readonly dir: string,
    readonly upstream: UpstreamServer,
    public modgate: ModgateProcess,
    private args: string[],
    private readonly env: Record<string, string>,
  ) {}

  /**
   * Stops modgate and starts it again on the same data directory and upstream, as after a crash or a
   * redeploy; `extraArgs`, when given, replace the extra arguments it was started with.
   */
  async restart(extraArgs?: string[]): Promise<void> {
    await this.modgate.stop();
    if (extraArgs) this.args = [...this.args.slice(0, 4), ...extraArgs];
    this.modgate = await ModgateProcess.start(this.args, this.env);
  }

  get tree(): string {
    return join(this.dir, 'tree');
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  static async start(
    name: string,
    modules: readonly FixtureModule[],
    options: {
      /** Extra arguments; a function gets the upstream's URL (for --private-upstream, say). */
      args?: string[] | ((upstreamUrl: string) => string[]);
      prepare?: (tree: string) => Promise<void>;
      /** Environment of the modgate process, such as credentials that never go in arguments. */
      env?: Record<string, string>;
    } = {},
  ): Promise<ProxyFixture> {
    const dir = await mkdtemp(join(tmpdir(), `modgate-${name}-`));
    const tree = join(dir, 'tree');
    await writeProxyTree(tree, modules);
    await options.prepare?.(tree);
    const upstream = await UpstreamServer.start(tree);
    const extra = typeof options.args === 'function' ? options.args(upstream.url) : (options.args ?? []);
    const args = ['--upstream', upstream.url, '--data', join(dir, 'data'), ...extra];
    const env = options.env ?? {};
    return new ProxyFixture(dir, upstream, await ModgateProcess.start(args, env), args, env);
  }

  async stop(): Promise<void> {
    await this.modgate.stop();
    await this.upstream.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
