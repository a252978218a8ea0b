import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FileLocks } from '../../src/proxy/locks.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-locks-'));
});

after(() => rm(dir, { recursive: true, force: true }));

test('a held lock is refused to others until released', async () => {
  const locks = new FileLocks(dir, 60_000);
  const release = await locks.tryAcquire('a');
  assert.ok(release);
  assert.equal(await locks.tryAcquire('a'), undefined);
  await release();
  const again = await locks.tryAcquire('a');
  assert.ok(again);
  await again();
});

test('a lock whose owner process is gone, or that is too old, is broken', async () => {
  const locks = new FileLocks(dir, 60_000);
  const release = await locks.tryAcquire('b');
  assert.ok(release);
  // Simulate a crashed owner: the lock names a pid that no longer runs.
  const dead = spawnSync(process.execPath, ['-e', '']);
  const [file] = (await readdir(dir)).filter((f) => !f.includes('.'));
  await writeFile(join(dir, file!), `${dead.pid}\n`);
  const taken = await locks.tryAcquire('b');
  assert.ok(taken, 'the dead owner lock was broken');
  await taken();
  const stale = new FileLocks(dir, 0);
  const held = await stale.tryAcquire('c');
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(await stale.tryAcquire('c'), 'a lock older than the stale age is broken');
  await held?.();
});

test('many contenders in one process: exactly one holds the lock at a time', async () => {
  const locks = new FileLocks(dir, 60_000);
  let holders = 0;
  let maxHolders = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (;;) {
        const release = await locks.tryAcquire('d');
        if (!release) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        holders++;
        maxHolders = Math.max(maxHolders, holders);
        await new Promise((r) => setTimeout(r, 2));
        holders--;
        done++;
        await release();
        return;
      }
    }),
  );
  assert.equal(done, 20);
  assert.equal(maxHolders, 1);
});

test('processes contending for one lock never hold it together', async () => {
  const locksModule = new URL('../../src/proxy/locks.js', import.meta.url).href;
  // Each child takes the lock 40 times and, while holding it, claims a marker file exclusively:
  // a second holder would find the marker present and report the overlap.
  const child = `
    const { FileLocks } = await import(${JSON.stringify(locksModule)});
    const { writeFile, unlink } = await import('node:fs/promises');
    const locks = new FileLocks(process.argv[1], 60_000);
    let overlaps = 0;
    for (let i = 0; i < 40; ) {
      const release = await locks.tryAcquire('shared');
      if (!release) { await new Promise((r) => setTimeout(r, 1)); continue; }
      try { await writeFile(process.argv[1] + '/holder', 'x', { flag: 'wx' }); } catch { overlaps++; }
      await new Promise((r) => setTimeout(r, 1));
      await unlink(process.argv[1] + '/holder').catch(() => {});
      await release();
      i++;
    }
    console.log(overlaps);
  `;
  const lockDir = await mkdtemp(join(dir, 'race-'));
  const results = await Promise.all(
    Array.from({ length: 4 }, () => {
      return new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--input-type=module', '-e', child, lockDir], (err, stdout, stderr) =>
          err ? reject(new Error(stderr)) : resolve(stdout.trim()),
        );
      });
    }),
  );
  assert.deepEqual(results, ['0', '0', '0', '0']);
});

test('processes racing to break one dead owner lock: exactly one of them wins it', async () => {
  const locksModule = new URL('../../src/proxy/locks.js', import.meta.url).href;
  const child = `
    const { FileLocks } = await import(${JSON.stringify(locksModule)});
    const release = await new FileLocks(process.argv[1], 60_000).tryAcquire('crashed');
    console.log(release ? 'won' : 'lost');
    // Stay alive a while: a winner that exited at once would leave a dead-owner lock for the next one.
    await new Promise((r) => setTimeout(r, 1500));
  `;
  for (let trial = 0; trial < 5; trial++) {
    const lockDir = await mkdtemp(join(dir, 'stale-'));
    const owner = new FileLocks(lockDir, 60_000);
    await owner.tryAcquire('crashed');
    const [file] = (await readdir(lockDir)).filter((f) => !f.includes('.'));
    await writeFile(join(lockDir, file!), `${spawnSync(process.execPath, ['-e', '']).pid}\n`);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => {
        return new Promise<string>((resolve, reject) => {
          execFile(process.execPath, ['--input-type=module', '-e', child, lockDir], (err, stdout, stderr) =>
            err ? reject(new Error(stderr)) : resolve(stdout.trim()),
          );
        });
      }),
    );
    assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
  }
});
