import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { recordedFetch } from '../helpers/response-capture.js';

const BIG = {
  path: 'example.com/big',
  version: 'v1.0.0',
  files: { 'big.go': `package big\n// ${'y'.repeat(1 << 20)}\n` },
};
const VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v2.0.0+incompatible'];
const MODULES = [BIG, ...VERSIONS.map((version) => ({ path: 'example.com/multi', version }))];

/** `count` simultaneous GETs of one path; every answer must be 200 with the same bytes. */
async function hammer(url: string, count: number): Promise<void> {
  const responses = await Promise.all(
    Array.from({ length: count }, async () => {
      const res = await recordedFetch(url);
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    }),
  );
  for (const r of responses) {
    assert.equal(r.status, 200);
    assert.ok(r.bytes.equals(responses[0]!.bytes), 'every client gets the same bytes');
  }
}

for (const workers of [1, 2]) {
  describe(`one upstream fetch per artifact with ${workers} worker process(es)`, () => {
    let fixture: ProxyFixture;

    before(async () => {
      fixture = await ProxyFixture.start(`concurrency${workers}`, MODULES, {
        args: ['--workers', String(workers)],
      });
      // A slow upstream makes all requests arrive while the first fetch is still running.
      fixture.upstream.delayMs = 300;
    });

    after(() => fixture.stop());

    test('100 concurrent requests for one uncached zip cause exactly one upstream fetch', async () => {
      await hammer(`${fixture.modgate.url}/example.com/big/@v/v1.0.0.zip`, 100);
      assert.equal(fixture.upstream.count('/example.com/big/@v/v1.0.0.zip'), 1);
    });

    test('concurrent .mod fetches of several versions all land in the local version list', async () => {
      await Promise.all(
        VERSIONS.map((v) => hammer(`${fixture.modgate.url}/example.com/multi/@v/${v}.mod`, 10)),
      );
      for (const v of VERSIONS) assert.equal(fixture.upstream.count(`/example.com/multi/@v/${v}.mod`), 1, v);
      const list = await readFile(join(fixture.data, 'example.com/multi/@v/list'), 'utf8');
      assert.deepEqual(list.trim().split('\n'), VERSIONS);
    });
  });
}
