import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { promisify } from 'node:util';
import { NotFoundError, UpstreamError } from '../../src/sources/errors.js';
import { GitError, GitRunner } from '../../src/sources/git/git-runner.js';
import { GitSource, type GitSourceOptions } from '../../src/sources/git/git-source.js';
import { GitFixture } from '../helpers/git-fixture.js';

let dir: string;
let root: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-git-mirror-'));
  root = join(dir, 'git');
});
after(() => rm(dir, { recursive: true, force: true }));

let counter = 0;
/** A fresh one-tag repository under example.org, mapped to its bare directory. */
async function repository(): Promise<{ fixture: GitFixture; module: string }> {
  const name = `lib${++counter}`;
  const module = `example.org/${name}`;
  const fixture = await GitFixture.create(root, module);
  await fixture.commit('v1.0.0', { files: { 'go.mod': `module ${module}\n`, 'lib.go': 'package lib\n' } });
  await fixture.tag('v1.0.0');
  await fixture.publish();
  return { fixture, module };
}

function gitSource(data: string, extra: Partial<GitSourceOptions> = {}): GitSource {
  return new GitSource({
    dataDir: data,
    mappings: [{ pattern: 'example.org/*', url: `file://${root}/{root}` }],
    ...extra,
  });
}

const mirrorsIn = (data: string) => readdir(join(data, '_modgate', 'git'));

