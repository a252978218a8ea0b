import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { ProcessLocks } from '../../src/proxy/locks.js';
import { RedisLocks } from '../../src/proxy/redis-locks.js';
import { freePort } from '../helpers/daemon.js';
import { RedisServer } from '../helpers/redis.js';

let redis: RedisServer;
let raw: Redis;
const opened: RedisLocks[] = [];

before(async () => {
  redis = await RedisServer.start();
  raw = new Redis(redis.url);
});

after(async () => {
  await Promise.all(opened.map((l) => l.close()));
  raw?.disconnect();
  await redis?.stop();
});

/** A replica's locks: a separate client, as another process would have. */
async function replica(url = redis.url, ttlMs = 1_000): Promise<{ locks: RedisLocks; states: boolean[] }> {
  const states: boolean[] = [];
  const locks = new RedisLocks({
    url,
    ttlMs,
    namespace: 's3:http://gw/bucket/',
    fallback: new ProcessLocks(),
    onStateChange: (up) => states.push(up),
  });
  opened.push(locks);
  await locks.connect();
  return { locks, states };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a lock held by one replica is refused to another until released', async () => {
  const [a, b] = [await replica(), await replica()];
  assert.ok(a.locks.coordinated && b.locks.coordinated);
  const release = await a.locks.tryAcquire('example.com/a/@v/v1.0.0.zip');
  assert.ok(release);
  assert.equal(await b.locks.tryAcquire('example.com/a/@v/v1.0.0.zip'), undefined);
  await release();
  const again = await b.locks.tryAcquire('example.com/a/@v/v1.0.0.zip');
  assert.ok(again);
  await again();
});

test('a live holder keeps its lock past the TTL; the lock then expires once it stops extending it', async () => {
  const [a, b] = [await replica(), await replica()];
  const release = await a.locks.tryAcquire('long-download');
  assert.ok(release);
  await pause(2_500);
  assert.equal(await b.locks.tryAcquire('long-download'), undefined, 'the heartbeat kept it');
  // A crash, as Redis sees it: the heartbeat stops and the lock is never released.
  await a.locks.close();
  await pause(1_200);
  const taken = await b.locks.tryAcquire('long-download');
  assert.ok(taken, 'expired after the TTL');
  await taken();
});

test('a holder whose lock expired and was taken by another does not release the new holder', async () => {
  const [a, b, c] = [await replica(), await replica(), await replica()];
  const stale = await a.locks.tryAcquire('contended');
  assert.ok(stale);
  // As if the lock expired while its holder stalled.
  await raw.flushall();
  const current = await b.locks.tryAcquire('contended');
  assert.ok(current);
  await stale();
  assert.equal(await c.locks.tryAcquire('contended'), undefined, 'b still holds it');
  await current();
});

test('Redis keys are hashes: module paths never appear in Redis', async () => {
  const { locks } = await replica();
  const release = await locks.tryAcquire('git.corp.example/secret/@v/v1.0.0.zip');
  assert.ok(release);
  const keys = await raw.keys('*');
  assert.ok(keys.length > 0);
  for (const key of keys) assert.match(key, /^modgate:lock:[0-9a-f]{40}$/);
  await release();
});

test('with Redis unreachable the fallback locks answer at once and the state says so', async () => {
  const { locks, states } = await replica(`redis://127.0.0.1:${await freePort()}`);
  assert.equal(locks.coordinated, false);
  assert.deepEqual(states, [false]);
  const release = await locks.tryAcquire('anything');
  assert.ok(release, 'the process lock was taken');
  await release();
});

test('a Redis that stops answering is given up after a second and used again once it answers', async () => {
  const { locks, states } = await replica();
  redis.freeze();
  try {
    const started = Date.now();
    const release = await locks.tryAcquire('frozen');
    assert.ok(release, 'the process lock was taken');
    await release();
    assert.ok(Date.now() - started < 5_000, 'no waiting on a silent Redis');
    assert.equal(locks.coordinated, false);
  } finally {
    redis.thaw();
  }
  for (const deadline = Date.now() + 10_000; !locks.coordinated; await pause(50))
    assert.ok(Date.now() < deadline, 'never reconnected');
  assert.deepEqual(states, [true, false, true]);
});
