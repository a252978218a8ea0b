import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GoSandbox } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { recordedFetch } from '../helpers/response-capture.js';
import { type Fault, UpstreamServer } from '../helpers/upstream-server.js';

const FAST_FAILURE = ['--upstream-retries', '0', '--upstream-response-timeout', '1s', '--not-found-ttl', '0'];

describe('upstream faults as the go client sees them', () => {
  let dir: string;
  let first: UpstreamServer;
  let second: UpstreamServer;
  let go: GoSandbox;
  const running: ModgateProcess[] = [];

  const start = async (upstream: string, extra: string[] = []) => {
    const data = join(dir, `data-${running.length}`);
    const m = await ModgateProcess.start(['--upstream', upstream, '--data', data, ...FAST_FAILURE, ...extra]);
    running.push(m);
    return { modgate: m, data };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-faults-'));
    await writeProxyTree(join(dir, 'tree'), [
      {
        path: 'example.com/m',
        version: 'v1.0.0',
        files: { 'm.go': `package m\n// ${'x'.repeat(200_000)}\n` },
      },
    ]);
    first = await UpstreamServer.start(join(dir, 'tree'));
    second = await UpstreamServer.start(join(dir, 'tree'));
    go = await GoSandbox.create();
  });

  beforeEach(async () => {
    first.fault = () => 'serve';
    second.fault = () => 'serve';
    await go.clearModCache();
  });

  after(async () => {
    for (const m of running) await m.stop('SIGKILL');
    await first.stop();
    await second.stop();
    await go.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const download = (proxy: string) =>
    go.run(['mod', 'download', '-json', 'example.com/m@v1.0.0'], { env: { GOPROXY: proxy } });

  for (const fault of ['404', '410'] as Fault[]) {
    test(`"," falls through to the next upstream on ${fault}`, async () => {
      first.fault = () => fault;
      const { modgate } = await start(`${first.url},${second.url}`);
      const result = await download(modgate.url);
      assert.equal(result.code, 0, result.stderr + result.stdout);
      assert.ok(second.count('/example.com/m/@v/v1.0.0.zip') > 0);
    });
  }

  for (const fault of ['500', 'refuse', 'hang'] as Fault[]) {
    test(`"," stops on ${fault} and the client gets a 404 with the reason, so its own fallback still works`, async () => {
      first.fault = () => fault;
      const before = second.requests.length;
      const { modgate, data } = await start(`${first.url},${second.url}`);
      const result = await download(modgate.url);
      assert.notEqual(result.code, 0);
      assert.match(result.stdout + result.stderr, /404 Not Found/);
      assert.match(result.stdout + result.stderr, /server response: cannot fetch from upstream now/);
      assert.equal(second.requests.length, before, 'the second upstream was not asked');
      assert.equal(existsSync(join(data, 'example.com/m/@v/v1.0.0.zip')), false);
      // The client's own list falls through modgate's 404 to the next entry, as it does for any proxy.
      const fallback = await download(`${modgate.url},file://${join(dir, 'tree')}`);
      assert.equal(fallback.code, 0, fallback.stderr + fallback.stdout);
    });

    test(`"|" falls through to the next upstream on ${fault}`, async () => {
      first.fault = () => fault;
      const { modgate } = await start(`${first.url}|${second.url}`);
      const result = await download(modgate.url);
      assert.equal(result.code, 0, result.stderr + result.stdout);
    });
  }

  test('a zip cut short is never stored, and a later good answer is', async () => {
    first.fault = (path) => (path.endsWith('.zip') ? 'cut' : 'serve');
    const { modgate, data } = await start(first.url);
    const failed = await download(modgate.url);
    assert.notEqual(failed.code, 0);
    assert.equal(existsSync(join(data, 'example.com/m/@v/v1.0.0.zip')), false);
    assert.deepEqual(await readdir(join(data, '_modgate/tmp')), [], 'no staging file is left behind');
    first.fault = () => 'serve';
    const ok = await download(modgate.url);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.equal(existsSync(join(data, 'example.com/m/@v/v1.0.0.zip')), true);
  });

  test('redirects are followed, as go follows them', async () => {
    first.fault = (path) => (path.startsWith('/mirror/') ? 'serve' : 'redirect');
    const { modgate } = await start(first.url);
    const result = await download(modgate.url);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.ok(first.count('/mirror/example.com/m/@v/v1.0.0.zip') > 0);
  });

  test('retries ride over a transient 500', async () => {
    let failures = 0;
    first.fault = (path) => (path.endsWith('.zip') && failures++ < 1 ? '500' : 'serve');
    const { modgate } = await start(first.url, ['--upstream-retries', '2']);
    const result = await download(modgate.url);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(failures, 2, 'one failed attempt, one retry');
  });

  test('never retries a 404', async () => {
    first.fault = () => '404';
    const { modgate } = await start(first.url, ['--upstream-retries', '3']);
    const before = first.count('/example.com/m/@v/v1.0.0.info');
    await download(modgate.url);
    assert.equal(first.count('/example.com/m/@v/v1.0.0.info') - before, 1);
  });

  test('a list is served stale when every upstream fails', async () => {
    const { modgate } = await start(first.url, ['--list-ttl', '0s', '--stale-while-revalidate', '0s']);
    const fresh = await recordedFetch(`${modgate.url}/example.com/m/@v/list`);
    assert.equal(fresh.status, 200);
    assert.equal(await fresh.text(), 'v1.0.0\n');
    first.fault = () => '500';
    const stale = await recordedFetch(`${modgate.url}/example.com/m/@v/list`);
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get('x-modgate-cache'), 'stale-if-error');
    assert.equal(await stale.text(), 'v1.0.0\n');
  });

  test('after the TTL a stale list is served at once while a background refresh fetches the new one', async () => {
    const { modgate } = await start(first.url, ['--list-ttl', '0s', '--stale-while-revalidate', '10m']);
    assert.equal(
      (await recordedFetch(`${modgate.url}/example.com/m/@v/list`)).headers.get('x-modgate-cache'),
      'fetched',
    );
    const before = first.count('/example.com/m/@v/list');
    const stale = await recordedFetch(`${modgate.url}/example.com/m/@v/list`);
    assert.equal(stale.headers.get('x-modgate-cache'), 'stale');
    assert.equal(await stale.text(), 'v1.0.0\n');
    while (first.count('/example.com/m/@v/list') === before) await new Promise((r) => setTimeout(r, 10));
  });

  test('a crash mid-download leaves nothing partial; after a restart the full zip is served', async () => {
    first.fault = (path) => (path.endsWith('.zip') ? 'stall' : 'serve');
    const data = join(dir, 'crash-data');
    const crashing = await ModgateProcess.start([
      '--upstream',
      first.url,
      '--data',
      data,
      ...FAST_FAILURE,
      '--upstream-response-timeout',
      '30s',
    ]);
    running.push(crashing);
    const pending = recordedFetch(`${crashing.url}/example.com/m/@v/v1.0.0.zip`).catch(() => undefined);
    // Wait until half the zip sits in a staging file, then kill -9.
    while ((await readdir(join(data, '_modgate/tmp'))).length === 0)
      await new Promise((r) => setTimeout(r, 20));
    await crashing.stop('SIGKILL');
    await pending;
    assert.equal(existsSync(join(data, 'example.com/m/@v/v1.0.0.zip')), false);
    first.fault = () => 'serve';
    const restarted = await ModgateProcess.start(['--upstream', first.url, '--data', data, ...FAST_FAILURE]);
    running.push(restarted);
    assert.deepEqual(
      await readdir(join(data, '_modgate/tmp')),
      [],
      'the partial staging file was cleaned up at start',
    );
    const result = await download(restarted.url);
    assert.equal(result.code, 0, result.stderr + result.stdout);
  });
});
