import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatBytes } from '../src/cachectl/format-bytes.js';
import { type CacheRestoreResult, cacheRows, measureCacheRestore } from './cache-restore.js';
import { allArtifactPaths, type Corpus, ensureCorpus, loadMixPaths } from './corpus.js';
import { measureGitSource, printGitTable } from './git.js';
import { createScratch, goModDownload, requireGo, type Scratch } from './go-download.js';
import { type LoadGenerator, type LoadResult, resolveLoadGenerator, runLoad } from './load.js';
import { type ModgateServer, startModgate, treeUpstream } from './modgate-server.js';
import { NGINX, startNginx } from './nginx.js';
import { measurePeakRss, type RssResult } from './rss.js';
import { formatSummary, type Summary, summarize } from './stats.js';
import { MissingToolError, requireBinary } from './tools.js';

/**
 * `npm run bench [-- --quick]`: measures modgate against nginx (the static-file ceiling) and GOPROXY=file://
 * (no server at all) on a generated corpus, prints a table of medians and ranges, and writes
 * bench/results/latest.json. `npm run bench -- --git` instead measures the git source against
 * GOPROXY=direct (bench/git.ts) and writes bench/results/git-latest.json. See bench/README.md for what each
 * figure means.
 */

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'load-generator': { type: 'string', default: 'wrk' },
    modules: { type: 'string' },
    versions: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    reps: { type: 'string' },
    'big-mib': { type: 'string' },
    connections: { type: 'string' },
    threads: { type: 'string' },
    clients: { type: 'string' },
    seed: { type: 'string' },
    'modgate-workers': { type: 'string' },
    'cache-modules': { type: 'string' },
    only: { type: 'string' },
    git: { type: 'boolean', default: false },
    'git-releases': { type: 'string' },
  },
  strict: true,
});

const quick = flags.quick ?? false;
const num = (value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${value}`);
  return n;
};
const options = {
  quick,
  modules: num(flags.modules, quick ? 40 : 100),
  versionsPerModule: num(flags.versions, quick ? 1 : 2),
  durationSeconds: num(flags.duration, quick ? 3 : 20),
  warmupSeconds: num(flags.warmup, quick ? 1 : 5),
  reps: num(flags.reps, quick ? 1 : 3),
  bigMiB: num(flags['big-mib'], quick ? 50 : 300),
  connections: num(flags.connections, 64),
  threads: num(flags.threads, 2),
  rssClients: num(flags.clients, 20),
  seed: num(flags.seed, 20240102),
  // Two, like nginx's two workers, for the throughput figure. One go client and the memory figure use the
  // default single process: each worker warms its own memory, and one client gains nothing from two.
  modgateWorkers: num(flags['modgate-workers'], 2),
  // The cache figure's project: this many modules, each required once (the corpus has a v1.1.0 of each to bump to).
  cacheModules: num(flags['cache-modules'], quick ? 40 : 200),
  gitReleases: num(flags['git-releases'], quick ? 1 : 3),
};
const FIGURES = ['throughput', 'go', 'rss', 'cache'] as const;
type Figure = (typeof FIGURES)[number];
const only = new Set((flags.only ?? FIGURES.join(',')).split(','));
for (const figure of only) {
  if (!(FIGURES as readonly string[]).includes(figure))
    throw new Error(
      `--only takes a comma-separated list of ${FIGURES.join(', ')}; not ${JSON.stringify(figure)}`,
    );
}
const selected = (figure: Figure) => only.has(figure);
if (flags['load-generator'] !== 'wrk' && flags['load-generator'] !== 'autocannon') {
  throw new Error('--load-generator must be wrk or autocannon');
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

/** Undo actions (stop servers, unmount, remove temp dirs), run in reverse order on success, error or ^C. */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch((err: unknown) => log(`cleanup: ${String(err)}`));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

interface ServerLoad {
  requestsPerSecond: Summary;
  megabytesPerSecond: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  runs: LoadResult[];
}

/** `--git`: the git source against go's own GOPROXY=direct on real libraries. */
async function mainGit(): Promise<void> {
  const go = await requireGo();
  await requireBinary('/usr/bin/git', 'git', 'apt-get install git');
  log(`options: ${JSON.stringify({ reps: options.reps, gitReleases: options.gitReleases })}; go: ${go}`);
  const work = await mkdtemp(join(tmpdir(), 'modgate-bench-git-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  const git = await measureGitSource({
    go,
    work,
    reps: options.reps,
    releases: options.gitReleases,
    log,
    defer: (undo) => cleanups.push(undo),
  });
  printGitTable(git, options.reps);
  await writeResults('git-latest.json', { date: new Date().toISOString(), machine: machine(), git });
}

function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    kernel: release(),
    node: process.version,
    loadavgAtEnd: loadavg(),
  };
}

async function main(): Promise<void> {
  // Preflight: every tool is checked before minutes are spent on the corpus.
  await requireBinary(NGINX, 'nginx', 'apt-get install nginx-light');
  const go = await requireGo();
  const generator = await resolveLoadGenerator(flags['load-generator'] as LoadGenerator);
  log(`options: ${JSON.stringify(options)}; load generator: ${generator}; go: ${go}`);

  const corpus = selected('throughput') || selected('go') || selected('rss') ? await mainCorpus() : undefined;
  const work = await mkdtemp(join(tmpdir(), 'modgate-bench-run-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  const throughput =
    corpus && selected('throughput') ? await measureThroughput(corpus, work, generator) : undefined;
  const goDownload = corpus && selected('go') ? await measureGoDownload(corpus, work, go) : undefined;
  const rss = corpus && selected('rss') ? await measureRss(corpus, work) : undefined;
  const cacheRestore = selected('cache') ? await measureCache(go) : undefined;

  const results = {
    date: new Date().toISOString(),
    machine: machine(),
    options: { ...options, loadGenerator: generator },
    corpus: corpus && {
      moduleVersions: corpus.versions.length,
      averageZipKB: corpus.zipBytesAverage / 1000,
      bigZipMiB: corpus.big.zipBytes / 2 ** 20,
      bigUncompressedMiB: corpus.big.uncompressedBytes / 2 ** 20,
    },
    throughput,
    goDownload,
    rss,
    cacheRestore,
  };
  printTable(results);
  await writeResults('latest.json', results);
}

async function writeResults(name: string, results: unknown): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, name);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${file}`);
}

