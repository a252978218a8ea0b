import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FsStore } from '../../src/storage/fs-store.js';
import { stagingPath } from '../../src/storage/store.js';

let root: string;
let store: FsStore;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'modgate-fs-'));
  store = await FsStore.open(root);
});

after(() => rm(root, { recursive: true, force: true }));

test('keys map to the $GOMODCACHE/cache/download layout', async () => {
  assert.equal(
    await store.put(
      'example.com/m/@v/v1.0.0.mod',
      { bytes: Buffer.from('module example.com/m\n') },
      { ifAbsent: true },
    ),
    'created',
  );
  assert.equal(await readFile(join(root, 'example.com/m/@v/v1.0.0.mod'), 'utf8'), 'module example.com/m\n');
});

test('create-if-absent keeps the first writer and reports the second', async () => {
  assert.equal(
    await store.put('a.com/x/@v/v1.0.0.info', { bytes: Buffer.from('first') }, { ifAbsent: true }),
    'created',
  );
  assert.equal(
    await store.put('a.com/x/@v/v1.0.0.info', { bytes: Buffer.from('second') }, { ifAbsent: true }),
    'exists',
  );
  assert.equal((await store.readBytes('a.com/x/@v/v1.0.0.info'))!.toString(), 'first');
  const racing = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      store.put('a.com/race/@v/v1.0.0.zip', { bytes: Buffer.from(`writer ${i}`) }, { ifAbsent: true }),
    ),
  );
  assert.equal(racing.filter((r) => r === 'created').length, 1);
  assert.deepEqual(await readdir(store.stagingDir), [], 'losers leave no staging files');
});

test('replace swaps whole objects, and a staged file is moved, not copied', async () => {
  await store.put('a.com/x/@v/list', { bytes: Buffer.from('v1.0.0\n') }, { ifAbsent: false });
  const staged = stagingPath(store);
  await writeFile(staged, 'v1.0.0\nv1.1.0\n');
  await store.put('a.com/x/@v/list', { file: staged }, { ifAbsent: false });
  assert.equal((await store.readBytes('a.com/x/@v/list'))!.toString(), 'v1.0.0\nv1.1.0\n');
  assert.deepEqual(await readdir(store.stagingDir), []);
});

test('ranges, stat and listing', async () => {
  await store.put('b.com/y/@v/v1.0.0.zip', { bytes: Buffer.from('0123456789') }, { ifAbsent: true });
  const info = await store.stat('b.com/y/@v/v1.0.0.zip');
  assert.equal(info?.size, 10);
  const opened = await store.read('b.com/y/@v/v1.0.0.zip', { start: 2, end: 4 });
  const chunks: Buffer[] = [];
  for await (const c of opened!.body) chunks.push(c as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), '234');
  const keys: string[] = [];
  for await (const k of store.list('b.com/')) keys.push(k);
  assert.deepEqual(keys, ['b.com/y/@v/v1.0.0.zip']);
  assert.equal(await store.stat('b.com/none'), undefined);
});

test('unsafe keys are refused before touching the disk', async () => {
  for (const key of ['../etc/passwd', '/abs', 'a/../b', 'a//b', 'a\\b', '']) {
    await assert.rejects(
      store.put(key, { bytes: Buffer.from('x') }, { ifAbsent: true }),
      /unsafe storage key/,
      key,
    );
  }
});

test('opening a store removes staging files left by a crash', async () => {
  await writeFile(stagingPath(store), 'half a zip');
  const reopened = await FsStore.open(root);
  assert.deepEqual(await readdir(reopened.stagingDir), []);
});
