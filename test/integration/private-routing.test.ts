import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../src/sumdb/note.js';
import { GoSandbox } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { rawRequest } from '../helpers/raw-http.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

const DB = generateKey('sum.public.test', Buffer.alloc(32, 5));

/**
 * With private patterns set, a private module path never reaches the public upstream or a public checksum
 * database: not for downloads, lists, `go get` of packages inside modules (which probes path prefixes),
 * missing modules, or the client's own checksum lookups through modgate.
 */
describe('private modules never reach the public upstream or checksum database', () => {
  let dir: string;
  let publicUpstream: UpstreamServer;
  let privateUpstream: UpstreamServer;
  let publicDb: UpstreamServer;
  let modgate: ModgateProcess;
  let go: GoSandbox;
  const env = () => ({ GOPROXY: modgate.url, GOSUMDB: DB.verifierKey, GONOSUMDB: 'corp.example' });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-routing-'));
    await writeProxyTree(join(dir, 'public'), [{ path: 'example.com/pub', version: 'v1.0.0' }]);
    await writeProxyTree(join(dir, 'private'), [
      {
        path: 'corp.example/lib',
        version: 'v1.0.0',
        files: { 'lib.go': 'package lib\n', 'sub/sub.go': 'package sub\n\nconst X = 1\n' },
      },
    ]);
    await writeProxyTree(join(dir, 'db'), []);
    publicUpstream = await UpstreamServer.start(join(dir, 'public'));
    privateUpstream = await UpstreamServer.start(join(dir, 'private'));
    publicDb = await UpstreamServer.start(join(dir, 'db'));
    modgate = await ModgateProcess.start([
      '--upstream',
      publicUpstream.url,
      '--private',
      'corp.example',
      '--private-upstream',
      privateUpstream.url,
      '--sumdb',
      `sum.public.test=${publicDb.url}`,
      '--data',
      join(dir, 'data'),
    ]);
    go = await GoSandbox.create();
  });

  after(async () => {
    await modgate?.stop();
    for (const server of [publicUpstream, privateUpstream, publicDb]) await server?.stop();
    await go?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('downloads, lists, go get of a package inside, and missing modules stay on the private side', async () => {
    const download = await go.run(['mod', 'download', '-json', 'corp.example/lib@v1.0.0'], { env: env() });
    assert.equal(download.code, 0, download.stderr + download.stdout);
    const list = await go.run(['list', '-m', '-versions', 'corp.example/lib'], { env: env() });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /corp\.example\/lib v1\.0\.0/);

    const project = join(go.dir, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'go.mod'), 'module example.com/app\n\ngo 1.19\n');
    const get = await go.run(['get', 'corp.example/lib/sub@v1.0.0'], { cwd: project, env: env() });
    assert.equal(get.code, 0, get.stderr);

    const missing = await go.run(['mod', 'download', 'corp.example/missing@v1.0.0'], { env: env() });
    assert.notEqual(missing.code, 0);

    assert.ok(
      privateUpstream.requests.some((p) => p.includes('corp.example/lib')),
      'the private side was used',
    );
    assert.ok(
      privateUpstream.requests.some((p) => p.includes('corp.example/lib/sub')),
      'go get probed prefixes',
    );
    const leaked = [...publicUpstream.requests, ...publicDb.requests].filter((p) =>
      p.includes('corp.example'),
    );
    assert.deepEqual(leaked, []);
  });

  test("a client's checksum lookup of a private module is refused, not forwarded", async () => {
    const res = await rawRequest(modgate.url, '/sumdb/sum.public.test/lookup/corp.example/lib@v1.0.0');
    assert.equal(res.status, 404);
    assert.match(res.body.toString(), /is private, so modgate does not ask a public checksum database/);
    assert.deepEqual(
      publicDb.requests.filter((p) => p.includes('corp.example')),
      [],
    );
  });

  test('public modules still come from the public upstream', async () => {
    const result = await go.run(['mod', 'download', 'example.com/pub@v1.0.0'], {
      env: { ...env(), GOSUMDB: 'off' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(publicUpstream.requests.some((p) => p.includes('example.com/pub')));
    assert.deepEqual(
      privateUpstream.requests.filter((p) => p.includes('example.com/pub')),
      [],
    );
  });
});