/** The corpus of the serving figures: regular module versions plus the big zip. */
async function mainCorpus(): Promise<Corpus> {
  const corpus = await ensureCorpus(
    {
      modules: options.modules,
      versionsPerModule: options.versionsPerModule,
      bigMiB: options.bigMiB,
      seed: options.seed,
    },
    log,
  );
  log(
    `corpus: ${corpus.versions.length} module versions, average zip ${(corpus.zipBytesAverage / 1000).toFixed(1)} KB, ` +
      `big zip ${(corpus.big.zipBytes / 2 ** 20).toFixed(1)} MiB (${(corpus.big.uncompressedBytes / 2 ** 20).toFixed(1)} MiB uncompressed)`,
  );
  return corpus;
}

/**
 * 4. A ready module cache on a fresh runner: modgate cache restore from S3, an actions/cache-style tarball in the
 * same bucket, and a cold go mod download. Its own corpus: two versions of each module (the second for the
 * bump), and a token big module, which this figure does not use.
 */
async function measureCache(go: string) {
  const corpus = await ensureCorpus(
    { modules: options.cacheModules, versionsPerModule: 2, bigMiB: 1, seed: options.seed },
    log,
  );
  const scratch = await createScratch();
  cleanups.push(() => scratch.cleanup());
  log(`cache restore: client module caches on ${scratch.kind} (${scratch.dir})`);
  return measureCacheRestore(corpus, go, scratch, { reps: options.reps }, log, cleanups);
}

