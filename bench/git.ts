import { cp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { DebianCorpus } from '../test/helpers/debian-corpus.js';
import type { ModuleVersion } from './corpus.js';
import { createScratch, goModDownload, refusedVersions, type Scratch } from './go-download.js';
import { startModgate } from './modgate-server.js';
import { formatSummary, renderTable, summarize } from './stats.js';

/**
 * `npm run bench -- --git`: `go mod download` of real libraries through modgate's git source against the go
 * command's own `GOPROXY=direct`, both fetching from the same local bare repositories (file:// URLs: what is
 * timed is git and the two implementations, not a network).
 *
 * Cold: an empty modgate data dir (no mirrors) and an empty client cache, against go direct with an empty
 * cache. Incremental: one new tag per repository, and go asks for the new versions with an empty client
 * cache, against go direct fetching the same new versions cold. modgate keeps the mirrors of its cold run and
 * is timed two ways: as configured by default, its background refresh has fetched the new tags and prepared
 * their versions by the time go asks (two refresh intervals later); with `--git-watch 0`, a copy of the same
 * mirrors asks the remotes only when go's requests come, and fetches just the new objects then.
 */
export interface GitBenchOptions {
  go: string;
  /** A scratch directory for the repositories and modgate's data dirs, removed by the caller. */
  work: string;
  reps: number;
  /** Tagged releases per repository before the incremental tag. */
  releases: number;
  log: (line: string) => void;
  /** Registers an undo action (stop, unmount) for the caller to run on exit. */
  defer: (cleanup: () => Promise<unknown>) => void;
}

/**
 * modgate's --git-refresh-interval in the benchmark: short, so that the incremental run (which waits two of
 * them) finds the new tags fetched, yet longer than one module's .info/.mod/.zip requests take, as the 60 s
 * default is.
 */
const REFRESH_SECONDS = 5;

export async function measureGitSource(options: GitBenchOptions) {
  const { go, work, log } = options;
  const remotes = await buildRemotes(work, options.releases, log);
  const scratch: Scratch = await createScratch();
  options.defer(() => scratch.cleanup());
  log(`git: client module caches on ${scratch.kind} (${scratch.dir})`);

  // go direct reaches github.com through url.insteadOf to the same bare repositories modgate maps to.
  const gitconfig = join(work, 'gitconfig');
  await writeFile(
    gitconfig,
    `[url "file://${remotes.link}/github.com/"]\n\tinsteadOf = https://github.com/\n`,
  );
  const directEnv = { GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1' };
  const direct = (versions: readonly ModuleVersion[]) =>
    goModDownload(go, 'direct', versions, scratch, directEnv);

  // Real code has modules go itself refuses (a go.mod naming another path...): an untimed go direct run over
  // every version finds them, and a module takes part only if go downloads all its versions.
  await remotes.use('next');
  const all = [...remotes.base, ...remotes.added];
  const refused = await refusedVersions(go, 'direct', all, scratch, directEnv);
  const excluded = new Set(refused.map((r) => r.version.path));
  for (const r of refused) log(`git: go direct refuses ${r.version.path}@${r.version.version}: ${r.error}`);
  const base = remotes.base.filter((v) => !excluded.has(v.path));
  const added = remotes.added.filter((v) => !excluded.has(v.path));
  log(`git: ${base.length} module versions cold, ${added.length} new versions incremental`);

  const seconds = {
    directCold: [] as number[],
    modgateCold: [] as number[],
    directNew: [] as number[],
    modgateIncremental: [] as number[],
    modgateOnRequest: [] as number[],
  };
  for (let rep = 0; rep < options.reps; rep++) {
    await remotes.use('base');
    seconds.directCold.push((await direct(base)).seconds);

    // On the tmpfs too: go direct keeps its git repositories in its module cache there, so both sides' git
    // work lands on the same kind of storage.
    const dataDir = join(scratch.dir, `modgate-data-${rep}`);
    const onRequestDir = `${dataDir}-on-request`;
    const serve = (data: string, ...flags: string[]) =>
      startModgate(
        data,
        [
          '--upstream',
          'direct',
          '--git-mappings',
          `github.com/*/*=file://${remotes.link}/github.com/{path}`,
          '--git-refresh-interval',
          `${REFRESH_SECONDS}s`,
          ...flags,
        ],
        1,
      );
    const modgate = await serve(dataDir);
    try {
      seconds.modgateCold.push((await goModDownload(go, modgate.url, base, scratch)).seconds);
      // The same mirrors for a modgate that looks at the remotes only when a client asks.
      await cp(dataDir, onRequestDir, { recursive: true });
      await remotes.use('next');
      // Two refresh intervals: the background refresh has looked at every mirror since the tags appeared.
      await setTimeout(2 * REFRESH_SECONDS * 1000 + 500);
      seconds.modgateIncremental.push((await goModDownload(go, modgate.url, added, scratch)).seconds);
    } finally {
      await modgate.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    const onRequest = await serve(onRequestDir, '--git-watch', '0');
    try {
      seconds.modgateOnRequest.push((await goModDownload(go, onRequest.url, added, scratch)).seconds);
    } finally {
      await onRequest.stop();
      await rm(onRequestDir, { recursive: true, force: true });
    }
    seconds.directNew.push((await direct(added)).seconds);
    log(
      `git rep ${rep + 1}/${options.reps}: cold go direct ${seconds.directCold.at(-1)!.toFixed(2)} s, ` +
        `modgate ${seconds.modgateCold.at(-1)!.toFixed(2)} s; new tags: go direct ${seconds.directNew.at(-1)!.toFixed(2)} s, ` +
        `modgate prepared ${seconds.modgateIncremental.at(-1)!.toFixed(2)} s, on request ${seconds.modgateOnRequest.at(-1)!.toFixed(2)} s`,
    );
  }
  await scratch.cleanup();
  const per = (f: (i: number) => number) => summarize(seconds.directCold.map((_, i) => f(i)));
  return {
    repositories: remotes.repositories,
    releases: options.releases,
    coldVersions: base.length,
    incrementalVersions: added.length,
    refused,
    scratch: scratch.kind,
    directColdSeconds: summarize(seconds.directCold),
    modgateColdSeconds: summarize(seconds.modgateCold),
    directNewSeconds: summarize(seconds.directNew),
    modgateIncrementalSeconds: summarize(seconds.modgateIncremental),
    modgateOnRequestSeconds: summarize(seconds.modgateOnRequest),
    /** modgate cold / go direct cold: target at most 0.8. */
    coldRatio: per((i) => seconds.modgateCold[i]! / seconds.directCold[i]!),
    /** go direct on the new versions / modgate incremental: target at least 5. */
    incrementalSpeedup: per((i) => seconds.directNew[i]! / seconds.modgateIncremental[i]!),
    /** The same with --git-watch 0: the new tags are fetched when go asks for them. */
    onRequestSpeedup: per((i) => seconds.directNew[i]! / seconds.modgateOnRequest[i]!),
  };
}

export type GitResults = Awaited<ReturnType<typeof measureGitSource>>;

/**
 * The corpus repositories in two states behind one path (a symlink that both modgate's mapping and go's
 * insteadOf name): `base` with the first releases, `next` with one more tag per repository. Swapping the link
 * is how a new tag "appears" on the remotes between the cold and the incremental run of every repetition.
 */
async function buildRemotes(work: string, releases: number, log: (line: string) => void) {
  const link = join(work, 'remotes');
  const next = join(work, 'remotes-next');
  const baseDir = join(work, 'remotes-base');
  await mkdir(next, { recursive: true });
  await symlink(next, link);
  const started = Date.now();
  const corpus = await DebianCorpus.build(link, releases);
  const base = [...corpus.versions];
  await cp(join(next, 'github.com'), join(baseDir, 'github.com'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  const added = await corpus.release();
  log(
    `git: corpus of ${corpus.size} repositories × ${releases} releases + 1 built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    link,
    base,
    added,
    repositories: corpus.size,
    async use(state: 'base' | 'next') {
      const swap = `${link}.swap`;
      await symlink(state === 'base' ? baseDir : next, swap);
      await rename(swap, link);
    },
  };
}

export function printGitTable(g: GitResults, reps: number): void {
  const rows: string[][] = [
    ['figure', 'modgate', 'go direct', 'target'],
    [
      `cold: ${g.coldVersions} module versions, s`,
      formatSummary(g.modgateColdSeconds, 2),
      formatSummary(g.directColdSeconds, 2),
      '',
    ],
    ['cold: modgate / go direct', formatSummary(g.coldRatio, 2), '', '≤ 0.8'],
    [
      `incremental: ${g.incrementalVersions} new versions, s`,
      formatSummary(g.modgateIncrementalSeconds, 2),
      formatSummary(g.directNewSeconds, 2),
      '',
    ],
    ['incremental: go direct / modgate', formatSummary(g.incrementalSpeedup, 2), '', '≥ 5'],
    [
      'incremental on request (--git-watch 0), s',
      formatSummary(g.modgateOnRequestSeconds, 2),
      formatSummary(g.directNewSeconds, 2),
      '',
    ],
    ['on request: go direct / modgate', formatSummary(g.onRequestSpeedup, 2), '', ''],
  ];
  process.stdout.write(
    [
      '',
      `modgate git source: ${g.repositories} Debian golang-*-dev repositories, ${g.releases} releases each + 1 new tag; ` +
        `${g.refused.length} versions go direct refuses left out; median (min–max) of ${reps} run(s)`,
      ...renderTable(rows),
      '',
    ].join('\n'),
  );
}
