import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { modulePath } from '../../src/gomod/modfile.js';
import { checkPath, pathMajorPrefix, splitPathVersion } from '../../src/gomod/path.js';
import { type CommitContent, GitFixture } from './git-fixture.js';

const run = promisify(execFile);
const GOCODE = '/usr/share/gocode/src';
// dist/test/helpers → the source tree's list (tsc does not copy .txt files).
const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/git/corpus-packages.txt');

/** One version of a real library, tagged in its git repository. */
export interface CorpusModule {
  path: string;
  version: string;
}

/** One corpus repository: the module it holds, where in the tree, and how its tags are named. */
interface CorpusRepo {
  fixture: GitFixture;
  path: string;
  /** The package's import path under /usr/share/gocode/src. */
  sourceDir: string;
  /** Releases tagged so far. */
  releases: number;
  /** The module's directory in the repository ('' for the root). */
  place: string;
  /** `v1`, or `vN` for a /vN module path. */
  major: string;
  /** The tag prefix: the module's directory below the repository root plus `/`, or ''. */
  tagPrefix: string;
}

/**
 * The Debian golang-*-dev packages of test/git/corpus-packages.txt as tagged repositories under `root`: each
 * package's source tree (its import path under /usr/share/gocode/src) goes into the github.com repository its
 * module path names, at the directory and with the tags go expects (`v1.0.N`, `vN.0.N` for /vN paths,
 * `dir/v1.0.N` for a module below the repository root). A package that is not installed fails the build.
 *
 * Release 0 is the package as Debian ships it (`v1.0.0`); every further release is one more commit that
 * changes one small file in the module's directory (`modgate-corpus-release.txt`), tagged with the next patch
 * version, so that repositories have real history and a new tag brings only a few new objects.
 */
export class DebianCorpus {
  /** Every tagged module version, in release order. */
  readonly versions: CorpusModule[] = [];

  private constructor(private readonly repos: CorpusRepo[]) {}

  /** Builds the repositories with `releases` tagged versions each (at least 1). */
  static async build(root: string, releases = 1): Promise<DebianCorpus> {
    const corpus = new DebianCorpus(await createRepos(root));
    for (let i = 0; i < releases; i++) await corpus.release();
    return corpus;
  }

  /** The number of repositories (= modules). */
  get size(): number {
    return this.repos.length;
  }

  /** Commits, tags and publishes the next release of every repository; returns the new versions. */
  async release(): Promise<CorpusModule[]> {
    const released: CorpusModule[] = [];
    for (const repo of this.repos) {
      const n = repo.releases++;
      const version = `${repo.major}.0.${n}`;
      const content: CommitContent =
        n === 0
          ? { copies: { [join(GOCODE, repo.sourceDir)]: repo.place || '.' } }
          : { files: { [join(repo.place, 'modgate-corpus-release.txt')]: `release ${n}\n` } };
      await repo.fixture.commit(`${repo.path} ${version}`, content);
      await repo.fixture.tag(repo.tagPrefix + version);
      await repo.fixture.publish();
      released.push({ path: repo.path, version });
    }
    this.versions.push(...released);
    return released;
  }
}

/** One empty repository per usable package, in list order. */
async function createRepos(root: string): Promise<CorpusRepo[]> {
  const packages = (await readFile(PACKAGES, 'utf8'))
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const repos: CorpusRepo[] = [];
  for (const pkg of packages) {
    const sourceDir = await importRoot(pkg);
    const goModFile = join(GOCODE, sourceDir, 'go.mod');
    const declared = existsSync(goModFile) ? modulePath(await readFile(goModFile)) : undefined;
    const path = declared ?? sourceDir;
    const layout = placement(path, sourceDir);
    // Two packages of one repository would need one history for both; the first one keeps it.
    if (!layout || repos.some((r) => r.fixture.bareDir === join(root, layout.repo))) continue;
    const fixture = await GitFixture.create(root, layout.repo);
    repos.push({ fixture, path, sourceDir, releases: 0, ...layout });
  }
  return repos;
}

/** The directory of a package's sources: the deepest directory holding all its .go files. */
async function importRoot(pkg: string): Promise<string> {
  let listed: string;
  try {
    listed = (await run('dpkg', ['-L', pkg])).stdout;
  } catch {
    throw new Error(
      `${pkg} is not installed: the corpus test needs it; run scripts/install-test-deps.sh as root`,
    );
  }
  const dirs = listed
    .split('\n')
    .filter((f) => f.startsWith(`${GOCODE}/`) && f.endsWith('.go'))
    .map((f) => f.slice(GOCODE.length + 1, f.lastIndexOf('/')));
  if (dirs.length === 0) throw new Error(`${pkg} installs no Go sources under ${GOCODE}`);
  let common = dirs[0]!.split('/');
  for (const d of dirs) {
    const parts = d.split('/');
    let i = 0;
    while (i < common.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('/');
}

/**
 * Where a module's files go: repository `github.com/owner/name`, directory `place` in it, and its tags. Only
 * github.com paths that go can fetch without discovery, and valid ones, take part.
 */
function placement(path: string, dir: string) {
  try {
    checkPath(path);
  } catch {
    return undefined;
  }
  const parts = path.split('/');
  const split = splitPathVersion(path);
  if (parts[0] !== 'github.com' || parts.length < 3 || !split) return undefined;
  const repo = parts.slice(0, 3).join('/');
  const codeDir = split.prefix.slice(repo.length + 1);
  const major = pathMajorPrefix(split.pathMajor) || 'v1';
  // The Debian directory tells the layout: `…/v2` holds a major subdirectory, else the module's own dir.
  const place = dir === repo || dir.startsWith(`${repo}/`) ? dir.slice(repo.length + 1) : codeDir;
  return { repo, place, major, tagPrefix: codeDir === '' ? '' : `${codeDir}/` };
}