/** 1. Mixed .info/.mod/.zip load at 64 connections, modgate (warm) and nginx on the same tree, alternating. */
async function measureThroughput(corpus: Corpus, work: string, generator: LoadGenerator) {
  log('throughput: starting modgate and nginx, warming both');
  const modgate = await startModgate(
    join(work, 'data-throughput'),
    treeUpstream(corpus.tree),
    options.modgateWorkers,
  );
  cleanups.push(() => modgate.stop());
  const nginx = await startNginx(corpus.tree);
  cleanups.push(() => nginx.stop());
  const artifacts = allArtifactPaths(corpus);
  await warm(modgate.url, artifacts);
  await warm(nginx.url, artifacts);

  const paths = loadMixPaths(corpus, options.seed);
  const load = (url: string, durationSeconds: number) =>
    runLoad(generator, {
      url,
      paths,
      connections: options.connections,
      durationSeconds,
      threads: options.threads,
    });
  // A short discarded run first: JIT, socket buffers and the page cache settle before anything counts.
  await load(modgate.url, options.warmupSeconds);
  await load(nginx.url, options.warmupSeconds);

  const runs = { modgate: [] as LoadResult[], nginx: [] as LoadResult[] };
  for (let rep = 0; rep < options.reps; rep++) {
    // Alternate the order so a slow drift of the machine does not always favour the same server.
    const order = rep % 2 === 0 ? (['modgate', 'nginx'] as const) : (['nginx', 'modgate'] as const);
    for (const name of order) {
      const result = await load(name === 'modgate' ? modgate.url : nginx.url, options.durationSeconds);
      if (result.errors > 0) {
        throw new Error(
          `${name}: ${result.errors} errors (socket errors, timeouts or non-2xx) during the load run`,
        );
      }
      log(
        `throughput rep ${rep + 1}/${options.reps} ${name}: ${result.requestsPerSecond.toFixed(0)} req/s, ` +
          `${result.megabytesPerSecond.toFixed(1)} MB/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`,
      );
      runs[name].push(result);
    }
  }
  await nginx.stop();
  await modgate.stop();

  const ratio = (pick: (r: LoadResult) => number) =>
    summarize(runs.modgate.map((m, i) => pick(m) / pick(runs.nginx[i]!)));
  return {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    modgate: serverLoad(runs.modgate),
    nginx: serverLoad(runs.nginx),
    ratio: {
      requestsPerSecond: ratio((r) => r.requestsPerSecond),
      megabytesPerSecond: ratio((r) => r.megabytesPerSecond),
      p50Ms: ratio((r) => r.p50Ms),
      p99Ms: ratio((r) => r.p99Ms),
    },
  };
}

function serverLoad(runs: LoadResult[]): ServerLoad {
  return {
    requestsPerSecond: summarize(runs.map((r) => r.requestsPerSecond)),
    megabytesPerSecond: summarize(runs.map((r) => r.megabytesPerSecond)),
    p50Ms: summarize(runs.map((r) => r.p50Ms)),
    p99Ms: summarize(runs.map((r) => r.p99Ms)),
    runs,
  };
}

/**
 * 2. Fresh-cache `go mod download` of the corpus: GOPROXY=file:// (no server), modgate warm (everything in its
 * data dir) and modgate cold (a fresh data dir, so every artifact is fetched from its file:// upstream first).
 */
