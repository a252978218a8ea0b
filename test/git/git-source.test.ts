import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GitSource } from '../../src/sources/git/git-source.js';
import { GoDirectOracle } from '../helpers/go-direct.js';
import { buildFixtures } from './fixtures.js';
import { assertBothRefuse, assertSameAsGo } from './same-as-go.js';

let dir: string;
let oracle: GoDirectOracle;
let source: GitSource;
let hashes: Record<string, string>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-git-source-'));
  const root = join(dir, 'git');
  hashes = await buildFixtures(root);
  oracle = await GoDirectOracle.create(root);
  source = new GitSource({
    dataDir: join(dir, 'data'),
    refreshIntervalMs: 0,
    git: { config: { [`url.file://${root}/github.com/.insteadOf`]: 'https://github.com/' } },
  });
});

after(async () => {
  await oracle.dispose();
  await rm(dir, { recursive: true, force: true });
});

const sameAsGo = (module: string, query: string) => assertSameAsGo(oracle, source, dir, module, query);
const bothRefuse = (module: string, query: string) => assertBothRefuse(oracle, source, module, query);

async function assertSameList(module: string): Promise<void> {
  const expected = await oracle.versions(module);
  const listed = (await source.list(module)).split('\n').filter(Boolean);
  assert.deepEqual(listed, expected, `versions of ${module}`);
}

describe('git source: tags and queries (github.com/acme/widget)', () => {
  const m = 'github.com/acme/widget';
  test('lists canonical tags only: no short, odd, prerelease-with-build or pseudo-looking tags', async () => {
    await assertSameList(m);
  });
  test('a lightweight tag', async () => {
    await sameAsGo(m, 'v1.0.0');
  });
  test('an annotated tag', async () => {
    await sameAsGo(m, 'v1.1.0');
  });
  test('latest is the highest release, not a later prerelease', async () => {
    assert.equal(await sameAsGo(m, 'latest'), 'v1.1.0');
    assert.equal((await source.latest(m)).toString(), (await source.info(m, 'latest')).toString());
  });
  test('a vX prefix picks the highest release of the major', async () => {
    await sameAsGo(m, 'v1');
  });
  test('the default branch becomes a prerelease-based pseudo-version', async () => {
    assert.match(await sameAsGo(m, 'main'), /^v1\.2\.0-rc\.1\.0\.\d{14}-[0-9a-f]{12}$/);
  });
  test('a branch whose commit carries a build-metadata tag', async () => {
    await sameAsGo(m, 'feature');
  });
  test('a commit-hash prefix after a release becomes a vX.Y.(Z+1)-0 pseudo-version', async () => {
    assert.match(await sameAsGo(m, hashes.widgetAfterRelease!.slice(0, 12)), /^v1\.1\.1-0\.\d{14}-/);
  });
  test('a branch whose name JSON must escape (&), at a tagged commit', async () => {
    assert.equal(await sameAsGo(m, 'maint&1'), 'v1.0.1');
  });
  test('a version with build metadata resolves through its tag', async () => {
    await sameAsGo(m, 'v1.2.3+meta');
  });
  test('a pseudo-version asked for by name', async () => {
    const version = await sameAsGo(m, 'main');
    assert.equal(await sameAsGo(m, version), version);
  });
  test('refuses a pseudo-version whose time does not match the commit', async () => {
    const version = (await oracle.download(m, 'main')).version;
    await bothRefuse(m, version.replace(/\.\d{14}-/, '.20000101000000-'));
  });
  test('refuses a vX.Y prefix with only lower prereleases', async () => {
    await bothRefuse(m, 'v1.2');
  });
  test('refuses unknown revisions', async () => {
    await bothRefuse(m, 'no-such-branch');
  });
});

