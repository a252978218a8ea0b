import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { modulePath } from '../../src/gomod/modfile.js';
import { checkPath, pathMajorPrefix, splitPathVersion } from '../../src/gomod/path.js';
import { GitFixture } from '../helpers/git-fixture.js';

const run = promisify(execFile);
const GOCODE = '/usr/share/gocode/src';
// dist/test/git → the source tree's list (tsc does not copy .txt files).
const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/git/corpus-packages.txt');

/** One real library turned into a tagged git repository. */
export interface CorpusModule {
  path: string;
  version: string;
}

/**
 * Turns the Debian golang-*-dev packages of test/git/corpus-packages.txt into tagged repositories under `root`:
 * each package's source tree (its import path under /usr/share/gocode/src) goes into the github.com repository
 * its module path names, at the directory and with the tag go expects (`v1.0.0`, `vN.0.0` for /vN paths,
 * `dir/v1.0.0` for a module below the repository root). A package that is not installed fails the run.
 */
export async function buildCorpus(root: string): Promise<CorpusModule[]> {
  const packages = (await readFile(PACKAGES, 'utf8'))
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const taken = new Set<string>();
  const modules: CorpusModule[] = [];
  for (const pkg of packages) {
    const dir = await importRoot(pkg);
    const goModFile = join(GOCODE, dir, 'go.mod');
    const declared = existsSync(goModFile) ? modulePath(await readFile(goModFile)) : undefined;
    const path = declared ?? dir;
    const layout = placement(path, dir);
    // Two packages of one repository would need one history for both; the first one keeps it.
    if (!layout || taken.has(layout.repo)) continue;
    taken.add(layout.repo);
    const repo = await GitFixture.create(root, layout.repo);
    await repo.commit(pkg, { copies: { [join(GOCODE, dir)]: layout.place || '.' } });
    await repo.tag(layout.tag);
    await repo.publish();
    modules.push({ path, version: layout.version });
  }
  return modules;
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
 * Where a module's files go: repository `github.com/owner/name`, directory `place` in it, and its tag. Only
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
  const major = pathMajorPrefix(split.pathMajor);
  const version = `${major || 'v1'}.0.0`;
  // The Debian directory tells the layout: `…/v2` holds a major subdirectory, else the module's own dir.
  const place = dir === repo || dir.startsWith(`${repo}/`) ? dir.slice(repo.length + 1) : codeDir;
  return { repo, place, version, tag: codeDir === '' ? version : `${codeDir}/${version}` };
}
