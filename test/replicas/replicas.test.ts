import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ModgateProcess } from '../helpers/modgate.js';
import { type FixtureModule, writeProxyTree } from '../helpers/proxy-tree.js';
import { Radosgw } from '../helpers/radosgw.js';
import { RedisServer } from '../helpers/redis.js';
import { recordedFetch } from '../helpers/response-capture.js';
import { UpstreamServer } from '../helpers/upstream-server.js';
import { ReplicaSet } from './replica-set.js';

const LOCK_TTL_MS = 2_000;
const LIST_TTL_MS = 1_000;
const zipOf = (path: string) => `/${path}/@v/v1.0.0.zip`;
const BIG = 'example.com/big';
const CRASH = 'example.com/crash';
const OUTAGE = 'example.com/outage';
const RECOVERED = 'example.com/recovered';
const MODULES: FixtureModule[] = [BIG, CRASH, OUTAGE, RECOVERED].map((path) => ({
  path,
  version: 'v1.0.0',
  // Over 1 MiB, so that its download and upload take a while.
  files: { 'data.go': `package data\n// ${'z'.repeat(1 << 20)}\n` },
}));

/** GETs every URL at once; every answer must be 200 with the same bytes. */
async function fetchAll(urls: string[]): Promise<void> {
  const responses = await Promise.all(
    urls.map(async (url) => {
      const res = await recordedFetch(url);
      return { url, status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    }),
  );
  for (const r of responses) {
    assert.equal(r.status, 200, `${r.url}: ${r.bytes.toString('utf8', 0, 200)}`);
    assert.ok(r.bytes.equals(responses[0]!.bytes), 'every client gets the same bytes');
  }
}

async function readyz(replica: ModgateProcess): Promise<{ status: number; body: string }> {
  const res = await recordedFetch(`${replica.url}/readyz`);
  return { status: res.status, body: await res.text() };
}

async function coordinationUp(replica: ModgateProcess): Promise<string | undefined> {
  const metrics = await (await recordedFetch(`${replica.url}/metrics`)).text();
  return /^modgate_coordination_up (\d)$/m.exec(metrics)?.[1];
}

/** Waits until every replica's /readyz body is `body`: they notice Redis going and coming back on their own. */
async function waitForReadyz(replicas: readonly ModgateProcess[], body: RegExp): Promise<void> {
  for (const deadline = Date.now() + 15_000; ; ) {
    const answers = await Promise.all(replicas.map(readyz));
    if (answers.every((a) => a.status === 200 && body.test(a.body))) return;
    if (Date.now() > deadline)
      assert.fail(
        `/readyz never matched ${body}: ${answers.map((a) => `${a.status} ${a.body}`).join(' | ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('replicas sharing one bucket and one Redis', () => {
  let dir: string;
  let gateway: Radosgw;
  let redis: RedisServer;
  let upstream: UpstreamServer;
  let set: ReplicaSet;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-replicas-'));
    [gateway, redis] = await Promise.all([Radosgw.start(), RedisServer.start()]);
    await writeProxyTree(join(dir, 'tree'), MODULES);
    upstream = await UpstreamServer.start(join(dir, 'tree'));
    const bucket = await gateway.createBucket();
    const shared = [
      ['--upstream', upstream.url],
      [
        '--store',
        's3',
        '--s3-bucket',
        bucket,
        '--s3-endpoint',
        gateway.endpoint,
        '--s3-force-path-style',
        'true',
      ],
      ['--redis', redis.url, '--lock-ttl', `${LOCK_TTL_MS}ms`],
      ['--list-ttl', `${LIST_TTL_MS}ms`, '--stale-while-revalidate', '0s'],
    ].flat();
    set = await ReplicaSet.start(3, dir, shared, gateway.credentialsEnv);
  });

  /** A slow upstream makes every request arrive while the first fetch is still running. */
  async function slowly(requests: () => Promise<void>): Promise<void> {
    upstream.delayMs = 300;
    try {
      await requests();
    } finally {
      upstream.delayMs = 0;
    }
  }

  after(async () => {
    await set?.stop();
    await upstream?.stop();
    await Promise.all([redis?.stop(), gateway?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  test('every replica reports coordination up', async () => {
    for (const replica of set.replicas) {
      assert.deepEqual(await readyz(replica), { status: 200, body: 'ready\n' });
      assert.equal(await coordinationUp(replica), '1');
    }
  });

  test('300 concurrent requests for one uncached zip over three replicas cause exactly one upstream fetch', async () => {
    await slowly(() => fetchAll(set.roundRobin(zipOf(BIG), 300)));
    assert.equal(upstream.count(zipOf(BIG)), 1);
  });

  test('@v/list is fetched once over all replicas, and refreshed once when it expires', async () => {
    const list = `/${BIG}/@v/list`;
    await slowly(() => fetchAll(set.roundRobin(list, 30)));
    assert.equal(upstream.count(list), 1);
    // S3 keeps modification times to the second: the answer is out of date for sure a second after its TTL.
    await new Promise((resolve) => setTimeout(resolve, LIST_TTL_MS + 1_000));
    await slowly(() => fetchAll(set.roundRobin(list, 30)));
    assert.equal(upstream.count(list), 2);
  });

  test('a replica that crashes holding the lock wedges nothing: another fetches once the lock expires', async () => {
    // The first fetch of the zip never gets an answer, so replica 0 holds the lock until it dies.
    upstream.fault = (path) =>
      path === zipOf(CRASH) && upstream.count(zipOf(CRASH)) === 1 ? 'hang' : 'serve';
    const doomed = recordedFetch(`${set.replicas[0]!.url}${zipOf(CRASH)}`).then(
      () => assert.fail('the crashed replica answered'),
      () => {},
    );
    for (const deadline = Date.now() + 10_000; upstream.count(zipOf(CRASH)) === 0; ) {
      assert.ok(Date.now() < deadline, 'replica 0 never asked the upstream');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const waiting = fetchAll([1, 2, 1, 2].map((i) => `${set.replicas[i]!.url}${zipOf(CRASH)}`));
    // The others are waiting on the lock, not fetching.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(upstream.count(zipOf(CRASH)), 1);
    const crashedAt = Date.now();
    await set.crash(0);
    await waiting;
    await doomed;
    // Waiting out a lock file's 15 minutes, or the clients' patience, would fail this.
    assert.ok(Date.now() - crashedAt < LOCK_TTL_MS + 5_000, `took ${Date.now() - crashedAt} ms`);
    assert.equal(upstream.count(zipOf(CRASH)), 2, 'one fetch by the crashed replica, one by its successor');
    upstream.fault = () => 'serve';
    await set.restart(0);
  });

  test('with Redis down every replica serves, says it is degraded, and recovers when Redis is back', async () => {
    await redis.pause();
    await waitForReadyz(set.replicas, /^ready \(degraded: redis unreachable\)\n$/);
    for (const replica of set.replicas) {
      assert.equal(await coordinationUp(replica), '0');
      await replica.waitForLog('redis unreachable: serving on');
    }

    await fetchAll(set.roundRobin(zipOf(BIG), 9));
    assert.equal(upstream.count(zipOf(BIG)), 1, 'stored artifacts are served from the bucket');
    await slowly(() => fetchAll(set.roundRobin(zipOf(OUTAGE), 30)));
    const fetches = upstream.count(zipOf(OUTAGE));
    assert.ok(fetches >= 1 && fetches <= 3, `each replica fetches at most once on its own (${fetches})`);

    await redis.resume();
    await waitForReadyz(set.replicas, /^ready\n$/);
    for (const replica of set.replicas) assert.equal(await coordinationUp(replica), '1');
    await slowly(() => fetchAll(set.roundRobin(zipOf(RECOVERED), 90)));
    assert.equal(upstream.count(zipOf(RECOVERED)), 1);
  });
});