async function measureGoDownload(corpus: Corpus, work: string, go: string) {
  const scratch: Scratch = await createScratch();
  cleanups.push(() => scratch.cleanup());
  log(`go mod download: client module caches on ${scratch.kind} (${scratch.dir})`);
  const fileProxy = pathToFileURL(corpus.tree).href;

  const warmDir = join(work, 'data-go-warm');
  const modgate = await startModgate(warmDir, treeUpstream(corpus.tree), 1);
  cleanups.push(() => modgate.stop());
  await warm(modgate.url, allArtifactPaths(corpus));

  // nginx over the same tree shows what any HTTP GOPROXY costs the go client compared with file://.
  const nginx = await startNginx(corpus.tree);
  cleanups.push(() => nginx.stop());

  const seconds = {
    fileProxy: [] as number[],
    nginx: [] as number[],
    modgateWarm: [] as number[],
    modgateCold: [] as number[],
  };
  for (let rep = 0; rep < options.reps; rep++) {
    const file = await goModDownload(go, fileProxy, corpus.versions, scratch);
    seconds.fileProxy.push(file.seconds);
    seconds.nginx.push((await goModDownload(go, nginx.url, corpus.versions, scratch)).seconds);
    const warmRun = await goModDownload(go, modgate.url, corpus.versions, scratch);
    seconds.modgateWarm.push(warmRun.seconds);

    const coldDir = join(work, `data-go-cold-${rep}`);
    const cold = await startModgate(coldDir, treeUpstream(corpus.tree), 1);
    try {
      seconds.modgateCold.push((await goModDownload(go, cold.url, corpus.versions, scratch)).seconds);
    } finally {
      await cold.stop();
      await rm(coldDir, { recursive: true, force: true });
    }
    log(
      `go mod download rep ${rep + 1}/${options.reps} (${file.modules} modules): file:// ${file.seconds.toFixed(2)} s, ` +
        `nginx ${seconds.nginx.at(-1)!.toFixed(2)} s, modgate warm ${warmRun.seconds.toFixed(2)} s, ` +
        `modgate cold ${seconds.modgateCold.at(-1)!.toFixed(2)} s`,
    );
  }
  await modgate.stop();
  await nginx.stop();
  await scratch.cleanup();
  const ratio = (xs: number[]) => summarize(xs.map((x, i) => x / seconds.fileProxy[i]!));
  return {
    moduleVersions: corpus.versions.length,
    scratch: scratch.kind,
    fileProxySeconds: summarize(seconds.fileProxy),
    nginxSeconds: summarize(seconds.nginx),
    modgateWarmSeconds: summarize(seconds.modgateWarm),
    modgateColdSeconds: summarize(seconds.modgateCold),
    ratioWarm: ratio(seconds.modgateWarm),
    ratioNginx: ratio(seconds.nginx),
    ratioCold: ratio(seconds.modgateCold),
  };
}

/**
 * 3. Peak RSS of modgate while N clients fetch the big zip at once: cold (a fresh data dir: the zip is fetched
 * from upstream and verified while the clients wait), then warm (a restarted modgate on that data dir).
 * modgate is restarted for each reading so that VmHWM covers only start-up and this test.
 */
