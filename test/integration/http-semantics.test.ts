import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { rawRequest } from '../helpers/raw-http.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

describe('HTTP semantics of served artifacts', () => {
  let dir: string;
  let upstream: UpstreamServer;
  let modgate: ModgateProcess;
  let zip: Buffer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-http-'));
    await writeProxyTree(join(dir, 'tree'), [{ path: 'example.com/m', version: 'v1.0.0' }]);
    await writeFile(
      join(dir, 'tree/example.com/m/@latest'),
      '{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}',
    );
    zip = await readFile(join(dir, 'tree/example.com/m/@v/v1.0.0.zip'));
    upstream = await UpstreamServer.start(join(dir, 'tree'));
    modgate = await ModgateProcess.start(['--upstream', upstream.url, '--data', join(dir, 'data')]);
  });

  after(async () => {
    await modgate.stop();
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('content types follow the protocol', async () => {
    const cases: [string, string][] = [
      ['/example.com/m/@v/list', 'text/plain; charset=utf-8'],
      ['/example.com/m/@latest', 'application/json'],
      ['/example.com/m/@v/v1.0.0.info', 'application/json'],
      ['/example.com/m/@v/v1.0.0.mod', 'text/plain; charset=utf-8'],
      ['/example.com/m/@v/v1.0.0.zip', 'application/zip'],
    ];
    for (const [path, type] of cases) {
      const res = await rawRequest(modgate.url, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], type, path);
    }
  });

  test('the zip is served byte-identical, with HEAD, Range, If-Range and If-None-Match', async () => {
    const full = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip');
    assert.ok(full.body.equals(zip));
    const etag = String(full.headers.etag);
    assert.match(String(full.headers['cache-control']), /immutable/);

    const head = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers['content-length']), zip.length);
    assert.equal(head.body.length, 0);

    const part = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: 'bytes=10-', 'if-range': etag },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 10-${zip.length - 1}/${zip.length}`);
    assert.ok(part.body.equals(zip.subarray(10)));

    const suffix = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: 'bytes=-5' },
    });
    assert.ok(suffix.body.equals(zip.subarray(zip.length - 5)));

    const staleIfRange = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: 'bytes=10-', 'if-range': '"other"' },
    });
    assert.equal(staleIfRange.status, 200, 'a changed validator gets the whole object');

    const unsatisfiable = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: `bytes=${zip.length + 10}-` },
    });
    assert.equal(unsatisfiable.status, 416);

    const notModified = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { 'if-none-match': etag },
    });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body.length, 0);
  });

  test('lists and latest are cached briefly and marked with their freshness', async () => {
    const before = upstream.count('/example.com/m/@latest');
    const first = await rawRequest(modgate.url, '/example.com/m/@latest');
    const second = await rawRequest(modgate.url, '/example.com/m/@latest');
    assert.equal(JSON.parse(second.body.toString()).Version, 'v1.0.0');
    assert.match(String(first.headers['cache-control']), /max-age=60/);
    assert.equal(second.headers['x-modgate-cache'], 'fresh');
    assert.ok(
      upstream.count('/example.com/m/@latest') - before <= 1,
      'the second answer came from the cache',
    );
  });

  test('not-found answers are remembered briefly', async () => {
    const first = await rawRequest(modgate.url, '/example.com/missing/@v/list');
    const second = await rawRequest(modgate.url, '/example.com/missing/@v/list');
    assert.equal(first.status, 404);
    assert.equal(second.status, 404);
    assert.match(second.body.toString(), /answered 404/);
    assert.equal(upstream.count('/example.com/missing/@v/list'), 1);
  });

  test('small artifacts answer Range too', async () => {
    const mod = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.mod', {
      headers: { range: 'bytes=0-5' },
    });
    assert.equal(mod.status, 206);
    assert.equal(mod.body.toString(), 'module');
  });

  test('health, readiness and metrics', async () => {
    assert.equal((await rawRequest(modgate.url, '/healthz')).status, 200);
    assert.equal((await rawRequest(modgate.url, '/readyz')).status, 200);
    const metrics = (await rawRequest(modgate.url, '/metrics')).body.toString();
    assert.match(metrics, /modgate_cache_lookups_total\{endpoint="zip",result="(hit|miss)"\}/);
    assert.doesNotMatch(metrics, /example\.com/, 'metric labels never carry module paths');
  });
});
