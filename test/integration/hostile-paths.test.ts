import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { rawRequest } from '../helpers/raw-http.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

let dir: string;
let upstream: UpstreamServer;
let modgate: ModgateProcess;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-hostile-'));
  await writeProxyTree(join(dir, 'tree'), [{ path: 'example.com/m', version: 'v1.0.0' }]);
  upstream = await UpstreamServer.start(join(dir, 'tree'));
  modgate = await ModgateProcess.start(['--upstream', upstream.url, '--data', join(dir, 'data')]);
});

after(async () => {
  await modgate.stop();
  await upstream.stop();
  await rm(dir, { recursive: true, force: true });
});

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
  const upstreamBefore = upstream.requests.length;
  for (const [path, reason] of HOSTILE) {
    const res = await rawRequest(modgate.url, path);
    assert.equal(res.status, 404, `${path} -> ${res.status} ${res.body}`);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8', path);
    assert.match(res.body.toString(), reason, path);
  }
  assert.equal(upstream.requests.length, upstreamBefore, 'nothing hostile was forwarded');
  assert.deepEqual((await readdir(join(dir, 'data'))).sort(), ['_modgate']);
});

test('the server keeps serving after hostile input', async () => {
  const ok = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.mod');
  assert.equal(ok.status, 200);
  assert.equal((await rawRequest(modgate.url, '/healthz')).status, 200);
});
