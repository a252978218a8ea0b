import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { formatBytes } from '../src/cachectl/format-bytes.js';
import { S3Store } from '../src/storage/s3-store.js';
import { Radosgw } from '../test/helpers/radosgw.js';
import type { Corpus, ModuleVersion } from './corpus.js';
import { isolatedGoEnv, type Scratch } from './go-download.js';
import { MAIN } from './modgate-server.js';
import { startNginx } from './nginx.js';
import { formatSummary, type Summary, summarize } from './stats.js';
import { requireBinary, runCommand } from './tools.js';

/**
 * Time to a ready module cache on a fresh CI runner, three ways, with the client's GOMODCACHE on tmpfs:
 *  - modgate: `modgate cache restore` from an S3 bucket (Ceph radosgw), then `go mod download` offline;
 *  - tarball: what actions/cache does: one zstd tar of the whole GOMODCACHE in the same bucket, fetched and
 *    extracted, then the same offline `go mod download` to prove it complete;
 *  - cold: `go mod download` from an upstream GOPROXY (nginx serving the corpus, the fastest HTTP proxy).
 * Plus the bytes each moves, and what each uploads again after one dependency bump.
 */

type Approach = 'modgate' | 'tarball' | 'cold';
const APPROACHES: readonly Approach[] = ['modgate', 'tarball', 'cold'];

/** actions/cache's archive on Linux: a POSIX tar through zstd with a long window (its tar.ts). */
const ZSTD_CREATE = 'zstd -T0 --long=30';
const ZSTD_EXTRACT = 'zstd -d --long=30';
const TARBALL_KEY = 'actions-cache/go-mod.tzst';
const CACHE_PREFIX = 'modgate-cache';

export interface CacheRestoreResult {
  moduleVersions: number;
  scratch: string;
  tree: { files: number; bytes: number };
  seconds: Record<Approach, Summary>;
  /** Bytes fetched to get a ready cache (the same every repetition). */
  restoreBytes: Record<Approach, number>;
  /** Bytes uploaded by the first save: every module file, or the whole archive. */
  saveBytes: { modgate: number; tarball: number };
  /** After one dependency bump: what each uploads again. */
  bump: { modgateBytes: number; modgateModules: string[]; tarballBytes: number; bumped: string };
}

