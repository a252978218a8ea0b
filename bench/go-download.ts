import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseJsonStream } from '../test/helpers/go.js';
import type { ModuleVersion } from './corpus.js';
import { requireBinary, runCommand } from './tools.js';

/**
 * Times what users actually wait for: a `go mod download` of the whole corpus into an empty module cache.
 *
 * The client's GOMODCACHE lives on tmpfs so that the go command's own disk writes (extracting every zip) do
 * not dominate or add noise; what remains is protocol round trips and the server. Every run gets an empty,
 * isolated go environment (HOME, GOPATH, GOCACHE, no go.env, no sumdb, no toolchain switch) so nothing
 * outside the benchmark can hit the cache or the network.
 */
export const GO = '/usr/lib/go-1.23/bin/go';

export function requireGo(): Promise<string> {
  return requireBinary(GO, 'go', 'apt-get install golang-1.23-go (see scripts/install-test-deps.sh)');
}

export interface Scratch {
  dir: string;
  /** "tmpfs" when a fresh tmpfs was mounted, else the fallback used. */
  kind: string;
  cleanup(): Promise<void>;
}

const execFileP = promisify(execFile);

/** A tmpfs for the clients' module caches: a fresh mount if allowed (root), else a directory in /dev/shm. */
export async function createScratch(): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-bench-gomodcache-'));
  try {
    await execFileP('mount', ['-t', 'tmpfs', '-o', 'size=4g', 'tmpfs', dir]);
    return {
      dir,
      kind: 'tmpfs',
      async cleanup() {
        await execFileP('umount', [dir]).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch {
    await rm(dir, { recursive: true, force: true });
    const shm = await mkdtemp('/dev/shm/modgate-bench-gomodcache-');
    return { dir: shm, kind: '/dev/shm', cleanup: () => rm(shm, { recursive: true, force: true }) };
  }
}

/**
 * A go environment that sees nothing of the machine's: HOME, GOPATH and GOCACHE below `root`, the given module
 * cache and GOPROXY, no go.env, no checksum database (the corpus is generated) and no toolchain switch.
 */
export function isolatedGoEnv(root: string, modCache: string, goproxy: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(root, 'home'),
    GOPATH: join(root, 'gopath'),
    GOMODCACHE: modCache,
    GOCACHE: join(root, 'gocache'),
    GOENV: 'off',
    GOTOOLCHAIN: 'local',
    // Writable, so that the benchmark can delete the caches it fills.
    GOFLAGS: '-modcacherw',
    GOSUMDB: 'off',
    GONOSUMDB: '',
    GOPRIVATE: '',
    GONOPROXY: '',
    GOINSECURE: '',
    GOPROXY: goproxy,
  };
}

export interface GoDownloadResult {
  seconds: number;
  modules: number;
}

/** Runs one `go mod download -json M@V ...` through `goproxy` into a fresh cache; fails unless all succeed. */
export async function goModDownload(
  go: string,
  goproxy: string,
  versions: readonly ModuleVersion[],
  scratch: Scratch,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<GoDownloadResult> {
  const { code, stdout, stderr, seconds } = await runDownload(go, goproxy, versions, scratch, extraEnv);
  const downloaded = stdout.match(/"Zip": "/g)?.length ?? 0;
  if (code !== 0 || /"Error":/.test(stdout) || downloaded !== versions.length) {
    const firstError = stdout.match(/"Error": "(.*)"/)?.[1];
    throw new Error(
      `go mod download via ${goproxy} failed (exit ${code}, ${downloaded}/${versions.length} zips)` +
        `${firstError ? `: ${firstError}` : ''}\n${stderr.slice(0, 2000)}`,
    );
  }
  return { seconds, modules: downloaded };
}

/**
 * The versions the go command refuses to download through `goproxy` (one untimed run into a fresh cache),
 * each with go's error: a corpus of real code has modules that go itself refuses.
 */
export async function refusedVersions(
  go: string,
  goproxy: string,
  versions: readonly ModuleVersion[],
  scratch: Scratch,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ version: ModuleVersion; error: string }[]> {
  const { stdout } = await runDownload(go, goproxy, versions, scratch, extraEnv);
  type Answer = { Path: string; Version: string; Zip?: string; Error?: string };
  const results = new Map(parseJsonStream<Answer>(stdout).map((a) => [`${a.Path}@${a.Version}`, a]));
  const refused: { version: ModuleVersion; error: string }[] = [];
  for (const version of versions) {
    const result = results.get(`${version.path}@${version.version}`);
    if (!result?.Zip || result.Error) refused.push({ version, error: result?.Error ?? 'no answer from go' });
  }
  return refused;
}

/** `go mod download -json` in an isolated environment with an empty module cache, timed. */
async function runDownload(
  go: string,
  goproxy: string,
  versions: readonly ModuleVersion[],
  scratch: Scratch,
  extraEnv: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  const root = await mkdtemp(join(scratch.dir, 'run-'));
  try {
    const work = join(root, 'work');
    await mkdir(work);
    const env = { ...isolatedGoEnv(root, join(root, 'modcache'), goproxy), ...extraEnv };
    const args = ['mod', 'download', '-json', ...versions.map((v) => `${v.path}@${v.version}`)];
    const started = process.hrtime.bigint();
    const result = await runCommand(go, args, { cwd: work, env });
    return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
