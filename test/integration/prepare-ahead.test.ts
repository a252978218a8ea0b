import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { GitFixture } from '../helpers/git-fixture.js';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { recordedFetch } from '../helpers/response-capture.js';

/** Polls until `check` holds, failing with `what` after `ms`. */
async function eventually(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await setTimeout(50)) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
  }
}

/**
 * modgate prepares versions from git before clients ask: the .mod and .zip of a version whose .info was
 * asked for, and the versions of new tags that the background refresh of a recently used repository finds.
 */
describe('versions from git are prepared ahead of requests', () => {
  let dir: string;
  let root: string;
  let go: GoSandbox;
  const started: ModgateProcess[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-ahead-'));
    root = join(dir, 'git');
    go = await GoSandbox.create();
  });
  after(async () => {
    for (const modgate of started) await modgate.stop();
    await go?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(name: string, ...flags: string[]) {
    const repo = await GitFixture.create(root, `git.corp.example/${name}`);
    await repo.commit('first', {
      files: { 'go.mod': `module git.corp.example/${name}\n`, 'a.go': 'package a\n' },
    });
    await repo.tag('v1.0.0');
    await repo.publish();
    const data = join(dir, `data-${name}`);
    const modgate = await ModgateProcess.start([
      '--data',
      data,
      '--upstream',
      'off',
      '--private',
      'git.corp.example',
      '--git-mappings',
      `git.corp.example/*=file://${root}/{root}`,
      '--git-refresh-interval',
      '1s',
      ...flags,
    ]);
    started.push(modgate);
    const stored = (version: string, ext: string) =>
      existsSync(join(data, 'git.corp.example', name, '@v', `${version}.${ext}`));
    const release = async (version: string) => {
      await repo.commit(version, { files: { 'a.go': `package a\n\n// ${version}\n` } });
      await repo.tag(version);
      await repo.publish();
    };
    const deleteTag = async (version: string) => {
      await repo.deleteTag(version);
      await repo.publish();
    };
    return { modgate, stored, release, deleteTag, module: `git.corp.example/${name}` };
  }

  test('the .info of a version has its .mod and .zip made without being asked', async () => {
    const { modgate, stored, module } = await serve('info');
    const res = await recordedFetch(`${modgate.url}/${module}/@v/v1.0.0.info`);
    assert.equal(res.status, 200);
    await eventually('the zip of v1.0.0 is stored', () => stored('v1.0.0', 'zip') && stored('v1.0.0', 'mod'));
  });

  test('a new tag of a repository in use is prepared in the background, and listed once a client asks', async () => {
    // Lists straight from the source, so that what modgate itself lists shows.
    const { modgate, stored, release, deleteTag, module } = await serve(
      'watched',
      '--list-ttl',
      '0s',
      '--stale-while-revalidate',
      '0s',
    );
    const list = async () => (await recordedFetch(`${modgate.url}/${module}/@v/list`)).text();
    assert.equal(await list(), 'v1.0.0\n');
    await release('v1.1.0');
    await eventually('v1.1.0 is stored with no request for it', () => stored('v1.1.0', 'zip'));
    assert.ok(stored('v1.1.0', 'info') && stored('v1.1.0', 'mod'));
    assert.ok(!stored('v1.0.0', 'zip'), 'versions that were there before are left to the clients');
    // The tag was a mistake and is deleted: having prepared it does not keep it listed.
    await deleteTag('v1.1.0');
    await setTimeout(1_100); // past the refresh interval
    assert.equal(await list(), 'v1.0.0\n');
    const result = await go.run(['mod', 'download', '-json', `${module}@v1.1.0`], {
      env: { GOPROXY: modgate.url, GOSUMDB: 'off', GOPRIVATE: '' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(parseJsonStream<Download>(result.stdout)[0]!.Sum!, /^h1:/);
    assert.equal(await list(), 'v1.0.0\nv1.1.0\n', 'a version a client downloaded stays listed');
  });

  test('with --git-watch 0 a repository is only asked on requests', async () => {
    const { modgate, stored, release, module } = await serve('unwatched', '--git-watch', '0');
    assert.equal((await recordedFetch(`${modgate.url}/${module}/@v/list`)).status, 200);
    await release('v1.1.0');
    await setTimeout(3_000); // three refresh intervals
    assert.ok(!stored('v1.1.0', 'info'));
    assert.equal((await recordedFetch(`${modgate.url}/${module}/@v/v1.1.0.info`)).status, 200);
  });
});
