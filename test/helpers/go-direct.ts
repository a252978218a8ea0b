import { appendFile, readFile } from 'node:fs/promises';
import { GoSandbox, parseJsonStream } from './go.js';

/** What the go command itself made of `M@query` in GOPROXY=direct mode: the reference answers. */
export interface DirectDownload {
  version: string;
  /** The `.info` file go wrote into its module cache. */
  info: Buffer;
  /** The `.mod` file go wrote into its module cache. */
  mod: Buffer;
  /** go.sum's zip hash (`h1:`) and go.mod hash. */
  sum: string;
  goModSum: string;
}

interface DownloadJson {
  Version?: string;
  Error?: string;
  Info?: string;
  GoMod?: string;
  Sum?: string;
  GoModSum?: string;
}

/**
 * The oracle for the git source: the real go command in GOPROXY=direct mode, its git pointed at the local bare
 * repositories of a fixture root through `url.<file URL>.insteadOf` in an isolated GIT_CONFIG_GLOBAL, so
 * `https://github.com/acme/widget` is fetched from `<root>/github.com/acme/widget`.
 */
export class GoDirectOracle {
  private constructor(
    readonly sandbox: GoSandbox,
    private readonly extraEnv: Record<string, string>,
  ) {}

  /** `env` adds to go's environment, e.g. HTTP_PROXY and GOINSECURE for `?go-get=1` discovery. */
  static async create(
    gitRoot: string,
    hosts: readonly string[] = ['github.com'],
    env: Record<string, string> = {},
  ): Promise<GoDirectOracle> {
    const sandbox = await GoSandbox.create();
    const gitconfig = sandbox.env({}).GIT_CONFIG_GLOBAL!;
    for (const host of hosts) {
      await appendFile(gitconfig, `[url "file://${gitRoot}/${host}/"]\n\tinsteadOf = https://${host}/\n`);
    }
    return new GoDirectOracle(sandbox, env);
  }

  private env(): Record<string, string> {
    return { GOPROXY: 'direct', GOSUMDB: 'off', GOFLAGS: '-mod=mod -modcacherw', ...this.extraEnv };
  }

  /** `go mod download -json M@query`; throws with go's own error text when go fails. */
  async download(module: string, query: string): Promise<DirectDownload> {
    const result = await this.sandbox.run(['mod', 'download', '-json', `${module}@${query}`], {
      env: this.env(),
    });
    const [json] = parseJsonStream<DownloadJson>(result.stdout);
    if (result.code !== 0 || !json || json.Error || !json.Version || !json.Info || !json.GoMod) {
      throw new Error(`go direct ${module}@${query}: ${json?.Error ?? result.stderr}`);
    }
    return {
      version: json.Version,
      info: await readFile(json.Info),
      mod: await readFile(json.GoMod),
      sum: json.Sum ?? '',
      goModSum: json.GoModSum ?? '',
    };
  }

  /**
   * `go list -m -versions -retracted M`: every tagged version go finds for the module, in go's order. A proxy's
   * list names retracted versions too; go itself reads their retraction from the latest go.mod.
   */
  async versions(module: string): Promise<string[]> {
    const args = ['list', '-m', '-versions', '-retracted', '-json', module];
    const result = await this.sandbox.run(args, { env: this.env() });
    const [json] = parseJsonStream<{ Versions?: string[]; Error?: { Err: string } }>(result.stdout);
    if (result.code !== 0 || !json || json.Error) {
      throw new Error(`go direct list ${module}: ${json?.Error?.Err ?? result.stderr}`);
    }
    return json.Versions ?? [];
  }

  /** go's error text for `M@query`, for the cases where go must refuse. */
  async downloadError(module: string, query: string): Promise<string> {
    const result = await this.sandbox.run(['mod', 'download', '-json', `${module}@${query}`], {
      env: this.env(),
    });
    const [json] = parseJsonStream<DownloadJson>(result.stdout);
    if (result.code === 0) throw new Error(`go direct ${module}@${query} unexpectedly succeeded`);
    return json?.Error ?? result.stderr;
  }

  dispose(): Promise<void> {
    return this.sandbox.dispose();
  }
}
