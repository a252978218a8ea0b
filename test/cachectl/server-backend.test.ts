import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModgateProcess } from '../helpers/modgate.js';
import { CacheProject, type RestoreJson } from './cache-project.js';

describe('a modgate server as the cache', () => {
  let p: CacheProject;
  let server: ModgateProcess;

  before(async () => {
    p = await CacheProject.create('cache-server');
    server = await ModgateProcess.start(['--upstream', p.upstream.url, '--data', join(p.dir, 'server-data')]);
    await p.downloadDependencies();
  });

  after(async () => {
    await server?.stop();
    await p?.dispose();
  });

  test('restore fetches through the GOPROXY protocol, and go then needs no network', async () => {
    await p.go.clearModCache();
    const restored = await p.cacheJson<RestoreJson>(['restore', '--from', server.url, '--check']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.hits, 6);
    assert.equal(restored.report.check?.ok, true);
    const requestsBefore = p.upstream.requests.length;
    await p.goOnline(['mod', 'download']);
    assert.deepEqual(p.upstream.requests.slice(requestsBefore), []);
  });

  test('a version the server cannot find is a miss, not an error', async () => {
    p.upstream.fault = (path) => (path.includes('/app/lib/') ? '404' : 'serve');
    const fresh = await ModgateProcess.start([
      '--upstream',
      p.upstream.url,
      '--data',
      join(p.dir, 'fresh-data'),
    ]);
    try {
      await p.go.clearModCache();
      const restored = await p.cacheJson<RestoreJson>(['restore', '--from', fresh.url]);
      assert.equal(restored.code, 3, restored.stderr);
      assert.deepEqual(
        restored.report.misses.map((m) => `${m.module} ${m.file}`),
        ['example.com/app/lib zip', 'example.com/app/lib mod', 'example.com/app/lib info'],
      );
      assert.deepEqual(restored.report.errors, []);
    } finally {
      p.upstream.fault = () => 'serve';
      await fresh.stop();
    }
  });

  test('save to a server uploads nothing and says why', async () => {
    const requestsBefore = p.upstream.requests.length;
    const saved = await p.cache(['save', '--to', server.url]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(
      saved.stdout,
      /is a GOPROXY server, which caches modules as it serves them: nothing to upload/,
    );
    assert.equal(p.upstream.requests.length, requestsBefore);
  });
});
