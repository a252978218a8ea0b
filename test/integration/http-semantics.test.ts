import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';

describe('HTTP semantics of served artifacts', () => {
  let fixture: ProxyFixture;
  let zip: Buffer;

  before(async () => {
    fixture = await ProxyFixture.start('http', [{ path: 'example.com/m', version: 'v1.0.0' }], {
      prepare: (tree) =>
        writeFile(join(tree, 'example.com/m/@latest'), '{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}'),
    });
    zip = await readFile(join(fixture.tree, 'example.com/m/@v/v1.0.0.zip'));
  });

  after(() => fixture.stop());

  test('content types follow the protocol', async () => {
    const cases: [string, string][] = [
      ['/example.com/m/@v/list', 'text/plain; charset=utf-8'],
      ['/example.com/m/@latest', 'application/json'],
      ['/example.com/m/@v/v1.0.0.info', 'application/json'],
      ['/example.com/m/@v/v1.0.0.mod', 'text/plain; charset=utf-8'],
      ['/example.com/m/@v/v1.0.0.zip', 'application/zip'],
    ];
    for (const [path, type] of cases) {
      const res = await rawRequest(fixture.modgate.url, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], type, path);
    }
  });

  test('the zip is served byte-identical, with HEAD, Range, If-Range and If-None-Match', async () => {
    const full = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.zip');
    assert.ok(full.body.equals(zip));
    const etag = String(full.headers.etag);
    assert.match(String(full.headers['cache-control']), /immutable/);

    const head = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.zip', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers['content-length']), zip.length);
    assert.equal(head.body.length, 0);

    const part = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: 'bytes=10-', 'if-range': etag },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 10-${zip.length - 1}/${zip.length}`);
    assert.ok(part.body.equals(zip.subarray(10)));

    const suffix = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: 'bytes=-5' },
    });
    assert.ok(suffix.body.equals(zip.subarray(zip.length - 5)));

    const staleIfRange = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: 'bytes=10-', 'if-range': '"other"' },
    });
    assert.equal(staleIfRange.status, 200, 'a changed validator gets the whole object');

    const unsatisfiable = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { range: `bytes=${zip.length + 10}-` },
    });
    assert.equal(unsatisfiable.status, 416);

    const notModified = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.zip', {
      headers: { 'if-none-match': etag },
    });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body.length, 0);
  });

  test('lists and latest are cached briefly and marked with their freshness', async () => {
    const before = fixture.upstream.count('/example.com/m/@latest');
    const first = await rawRequest(fixture.modgate.url, '/example.com/m/@latest');
    const second = await rawRequest(fixture.modgate.url, '/example.com/m/@latest');
    assert.equal(JSON.parse(second.body.toString()).Version, 'v1.0.0');
    assert.match(String(first.headers['cache-control']), /max-age=60/);
    assert.equal(second.headers['x-modgate-cache'], 'fresh');
    assert.ok(
      fixture.upstream.count('/example.com/m/@latest') - before <= 1,
      'the second answer came from the cache',
    );
  });

  test('not-found answers are remembered briefly', async () => {
    const first = await rawRequest(fixture.modgate.url, '/example.com/missing/@v/list');
    const second = await rawRequest(fixture.modgate.url, '/example.com/missing/@v/list');
    assert.equal(first.status, 404);
    assert.equal(second.status, 404);
    assert.match(second.body.toString(), /answered 404/);
    assert.equal(fixture.upstream.count('/example.com/missing/@v/list'), 1);
  });

  test('small artifacts answer Range too', async () => {
    const mod = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.mod', {
      headers: { range: 'bytes=0-5' },
    });
    assert.equal(mod.status, 206);
    assert.equal(mod.body.toString(), 'module');
  });

  test('health, readiness and metrics', async () => {
    assert.equal((await rawRequest(fixture.modgate.url, '/healthz')).status, 200);
    assert.equal((await rawRequest(fixture.modgate.url, '/readyz')).status, 200);
    const metrics = (await rawRequest(fixture.modgate.url, '/metrics')).body.toString();
    assert.match(metrics, /modgate_cache_lookups_total\{endpoint="zip",result="(hit|miss)"\}/);
    assert.doesNotMatch(metrics, /example\.com/, 'metric labels never carry module paths');
  });
});