export async function measureCacheRestore(
  corpus: Corpus,
  go: string,
  scratch: Scratch,
  options: { reps: number },
  log: (line: string) => void,
  cleanups: (() => Promise<unknown>)[],
): Promise<CacheRestoreResult> {
  await requireBinary('/usr/bin/zstd', 'zstd', 'apt-get install zstd');
  const gw = await Radosgw.start();
  cleanups.push(() => gw.stop());
  const nginx = await startNginx(corpus.tree);
  cleanups.push(() => nginx.stop());
  const bucket = await gw.createBucket();
  const store = await S3Store.open({
    bucket,
    prefix: '',
    endpoint: gw.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    checksumMode: 'when_required',
    credentials: { accessKeyId: gw.accessKeyId, secretAccessKey: gw.secretAccessKey },
    stagingDir: join(scratch.dir, 'staging'),
    cleanStaging: true,
  });
  cleanups.push(async () => store.close());

  // The first job: go resolves the project and writes go.sum; then each way saves what go downloaded.
  const seedRoot = await mkdtemp(join(scratch.dir, 'seed-'));
  const seedCache = join(seedRoot, 'modcache');
  const project = join(seedRoot, 'project');
  const versions = corpus.versions.filter((v) => v.version === 'v1.0.0');
  await writeProject(project, versions);
  const fileProxy = pathToFileURL(corpus.tree).href;
  const seedGo = (args: string[]) =>
    mustRun(go, args, project, isolatedGoEnv(seedRoot, seedCache, fileProxy));
  await seedGo(['mod', 'tidy']);
  await seedGo(['mod', 'download']);
  const tree = await treeSize(seedCache);
  log(
    `cache restore: ${versions.length} modules, extracted module cache ${formatBytes(tree.bytes)} in ${tree.files} files`,
  );

  const s3Flags = ['--s3-endpoint', gw.endpoint, '--s3-force-path-style', '--project', project, '--json'];
  const modgate = async (command: 'save' | 'restore', modCache: string) => {
    const where = command === 'save' ? '--to' : '--from';
    const args = [MAIN, 'cache', command, where, `s3://${bucket}/${CACHE_PREFIX}`, '--gomodcache', modCache];
    const env = { PATH: process.env.PATH, ...gw.credentialsEnv, AWS_EC2_METADATA_DISABLED: 'true' };
    const { stdout } = await mustRun(process.execPath, [...args, ...s3Flags], project, env);
    return JSON.parse(stdout) as { bytes: number; uploadedModules?: string[] };
  };
  const uploadTarball = async (modCache: string) => {
    const archive = join(store.stagingDir, 'go-mod.tzst');
    await tar(['--posix', '--use-compress-program', ZSTD_CREATE, '-cf', archive, '-C', modCache, '.']);
    const { size } = await stat(archive);
    await store.put(TARBALL_KEY, { file: archive }, { ifAbsent: false });
    return size;
  };
  const saveBytes = {
    modgate: (await modgate('save', seedCache)).bytes,
    tarball: await uploadTarball(seedCache),
  };
  log(
    `cache restore: first save uploads ${formatBytes(saveBytes.modgate)} (modgate), ${formatBytes(saveBytes.tarball)} (tarball)`,
  );

  /** Gets a fresh runner's module cache ready one way; returns the bytes fetched. */
  const ready = async (approach: Approach, root: string, modCache: string): Promise<number> => {
    let bytes: number;
    if (approach === 'modgate') bytes = (await modgate('restore', modCache)).bytes;
    else if (approach === 'tarball') {
      const archive = join(root, 'go-mod.tzst');
      const got = await store.read(TARBALL_KEY);
      if (!got) throw new Error(`${TARBALL_KEY} is missing from the bucket`);
      await pipeline(got.body, createWriteStream(archive));
      bytes = (await stat(archive)).size;
      await mkdir(modCache);
      await tar(['--use-compress-program', ZSTD_EXTRACT, '-xf', archive, '-C', modCache]);
    } else {
      await mustRun(go, ['mod', 'download'], project, isolatedGoEnv(root, modCache, nginx.url));
      return downloadedBytes(join(modCache, 'cache', 'download'));
    }
    // Ready means go needs nothing more: both restored caches end with the same offline download.
    await mustRun(go, ['mod', 'download'], project, isolatedGoEnv(root, modCache, 'off'));
    return bytes;
  };

  const seconds: Record<Approach, number[]> = { modgate: [], tarball: [], cold: [] };
  const restoreBytes: Record<Approach, number> = { modgate: 0, tarball: 0, cold: 0 };
  for (let rep = 0; rep < options.reps; rep++) {
    // Rotated, so that a drift of the shared machine does not always favour the same way.
    for (const approach of [...APPROACHES.slice(rep % 3), ...APPROACHES.slice(0, rep % 3)]) {
      const root = await mkdtemp(join(scratch.dir, `${approach}-`));
      try {
        const started = process.hrtime.bigint();
        restoreBytes[approach] = await ready(approach, root, join(root, 'modcache'));
        seconds[approach].push(Number(process.hrtime.bigint() - started) / 1e9);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    }
    log(
      `cache restore rep ${rep + 1}/${options.reps}: ` +
        APPROACHES.map(
          (a) => `${a} ${seconds[a].at(-1)!.toFixed(2)} s (${formatBytes(restoreBytes[a])})`,
        ).join(', '),
    );
  }

  // One dependency bump, as Dependabot makes: go.sum changes, so actions/cache's key misses and it saves anew.
  const bumped = versions[0]!.path;
  await seedGo(['get', `${bumped}@v1.1.0`]);
  await seedGo(['mod', 'download']);
  const incremental = await modgate('save', seedCache);
  const bump = {
    bumped: `${bumped}@v1.1.0`,
    modgateBytes: incremental.bytes,
    modgateModules: incremental.uploadedModules ?? [],
    tarballBytes: await uploadTarball(seedCache),
  };
  log(
    `cache restore: after bumping ${bump.bumped}, modgate uploads ${formatBytes(bump.modgateBytes)} ` +
      `(${bump.modgateModules.join(', ')}), the tarball ${formatBytes(bump.tarballBytes)}`,
  );
  await rm(seedRoot, { recursive: true, force: true });
  return {
    moduleVersions: versions.length,
    scratch: scratch.kind,
    tree,
    seconds: {
      modgate: summarize(seconds.modgate),
      tarball: summarize(seconds.tarball),
      cold: summarize(seconds.cold),
    },
    restoreBytes,
    saveBytes,
    bump,
  };
}

/**
 * A project importing a package of every module, at the versions its go.mod requires, so that `go mod tidy`
 * writes a go.sum with the zip and go.mod hash of each, as a real project's go.sum has them.
 */
async function writeProject(dir: string, versions: readonly ModuleVersion[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const requires = versions.map((v) => `\t${v.path} ${v.version}\n`).join('');
  await writeFile(
    join(dir, 'go.mod'),
    `module bench.example/project\n\ngo 1.21\n\nrequire (\n${requires})\n`,
  );
  const imports = versions.map((v) => `\t_ "${v.path}"\n`).join('');
  await writeFile(join(dir, 'deps.go'), `package project\n\nimport (\n${imports})\n`);
}

function tar(args: string[]) {
  return mustRun('tar', args, '/', { PATH: process.env.PATH });
}

async function mustRun(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = await runCommand(command, args, { cwd, env });
  if (result.code !== 0)
    throw new Error(
      `${command} ${args.slice(0, 4).join(' ')} … failed (${result.code}): ${result.stderr.slice(0, 2000)}`,
    );
  return result;
}

/** Files and bytes below a directory, as `du` would count the extracted module cache. */
async function treeSize(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

/** What go fetched from a proxy: the .info, .mod and .zip files of its download cache. */
async function downloadedBytes(downloadCache: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(downloadCache, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.(info|mod|zip)$/.test(entry.name))
      bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return bytes;
}

/** The table rows of this figure: seconds against each baseline, then bytes moved against the tarball. */
export function cacheRows(c: CacheRestoreResult): string[][] {
  const ratio = (a: Summary, b: Summary) => formatSummary(summarize(a.runs.map((x, i) => x / b.runs[i]!)), 2);
  const bytes = (a: number, b: number) => [formatBytes(a), formatBytes(b), (a / b).toFixed(2)];
  return [
    [
      'ready module cache s (baseline tarball)',
      formatSummary(c.seconds.modgate, 2),
      formatSummary(c.seconds.tarball, 2),
      ratio(c.seconds.modgate, c.seconds.tarball),
    ],
    [
      'ready module cache s (baseline cold download)',
      formatSummary(c.seconds.modgate, 2),
      formatSummary(c.seconds.cold, 2),
      ratio(c.seconds.modgate, c.seconds.cold),
    ],
    ['bytes fetched to restore (baseline tarball)', ...bytes(c.restoreBytes.modgate, c.restoreBytes.tarball)],
    ['bytes fetched by a cold download', formatBytes(c.restoreBytes.cold), '', ''],
    [
      'bytes uploaded by the first save (baseline tarball)',
      ...bytes(c.saveBytes.modgate, c.saveBytes.tarball),
    ],
    [
      `bytes uploaded after bumping one module (baseline tarball)`,
      ...bytes(c.bump.modgateBytes, c.bump.tarballBytes),
    ],
  ];
}