describe('git mirrors', () => {
  test('one persistent bare mirror per repository, brought up to date in place', async () => {
    const { fixture, module } = await repository();
    const data = join(dir, 'data-incremental');
    await gitSource(data, { refreshIntervalMs: 0 }).info(module, 'v1.0.0');
    const [mirror, ...others] = await mirrorsIn(data);
    assert.deepEqual(others, []);
    const marker = join(data, '_modgate', 'git', mirror!, 'marker');
    await writeFile(marker, 'still the same mirror');

    await fixture.commit('v1.1.0', { files: { 'lib.go': 'package lib\n\n// 1.1\n' } });
    await fixture.tag('v1.1.0');
    await fixture.publish();
    // A new process on the same data directory reuses the mirror and fetches only what changed.
    const next = gitSource(data, { refreshIntervalMs: 0 });
    assert.equal(JSON.parse((await next.info(module, 'v1.1.0')).toString()).Version, 'v1.1.0');
    assert.equal(await next.list(module), 'v1.0.0\nv1.1.0\n');
    assert.ok(existsSync(marker), 'the mirror was not made again');
    assert.deepEqual(await mirrorsIn(data), [mirror]);
  });

  test('within the refresh interval lists come from the mirror, but a version it lacks is looked for', async () => {
    const { fixture, module } = await repository();
    const source = gitSource(join(dir, 'data-interval'), { refreshIntervalMs: 3_600_000 });
    assert.equal(await source.list(module), 'v1.0.0\n');
    await fixture.commit('v1.1.0', { files: { 'lib.go': 'package lib\n\n// 1.1\n' } });
    await fixture.tag('v1.1.0');
    await fixture.publish();
    assert.equal(await source.list(module), 'v1.0.0\n');
    // An unknown version makes the mirror ask its remote again, at most once a second.
    await setTimeout(1_100);
    assert.equal(JSON.parse((await source.info(module, 'v1.1.0')).toString()).Version, 'v1.1.0');
    assert.equal(await source.list(module), 'v1.0.0\nv1.1.0\n');
  });

  test('a commit the remote lists but the mirror lacks is fetched again, not reported unknown', async () => {
    const { fixture, module } = await repository();
    await fixture.branch('side');
    await fixture.commit('v1.1.0 on a side branch', { files: { 'side.go': 'package lib\n' } });
    await fixture.tag('v1.1.0');
    await fixture.checkout('main');
    await fixture.deleteBranch('side');
    await fixture.publish();
    const data = join(dir, 'data-lacking');
    const source = gitSource(data, { refreshIntervalMs: 3_600_000 });
    assert.equal(await source.list(module), 'v1.0.0\nv1.1.0\n');
    // The mirror loses the tag and its commit, as when its first fetch ran just before the tag was pushed.
    const gitDir = join(data, '_modgate', 'git', (await mirrorsIn(data))[0]!);
    const git = (...args: string[]) =>
      promisify(execFile)('git', ['--git-dir', gitDir, ...args], {
        env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
      });
    await git('tag', '-d', 'v1.1.0');
    await git('gc', '-q', '--prune=now');
    assert.equal(JSON.parse((await source.info(module, 'v1.1.0')).toString()).Version, 'v1.1.0');
  });

  test('a commit no branch or tag reaches any more is unknown, though the mirror still holds it', async () => {
    const { fixture, module } = await repository();
    await fixture.branch('tmp');
    const hash = await fixture.commit('on tmp', { files: { 'tmp.go': 'package lib\n' } });
    await fixture.checkout('main');
    await fixture.publish();
    const source = gitSource(join(dir, 'data-unreachable'), { refreshIntervalMs: 0 });
    assert.match(
      JSON.parse((await source.info(module, hash.slice(0, 12))).toString()).Version,
      /^v1\.0\.1-0\./,
    );
    await fixture.deleteBranch('tmp');
    await fixture.publish();
    await assert.rejects(source.info(module, hash.slice(0, 12)), (err: Error) => {
      assert.ok(err instanceof NotFoundError, String(err));
      assert.match(
        err.message,
        new RegExp(`${module}@${hash.slice(0, 12)}: invalid version: unknown revision`),
      );
      return true;
    });
  });

  test('zip work directories and half-made mirrors left by a crash are removed once old', async () => {
    const { module } = await repository();
    const data = join(dir, 'data-leftovers');
    const old = [join(data, '_modgate', 'git-tmp', 'crashed'), join(data, '_modgate', 'git', 'abc.tmp-1234')];
    const fresh = join(data, '_modgate', 'git-tmp', 'in-use');
    for (const path of [...old, fresh]) await mkdir(path, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const path of old) await utimes(path, twoHoursAgo, twoHoursAgo);
    await gitSource(data).list(module);
    assert.deepEqual(old.filter(existsSync), []);
    assert.ok(existsSync(fresh), 'a fresh work directory may belong to another process');
  });

  test('a missing repository is not-found, naming the repository and the git command', async () => {
    const source = gitSource(join(dir, 'data-missing'));
    await assert.rejects(source.info('example.org/nothing-here', 'v1.0.0'), (err: Error) => {
      assert.ok(err instanceof NotFoundError, String(err));
      assert.match(
        err.message,
        new RegExp(
          `file://${root}/example.org/nothing-here: git ls-remote -q -- file://${root}/example.org/nothing-here`,
        ),
      );
      return true;
    });
  });

  test('credentials never appear in errors, and mapping URLs may not carry any', async () => {
    assert.throws(
      () =>
        new GitSource({
          dataDir: join(dir, 'data-credentials'),
          mappings: [{ pattern: 'corp.example/*', url: 'https://user:s3cret-token@git.corp.example/{path}' }],
        }),
      (err: Error) =>
        !err.message.includes('s3cret-token') &&
        /"corp\.example\/\*": the URL carries credentials/.test(err.message),
    );
    const url = 'https://user:s3cret-token@127.0.0.1:1/lib';
    await assert.rejects(
      new GitRunner().run(['ls-remote', '--', url], { repo: url, network: true }),
      (err: Error) => {
        assert.ok(err instanceof GitError, String(err));
        assert.doesNotMatch(err.message, /s3cret-token/);
        assert.match(
          err.message,
          /^https:\/\/\*\*\*@127\.0\.0\.1:1\/lib: git ls-remote -- https:\/\/\*\*\*@127\.0\.0\.1:1\/lib: exit status 128/,
        );
        return true;
      },
    );
  });

  test('a remote that never answers holds up nothing else, and times out with a clear error', async () => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const { module } = await repository();
      const source = new GitSource({
        dataDir: join(dir, 'data-timeout'),
        mappings: [
          { pattern: 'slow.example/*', url: `git://127.0.0.1:${port}/{path}` },
          { pattern: 'example.org/*', url: `file://${root}/{root}` },
        ],
        git: { networkTimeoutMs: 3_000 },
      });
      let slowSettled = false;
      const slow = source.list('slow.example/lib').finally(() => {
        slowSettled = true;
      });
      assert.equal(await source.list(module), 'v1.0.0\n');
      assert.equal(slowSettled, false, 'the other repository was answered while the silent one still hung');
      await assert.rejects(slow, (err: Error) => {
        assert.ok(err instanceof UpstreamError, String(err));
        assert.match(
          err.message,
          /git ls-remote -q -- git:\/\/127\.0\.0\.1:\d+\/lib: timed out after 3000 ms/,
        );
        return true;
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('queries that look like git options or paths are unknown revisions, never git arguments', async () => {
    const { module } = await repository();
    const source = gitSource(join(dir, 'data-hostile'));
    const out = join(dir, 'written-by-git');
    for (const query of [`--output=${out}`, '../../etc/passwd', 'HEAD~1', 'v1.0.0^{tree}', 'main:go.mod']) {
      await assert.rejects(source.info(module, query), NotFoundError, query);
    }
    assert.ok(!existsSync(out));
  });
});
