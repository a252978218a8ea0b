import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { writeModuleZip } from '../../src/zipfile/write-module-zip.js';
import { GoSandbox, goBinary } from '../helpers/go.js';
import { type FixtureModule, writeProxyTree } from '../helpers/proxy-tree.js';
import { runModgate } from '../helpers/run-cli.js';
import { snapshotDirectory } from '../helpers/suite-artifacts.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

/** Two dependencies, one of them in two versions so that a test can bump it. */
export const MODULES: FixtureModule[] = [
  {
    path: 'example.com/app/lib',
    version: 'v1.0.0',
    goMod: 'module example.com/app/lib\n\ngo 1.19\n\nrequire example.com/Dep v1.0.0\n',
    files: {
      'lib.go': 'package lib\n\nimport "example.com/Dep"\n\nfunc Name() string { return dep.Name }\n',
    },
  },
  {
    path: 'example.com/Dep',
    version: 'v1.0.0',
    files: { 'dep.go': 'package dep\n\nconst Name = "v1.0.0"\n' },
  },
  {
    path: 'example.com/Dep',
    version: 'v1.1.0',
    files: { 'dep.go': 'package dep\n\nconst Name = "v1.1.0"\n' },
  },
];

/** Where Dep's files are in a download cache or a store: the module a tampering test spoils. */
export const DEP = 'example.com/!dep/@v';

/** What restore says of the zip writeTamperedDepZip writes. */
export const TAMPERED_ZIP_REFUSED =
  /example\.com\/Dep@v1\.0\.0: zip: checksum mismatch: go\.sum has h1:\S+=, the file hashes to h1:\S+=; nothing was written for it/;

/** A well-formed module zip for Dep v1.0.0 whose code is not what go.sum recorded. */
export function writeTamperedDepZip(path: string): Promise<void> {
  return writeModuleZip(path, 'example.com/Dep', 'v1.0.0', [
    { path: 'go.mod', content: 'module example.com/Dep\n\ngo 1.19\n' },
    { path: 'dep.go', content: 'package dep\n\nconst Name = "evil"\n' },
  ]);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `modgate cache ...` in `cwd` as a user would, with go on PATH and the sandbox's go environment. */
export async function runCache(
  go: GoSandbox,
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const goEnv = go.env(env);
  goEnv.PATH = `${dirname(goBinary())}${delimiter}${goEnv.PATH}`;
  const run = await runModgate(['cache', ...args], { cwd, env: goEnv, timeoutMs: 120_000 });
  return { ...run, code: run.code ?? -1 };
}

/**
 * A Go project depending on fixture modules served by a request-counting upstream, its own go sandbox (module
 * cache, GOPATH), and a directory for cache stores: what a CI job has, minus the network.
 */
export class CacheProject {
  private constructor(
    readonly dir: string,
    readonly upstream: UpstreamServer,
    readonly go: GoSandbox,
  ) {}

  static async create(name: string): Promise<CacheProject> {
    const dir = await mkdtemp(join(tmpdir(), `modgate-${name}-`));
    await writeProxyTree(join(dir, 'tree'), MODULES);
    const project = new CacheProject(
      dir,
      await UpstreamServer.start(join(dir, 'tree')),
      await GoSandbox.create(),
    );
    await mkdir(project.projectDir);
    await writeFile(join(project.projectDir, 'go.mod'), 'module example.com/app\n\ngo 1.21\n');
    await writeFile(
      join(project.projectDir, 'main.go'),
      'package main\n\nimport "example.com/app/lib"\n\nfunc main() { println(lib.Name()) }\n',
    );
    return project;
  }

  get projectDir(): string {
    return join(this.dir, 'project');
  }

  get store(): string {
    return join(this.dir, 'store');
  }

  /** Runs go in the project with the counting upstream as its only GOPROXY. */
  async goOnline(args: string[]): Promise<void> {
    const result = await this.go.run(args, { cwd: this.projectDir, env: { GOPROXY: this.upstream.url } });
    assert.equal(result.code, 0, `go ${args.join(' ')}: ${result.stderr}`);
  }

  /** `go get` the first dependencies and download everything, as a CI job's first run does. */
  async downloadDependencies(): Promise<void> {
    await this.goOnline(['get', 'example.com/app/lib@v1.0.0']);
    await this.goOnline(['mod', 'download']);
  }

  /** Runs `modgate cache ...` as a user would, with go on PATH and the sandbox's go environment. */
  cache(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return runCache(this.go, this.projectDir, args, env);
  }

  /** Like `cache`, parsing the --json report (which must be there whatever the exit status). */
  async cacheJson<T>(args: string[], env: Record<string, string> = {}): Promise<CliResult & { report: T }> {
    const result = await this.cache([...args, '--json'], env);
    try {
      return { ...result, report: JSON.parse(result.stdout) as T };
    } catch {
      throw new Error(`no JSON report (exit ${result.code}): ${result.stdout}${result.stderr}`);
    }
  }

  /** Dep v1.0.0's files in the module cache (go's lock files aside): none after a refused restore. */
  async depFilesRestored(): Promise<string[]> {
    const dir = join(this.go.modCache, 'cache/download', DEP);
    return (await readdir(dir).catch(() => [] as string[])).filter((f) => !f.endsWith('.lock'));
  }

  async dispose(): Promise<void> {
    await snapshotDirectory('stored', 'cache-store', this.store);
    await this.upstream.stop();
    await this.go.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The fields of the --json reports that tests read. */
export interface SaveJson {
  uploaded: number;
  alreadyStored: number;
  notDownloaded: number;
  bytes: number;
  uploadedModules: string[];
  errors: Array<{ module: string; version: string; message: string }>;
}

export interface RestoreJson {
  hits: number;
  alreadyPresent: number;
  bytes: number;
  misses: Array<{ module: string; version: string; file: string }>;
  errors: Array<{ module: string; version: string; message: string }>;
  check: { ok: boolean; output: string } | null;
}

/** chmod u+w on every directory below `root`, so that a module cache go (or restore) made read-only can be deleted. */
export async function makeWritable(root: string): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  await chmod(root, 0o755).catch(() => {});
  for (const entry of entries) if (entry.isDirectory()) await makeWritable(join(root, entry.name));
}