describe('git source: subdirectories, majors and zip contents (github.com/acme/multi)', () => {
  test('the root module: vendor rules, nested modules, symlinks, gitlinks and .gitattributes', async () => {
    await sameAsGo('github.com/acme/multi', 'v1.0.0');
  });
  test('a module in a subdirectory gets the root LICENSE', async () => {
    await sameAsGo('github.com/acme/multi/sub', 'v1.0.0');
  });
  test('a subdirectory module at a branch uses its prefixed tags as pseudo-version base', async () => {
    assert.match(await sameAsGo('github.com/acme/multi/sub', 'main'), /^v1\.0\.1-0\./);
  });
  test('a /v2 module in a v2 subdirectory', async () => {
    await sameAsGo('github.com/acme/multi/v2', 'v2.0.0');
  });
  test('lists per module', async () => {
    for (const m of ['github.com/acme/multi', 'github.com/acme/multi/sub', 'github.com/acme/multi/v2']) {
      await assertSameList(m);
    }
  });
});

describe('git source: no go.mod, +incompatible and major branches', () => {
  const legacy = 'github.com/acme/legacy';
  test('lists +incompatible majors of a module without go.mod', async () => {
    await assertSameList(legacy);
  });
  test('synthesizes `module <path>` for a version without go.mod', async () => {
    await sameAsGo(legacy, 'v1.0.0');
  });
  test('latest is the highest +incompatible version', async () => {
    assert.equal(await sameAsGo(legacy, 'latest'), 'v2.1.0+incompatible');
  });
  test('a v2 tag asked for without +incompatible', async () => {
    await sameAsGo(legacy, 'v2.0.0');
  });
  test('a branch past a v2 tag', async () => {
    await sameAsGo(legacy, 'main');
  });

  const major = 'github.com/acme/major';
  test('a go.mod with /v2 on the main branch', async () => {
    await assertSameList(major);
    await assertSameList(`${major}/v2`);
    assert.equal(await sameAsGo(`${major}/v2`, 'latest'), 'v2.1.0');
    await sameAsGo(`${major}/v2`, 'main');
    await sameAsGo(major, 'v1.0.0');
  });
  test('refuses a v2 tag for the v1 path when go.mod says /v2', async () => {
    await bothRefuse(major, 'v2.0.0');
  });
});

describe('git source: retractions, untagged repositories, impostor go.mod', () => {
  const retracted = 'github.com/acme/retracted';
  test('latest and prefixes skip retracted versions; a retracted version asked for by name is served', async () => {
    await assertSameList(retracted);
    assert.equal(await sameAsGo(retracted, 'latest'), 'v1.0.0');
    assert.equal(await sameAsGo(retracted, 'v1'), 'v1.0.0');
    await sameAsGo(retracted, 'v1.1.0');
  });
  test('an untagged repository: v0.0.0 pseudo-versions for HEAD and for an older commit', async () => {
    assert.equal(await source.list('github.com/acme/untagged'), '');
    assert.match(await sameAsGo('github.com/acme/untagged', 'latest'), /^v0\.0\.0-\d{14}-/);
    await sameAsGo('github.com/acme/untagged', hashes.untaggedHead!.slice(0, 7));
  });
  test('a go.mod naming another module is served as it is, as go does', async () => {
    await sameAsGo('github.com/acme/impostor', 'v1.0.0');
  });
});

describe('git source: rarer layouts (github.com/acme/odd)', () => {
  test('a go.mod converted by .gitattributes: raw in .mod, converted in the zip', async () => {
    await sameAsGo('github.com/acme/odd', 'v1.0.0');
  });
  test('a subdirectory module whose LICENSE is a symlink gets no root LICENSE', async () => {
    await sameAsGo('github.com/acme/odd/linked', 'v1.0.0');
  });
  test('refuses a subdirectory tag without go.mod', async () => {
    await bothRefuse('github.com/acme/odd/nomod', 'v1.0.0');
  });
  test('refuses when both go.mod and v2/go.mod claim /v2', async () => {
    await bothRefuse('github.com/acme/odd/both/v2', 'v2.0.0');
  });
  test('refuses a v2/go.mod naming another major', async () => {
    await bothRefuse('github.com/acme/odd/wrongv2/v2', 'v2.0.0');
  });
});
