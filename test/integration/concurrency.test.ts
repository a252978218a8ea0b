import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

let dir: string;
let upstream: UpstreamServer;
let modgate: ModgateProcess;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-concurrency-'));
  await writeProxyTree(join(dir, 'tree'), [
    {
      path: 'example.com/big',
      version: 'v1.0.0',
      files: { 'big.go': `package big\n// ${'y'.repeat(1 << 20)}\n` },
    },
  ]);
  upstream = await UpstreamServer.start(join(dir, 'tree'));
  // A slow upstream makes all requests arrive while the first fetch is still running.
  upstream.delayMs = 300;
  modgate = await ModgateProcess.start(['--upstream', upstream.url, '--data', join(dir, 'data')]);
});

after(async () => {
  await modgate.stop();
  await upstream.stop();
  await rm(dir, { recursive: true, force: true });
});

test('100 concurrent requests for one uncached zip cause exactly one upstream fetch', async () => {
  const responses = await Promise.all(
    Array.from({ length: 100 }, async () => {
      const res = await fetch(`${modgate.url}/example.com/big/@v/v1.0.0.zip`);
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    }),
  );
  assert.equal(upstream.count('/example.com/big/@v/v1.0.0.zip'), 1);
  const first = responses[0]!;
  assert.equal(first.status, 200);
  for (const r of responses) {
    assert.equal(r.status, 200);
    assert.ok(r.bytes.equals(first.bytes), 'every client gets the same bytes');
  }
});