async function measureRss(corpus: Corpus, work: string) {
  const path = `/${corpus.big.path}/@v/${corpus.big.version}.zip`;
  const readings = { cold: [] as RssResult[], warm: [] as RssResult[] };
  for (let rep = 0; rep < options.reps; rep++) {
    const dataDir = join(work, `data-rss-${rep}`);
    for (const phase of ['cold', 'warm'] as const) {
      const server: ModgateServer = await startModgate(dataDir, treeUpstream(corpus.tree), 1);
      try {
        await new Promise((r) => setTimeout(r, 500)); // let start-up allocation settle before the baseline
        const reading = await measurePeakRss(
          server.pid,
          `${server.url}${path}`,
          options.rssClients,
          corpus.big.zipBytes,
        );
        readings[phase].push(reading);
        log(
          `rss rep ${rep + 1}/${options.reps} ${phase}: ${options.rssClients} × ${(corpus.big.zipBytes / 2 ** 20).toFixed(0)} MiB ` +
            `in ${reading.seconds.toFixed(1)} s, baseline ${reading.baselineMiB.toFixed(0)} MiB, ` +
            `polled peak ${reading.polledPeakMiB.toFixed(0)} MiB, VmHWM ${reading.hwmMiB.toFixed(0)} MiB`,
        );
      } finally {
        await server.stop();
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }
  const phase = (rs: RssResult[]) => ({
    hwmMiB: summarize(rs.map((r) => r.hwmMiB)),
    polledPeakMiB: summarize(rs.map((r) => r.polledPeakMiB)),
    baselineMiB: summarize(rs.map((r) => r.baselineMiB)),
    seconds: summarize(rs.map((r) => r.seconds)),
  });
  return {
    clients: options.rssClients,
    zipMiB: corpus.big.zipBytes / 2 ** 20,
    cold: phase(readings.cold),
    warm: phase(readings.warm),
  };
}

/** Requests every path once (8 at a time) so later runs are served from modgate's data dir / the page cache. */
async function warm(baseUrl: string, paths: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      const res = await fetch(`${baseUrl}${path}`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`warming ${baseUrl}${path}: HTTP ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function printTable(results: {
  corpus: { moduleVersions: number; averageZipKB: number; bigZipMiB: number } | undefined;
  options: { loadGenerator: string; reps: number };
  throughput: Awaited<ReturnType<typeof measureThroughput>> | undefined;
  goDownload: Awaited<ReturnType<typeof measureGoDownload>> | undefined;
  rss: Awaited<ReturnType<typeof measureRss>> | undefined;
  cacheRestore: CacheRestoreResult | undefined;
}): void {
  const { throughput: t, goDownload: g, rss, cacheRestore: c } = results;
  const rows: string[][] = [['figure', 'modgate', 'baseline', 'modgate/baseline']];
  if (t) {
    rows.push(
      [
        `requests/s (baseline nginx)`,
        formatSummary(t.modgate.requestsPerSecond, 0),
        formatSummary(t.nginx.requestsPerSecond, 0),
        formatSummary(t.ratio.requestsPerSecond, 2),
      ],
      [
        'MB/s (baseline nginx)',
        formatSummary(t.modgate.megabytesPerSecond),
        formatSummary(t.nginx.megabytesPerSecond),
        formatSummary(t.ratio.megabytesPerSecond, 2),
      ],
      [
        'p50 latency ms (baseline nginx)',
        formatSummary(t.modgate.p50Ms, 2),
        formatSummary(t.nginx.p50Ms, 2),
        formatSummary(t.ratio.p50Ms, 2),
      ],
      [
        'p99 latency ms (baseline nginx)',
        formatSummary(t.modgate.p99Ms, 2),
        formatSummary(t.nginx.p99Ms, 2),
        formatSummary(t.ratio.p99Ms, 2),
      ],
    );
  }
  if (g) {
    rows.push(
      [
        'go mod download s, warm (baseline file://)',
        formatSummary(g.modgateWarmSeconds, 2),
        formatSummary(g.fileProxySeconds, 2),
        formatSummary(g.ratioWarm, 2),
      ],
      [
        'go mod download s, nginx (baseline file://)',
        formatSummary(g.nginxSeconds, 2),
        formatSummary(g.fileProxySeconds, 2),
        formatSummary(g.ratioNginx, 2),
      ],
      [
        'go mod download s, cold (baseline file://)',
        formatSummary(g.modgateColdSeconds, 2),
        formatSummary(g.fileProxySeconds, 2),
        formatSummary(g.ratioCold, 2),
      ],
    );
  }
  if (rss) {
    rows.push(
      [`peak RSS MiB, ${rss.clients} × big zip, warm (VmHWM)`, formatSummary(rss.warm.hwmMiB, 0), '', ''],
      [`peak RSS MiB, ${rss.clients} × big zip, cold (VmHWM)`, formatSummary(rss.cold.hwmMiB, 0), '', ''],
      ['idle RSS MiB before the big-zip clients', formatSummary(rss.warm.baselineMiB, 0), '', ''],
    );
  }
  if (c) rows.push(...cacheRows(c));
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const line = (r: string[]) => r.map((cell, col) => cell.padEnd(widths[col]!)).join(' | ');
  const about = [
    results.corpus &&
      `${results.corpus.moduleVersions} module versions (average zip ${results.corpus.averageZipKB.toFixed(1)} KB), ` +
        `big zip ${results.corpus.bigZipMiB.toFixed(1)} MiB`,
    t &&
      `load: ${t.connections} connections × ${t.durationSeconds} s, 1/3 .info, 1/3 .mod, 1/3 .zip, ${results.options.loadGenerator}`,
    c &&
      `cache: ${c.moduleVersions} modules, module cache ${formatBytes(c.tree.bytes)} in ${c.tree.files} files, client on ${c.scratch}`,
  ];
  const out = [
    '',
    `modgate benchmark: ${about.filter(Boolean).join('; ')}; median (min–max) of ${results.options.reps} run(s)`,
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.slice(1).map(line),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

try {
  await (flags.git ? mainGit() : main());
} catch (err) {
  process.exitCode = 1;
  if (err instanceof MissingToolError) log(`missing prerequisite: ${err.message}`);
  else log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await cleanup();
}
