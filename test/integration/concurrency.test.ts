import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ProxyFixture } from '../helpers/proxy-fixture.js';

let fixture: ProxyFixture;

before(async () => {
  fixture = await ProxyFixture.start('concurrency', [
    {
      path: 'example.com/big',
      version: 'v1.0.0',
      files: { 'big.go': `package big\n// ${'y'.repeat(1 << 20)}\n` },
    },
  ]);
  // A slow upstream makes all requests arrive while the first fetch is still running.
  fixture.upstream.delayMs = 300;
});

after(() => fixture.stop());

test('100 concurrent requests for one uncached zip cause exactly one upstream fetch', async () => {
  const responses = await Promise.all(
    Array.from({ length: 100 }, async () => {
      const res = await fetch(`${fixture.modgate.url}/example.com/big/@v/v1.0.0.zip`);
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    }),
  );
  assert.equal(fixture.upstream.count('/example.com/big/@v/v1.0.0.zip'), 1);
  const first = responses[0]!;
  assert.equal(first.status, 200);
  for (const r of responses) {
    assert.equal(r.status, 200);
    assert.ok(r.bytes.equals(first.bytes), 'every client gets the same bytes');
  }
});
