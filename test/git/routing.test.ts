import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { NotFoundError } from '../../src/sources/errors.js';
import { GitSource } from '../../src/sources/git/git-source.js';
import { HttpProxySource } from '../../src/sources/http-proxy-source.js';
import { RoutedSource } from '../../src/sources/routed-source.js';
import { createUpstream } from '../../src/sources/upstream.js';
import { GitFixture } from '../helpers/git-fixture.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

let dir: string;
let upstream: UpstreamServer;
let dispatcher: Agent;
let routed: RoutedSource;
let upstreamOnly: RoutedSource;
let gitData: string;

/** How many repositories the git source has mirrored so far. */
async function mirrorCount(): Promise<number> {
  const mirrors = join(gitData, '_modgate', 'git');
  return existsSync(mirrors) ? (await readdir(mirrors)).length : 0;
}

const version = async (answer: Promise<Buffer>) => JSON.parse((await answer).toString()).Version as string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-routing-'));
  await writeProxyTree(join(dir, 'tree'), [
    { path: 'public.example/lib', version: 'v1.0.0' },
    { path: 'mixed.example/on-upstream', version: 'v1.5.0' },
  ]);
  upstream = await UpstreamServer.start(join(dir, 'tree'));
  for (const path of [
    'private.example/lib',
    'mixed.example/in-git',
    'mixed.example/on-upstream',
    'public.example/git-only',
  ]) {
    const repo = await GitFixture.create(join(dir, 'git'), path);
    await repo.commit('v1.0.0', { files: { 'go.mod': `module ${path}\n`, 'lib.go': 'package lib\n' } });
    await repo.tag('v1.0.0');
    await repo.publish();
  }
  dispatcher = new Agent();
  gitData = join(dir, 'data');
  const git = new GitSource({
    dataDir: gitData,
    mappings: [{ pattern: '*.example/*', url: `file://${join(dir, 'git')}/{root}` }],
  });
  // As `--private private.example --private-upstream direct --upstream <proxy>,direct` configures it.
  const proxy = new HttpProxySource(upstream.url, dispatcher, 'modgate-test');
  routed = new RoutedSource(
    'private.example',
    createUpstream(`${upstream.url},direct`, dispatcher, 'modgate-test', { direct: git }),
    git,
  );
  upstreamOnly = new RoutedSource('private.example', proxy, git);
});

after(async () => {
  await upstream.stop();
  await dispatcher.close();
  await rm(dir, { recursive: true, force: true });
});

describe('routing modules between the upstream chain and git (direct)', () => {
  test('private patterns come from git and are never asked of the upstream', async () => {
    assert.equal(await version(routed.info('private.example/lib', 'v1.0.0')), 'v1.0.0');
    assert.equal(await routed.list('private.example/lib'), 'v1.0.0\n');
    assert.deepEqual(
      upstream.requests.filter((r) => r.includes('private.example')),
      [],
    );
  });

  test('upstream then direct: git answers what the upstream does not have', async () => {
    assert.equal(await version(routed.info('mixed.example/in-git', 'v1.0.0')), 'v1.0.0');
    assert.ok(
      upstream.requests.some((r) => r.includes('mixed.example/in-git')),
      'the upstream was asked first',
    );
    assert.equal(await version(routed.info('mixed.example/on-upstream', 'v1.5.0')), 'v1.5.0');
  });

  test('without direct in the public list, public modules come from the upstream alone', async () => {
    const mirrors = await mirrorCount();
    assert.equal(await version(upstreamOnly.info('public.example/lib', 'v1.0.0')), 'v1.0.0');
    await assert.rejects(upstreamOnly.info('public.example/git-only', 'v1.0.0'), NotFoundError);
    assert.equal(await mirrorCount(), mirrors, 'git was not asked');
  });

  test('direct in a list that has no git source behind it is a configuration error', () => {
    assert.throws(
      () => createUpstream('https://proxy.example,direct', dispatcher, 'modgate-test'),
      /"direct" \(fetching from git\) is not available here/,
    );
  });
});
