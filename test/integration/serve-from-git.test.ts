import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GitFixture } from '../helpers/git-fixture.js';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { type DirectDownload, GoDirectOracle } from '../helpers/go-direct.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { rawRequest } from '../helpers/raw-http.js';
import { runModgate } from '../helpers/run-cli.js';

/**
 * `modgate serve` configured from its settings alone serves private modules from git (`privateUpstream`
 * direct, the default) and public ones from git too (`upstream direct`), with the hashes the
 * go command computes in direct mode, and never asks the upstream about a private module.
 */
describe('modgate serve with the git source', () => {
  let dir: string;
  let modgate: ModgateProcess;
  let oracle: GoDirectOracle;
  let go: GoSandbox;
  const reference = new Map<string, DirectDownload>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-serve-git-'));
    const root = join(dir, 'git');
    for (const path of ['github.com/acme/widget', 'github.com/corp/secret']) {
      const repo = await GitFixture.create(root, path);
      await repo.commit('first', {
        files: { 'go.mod': `module ${path}\n\ngo 1.21\n`, 'lib.go': 'package lib\n' },
      });
      await repo.tag('v1.0.0');
      await repo.commit('second', { files: { 'lib.go': 'package lib\n\nconst Two = 2\n' } });
      await repo.tag('v1.1.0', { annotated: true });
      await repo.publish();
    }
    oracle = await GoDirectOracle.create(root);
    for (const m of ['github.com/acme/widget', 'github.com/corp/secret'])
      reference.set(m, await oracle.download(m, 'v1.1.0'));
    modgate = await ModgateProcess.start([
      '--data',
      join(dir, 'data'),
      // No upstream proxy at all for public modules: straight to git, as GOPROXY=direct.
      '--upstream',
      'direct',
      '--private',
      'github.com/corp',
      '--git-mappings',
      `github.com/*/*=file://${root}/{root}`,
    ]);
    go = await GoSandbox.create();
  });

  after(async () => {
    await modgate?.stop();
    await oracle?.sandbox.dispose();
    await go?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('go downloads public and private modules through modgate with go direct hashes', async () => {
    const result = await go.run(
      ['mod', 'download', '-json', 'github.com/acme/widget@latest', 'github.com/corp/secret@v1.1.0'],
      { env: { GOPROXY: modgate.url, GOSUMDB: 'off' } },
    );
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const d of parseJsonStream<Download>(result.stdout)) {
      const want = reference.get(d.Path)!;
      assert.equal(d.Version, 'v1.1.0', d.Path);
      assert.equal(d.Sum, want.sum, d.Path);
      assert.equal(d.GoModSum, want.goModSum, d.Path);
    }
  });

  test('a module git does not have is a 404 with a reason', async () => {
    const result = await go.run(['mod', 'download', 'github.com/corp/missing@v1.0.0'], {
      env: { GOPROXY: modgate.url, GOSUMDB: 'off' },
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /404 Not Found/);
  });

  test('module paths that lead to local or private addresses are refused (SSRF)', async () => {
    for (const [path, host] of [
      ['/127.0.0.1/repo/@v/list', '127.0.0.1'],
      ['/169.254.169.254/latest.git/@v/list', '169.254.169.254'],
      ['/10.0.0.8/team/repo/@v/v1.0.0.info', '10.0.0.8'],
    ]) {
      const res = await rawRequest(modgate.url, path!);
      assert.equal(res.status, 404, path);
      assert.match(
        res.body.toString(),
        new RegExp(`refusing to fetch from ${host!.replaceAll('.', '\\.')}`),
        path,
      );
    }
  });

  test('git tokens are refused on the command line and never echoed', async () => {
    const run = await runModgate(['serve', '--git-tokens', 'https://git.corp.example/=S3CRET'], {
      env: { PATH: process.env.PATH },
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /gitTokens is a credential and is not taken from the command line/);
    assert.doesNotMatch(run.stderr, /S3CRET/);
    const bad = await runModgate(['serve', '--data', join(dir, 'never')], {
      env: { PATH: process.env.PATH, MODGATE_GIT_TOKENS: 'git.corp.example=S3CRET' },
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /URL-prefix=token/);
    assert.doesNotMatch(bad.stderr, /S3CRET/);
  });
});
