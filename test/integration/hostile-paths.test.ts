import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';

let fixture: ProxyFixture;

before(async () => {
  fixture = await ProxyFixture.start('hostile', [{ path: 'example.com/m', version: 'v1.0.0' }]);
});

after(() => fixture.stop());

const HOSTILE: [string, RegExp][] = [
  ['/example.com/../../etc/@v/list', /malformed module path/],
  ['/%2e%2e/%2e%2e/etc/passwd/@v/list', /malformed module path/],
  ['/example.com/m/@v/..%2f..%2f..%2fetc%2fpasswd.info', /unknown file/],
  ['/example.com/m/@v/%2e%2e.info', /version|invalid/i],
  ['/example.com/!!m/@v/list', /invalid escaped module path|malformed/],
  ['/example.com/M/@v/list', /invalid escaped module path|malformed/],
  ['/example.com/m!/@v/list', /invalid escaped module path|malformed/],
  ['/example.com/%ZZ/@v/list', /malformed percent-encoding/],
  ['/example.com/m%00/@v/list', /malformed module path|invalid/],
  [`/example.com/${'a'.repeat(300)}/@v/list`, /longer than/],
  [`/${'example.com/a/'.repeat(100)}@v/list`, /longer than/],
  ['/example.com/m/@v/v1.0.zip', /not canonical \(use v1\.0\.0\)/],
  ['/example.com/m/@v/v1.0.0+meta.mod', /not canonical/],
  ['/example.com/m/@v/V1.0.0.zip', /invalid|not canonical/i],
  ['/example.com/m/@v/v2.0.0.zip', /major version|v2/],
  ['/example.com/m/@v/list.zip', /not canonical|invalid/i],
  ['/example.com/m/@v/v1.0.0.exe', /unknown file/],
  ['/example.com/m', /not a GOPROXY path/],
  ['/', /not a GOPROXY path/],
];

test('hostile and malformed paths get a 404 with a reason and reach neither storage nor upstream', async () => {
  const upstreamBefore = fixture.upstream.requests.length;
  for (const [path, reason] of HOSTILE) {
    const res = await rawRequest(fixture.modgate.url, path);
    assert.equal(res.status, 404, `${path} -> ${res.status} ${res.body}`);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8', path);
    assert.match(res.body.toString(), reason, path);
  }
  assert.equal(fixture.upstream.requests.length, upstreamBefore, 'nothing hostile was forwarded');
  assert.deepEqual((await readdir(fixture.data)).sort(), ['_modgate']);
});

test('the server keeps serving after hostile input', async () => {
  const ok = await rawRequest(fixture.modgate.url, '/example.com/m/@v/v1.0.0.mod');
  assert.equal(ok.status, 200);
  assert.equal((await rawRequest(fixture.modgate.url, '/healthz')).status, 200);
});
