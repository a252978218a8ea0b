import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { S3Store, type S3StoreOptions } from '../../src/storage/s3-store.js';
import { stagingPath } from '../../src/storage/store.js';
import type { Radosgw } from '../helpers/radosgw.js';

/** The Store behaviours the disk store has, checked on S3Store against a real radosgw. */
export function s3StoreContract(gateway: () => Radosgw): void {
  let dir: string;
  let bucket: string;
  const opened: S3Store[] = [];

  const open = async (options: Partial<S3StoreOptions> = {}) => {
    const gw = gateway();
    const store = await S3Store.open({
      bucket,
      prefix: 'cache/',
      endpoint: gw.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      checksumMode: 'when_required',
      stagingDir: join(dir, `staging-${opened.length}`),
      credentials: { accessKeyId: gw.accessKeyId, secretAccessKey: gw.secretAccessKey },
      cleanStaging: true,
      ...options,
    });
    opened.push(store);
    return store;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-s3store-'));
    bucket = await gateway().createBucket();
  });

  after(async () => {
    for (const store of opened) store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('objects round-trip under the prefix, in the $GOMODCACHE/cache/download layout', async () => {
    const store = await open();
    const key = 'example.com/m/@v/v1.0.0.mod';
    assert.equal(
      await store.put(key, { bytes: Buffer.from('module example.com/m\n') }, { ifAbsent: true }),
      'created',
    );
    assert.equal((await store.readBytes(key))?.toString(), 'module example.com/m\n');
    const client = gateway().client();
    const raw = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `cache/${key}` }));
    assert.equal(await raw.Body!.transformToString(), 'module example.com/m\n');
    client.destroy();
  });

  test('stat, read and readBytes of a missing object are undefined, and an ETag changes with the bytes', async () => {
    const store = await open();
    assert.equal(await store.stat('none.com/x/@v/list'), undefined);
    assert.equal(await store.read('none.com/x/@v/list'), undefined);
    assert.equal(await store.readBytes('none.com/x/@v/list'), undefined);
    await store.put('s.com/x/@v/list', { bytes: Buffer.from('v1.0.0\n') }, { ifAbsent: false });
    const first = await store.stat('s.com/x/@v/list');
    assert.equal(first?.size, 7);
    assert.match(first!.etag, /^"[^"]+"$/);
    assert.ok(Math.abs(first!.modified.getTime() - Date.now()) < 60_000);
    await store.put('s.com/x/@v/list', { bytes: Buffer.from('v1.0.0\nv1.1.0\n') }, { ifAbsent: false });
    const second = await store.stat('s.com/x/@v/list');
    assert.equal(second?.size, 14);
    assert.notEqual(second!.etag, first!.etag);
    assert.equal((await store.readBytes('s.com/x/@v/list'))?.toString(), 'v1.0.0\nv1.1.0\n');
  });

  test('create-if-absent keeps the first writer, and a staged file is consumed either way', async () => {
    const store = await open();
    const key = 'a.com/x/@v/v1.0.0.info';
    assert.equal(await store.put(key, { bytes: Buffer.from('first') }, { ifAbsent: true }), 'created');
    const staged = stagingPath(store);
    await writeFile(staged, 'second');
    assert.equal(await store.put(key, { file: staged }, { ifAbsent: true }), 'exists');
    assert.equal(existsSync(staged), false);
    assert.equal((await store.readBytes(key))?.toString(), 'first');
  });

  test('racing creators: exactly one wins and every reader then sees its bytes', async () => {
    const stores = [await open(), await open()];
    const key = 'a.com/race/@v/v1.0.0.zip';
    const bodies = Array.from({ length: 16 }, (_, i) =>
      Buffer.from(`writer ${i} ${randomBytes(8).toString('hex')}`),
    );
    const results = await Promise.all(
      bodies.map((bytes, i) => stores[i % 2]!.put(key, { bytes }, { ifAbsent: true })),
    );
    assert.equal(results.filter((r) => r === 'created').length, 1, results.join(' '));
    const winner = bodies[results.indexOf('created')]!;
    for (const store of stores) assert.deepEqual(await store.readBytes(key), winner);
  });

  test('racing creators of zips larger than a part: still exactly one winner, read back whole', async () => {
    const store = await open({ partSize: 5 << 20 });
    const key = 'a.com/bigrace/@v/v1.0.0.zip';
    const files = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const bytes = randomBytes(6 << 20);
        const file = stagingPath(store);
        await writeFile(file, bytes);
        return { file, bytes };
      }),
    );
    const results = await Promise.all(files.map(({ file }) => store.put(key, { file }, { ifAbsent: true })));
    assert.equal(results.filter((r) => r === 'created').length, 1, results.join(' '));
    assert.ok((await store.readBytes(key))!.equals(files[results.indexOf('created')]!.bytes));
    assert.deepEqual(await readdir(store.stagingDir), [], 'every staged file is consumed');
  });

  test('Range reads: a middle slice, the last bytes and a single byte, with the whole object size', async () => {
    const store = await open();
    const key = 'b.com/y/@v/v1.0.0.zip';
    await store.put(key, { bytes: Buffer.from('0123456789') }, { ifAbsent: true });
    for (const [range, expected] of [
      [{ start: 2, end: 4 }, '234'],
      [{ start: 7, end: 9 }, '789'],
      [{ start: 0, end: 0 }, '0'],
      [undefined, '0123456789'],
    ] as const) {
      const got = await store.read(key, range);
      assert.equal(got?.info.size, 10);
      assert.equal(got?.info.etag, (await store.stat(key))?.etag);
      assert.equal((await collect(got!.body)).toString(), expected);
    }
  });

  test('a file larger than a part goes up in parts and reads back byte for byte', async () => {
    const store = await open({ conditionalMultipart: true });
    const bytes = randomBytes(20 << 20);
    for (const [key, ifAbsent] of [
      ['big.com/z/@v/v1.0.0.zip', false],
      ['big.com/z/@v/v1.1.0.zip', true],
    ] as const) {
      const staged = stagingPath(store);
      await writeFile(staged, bytes);
      assert.equal(await store.put(key, { file: staged }, { ifAbsent }), 'created');
      const info = await store.stat(key);
      assert.equal(info?.size, bytes.length);
      assert.match(info!.etag, /-3"$/, 'a multipart ETag counts the parts: 20 MiB in 8 MiB parts is 3');
      const got = await store.read(key);
      assert.equal(sha256(await collect(got!.body)), sha256(bytes));
      const tail = await store.read(key, { start: bytes.length - 100, end: bytes.length - 1 });
      assert.deepEqual(await collect(tail!.body), bytes.subarray(bytes.length - 100));
    }
    assert.deepEqual(await readdir(store.stagingDir), []);
  });

  test('listing pages through every key under a prefix, in order, and delete removes', async () => {
    const store = await open({ listPageSize: 7 });
    const keys = Array.from({ length: 23 }, (_, i) => `l.com/m/@v/v1.0.${String(i).padStart(2, '0')}.info`);
    await Promise.all(keys.map((key) => store.put(key, { bytes: Buffer.from(key) }, { ifAbsent: true })));
    await store.put('l.com/other/@v/list', { bytes: Buffer.from('') }, { ifAbsent: true });
    assert.deepEqual(await listAll(store, 'l.com/m/'), keys);
    const otherPrefix = await open({ prefix: 'elsewhere/' });
    assert.deepEqual(await listAll(otherPrefix, 'l.com/'), [], 'a store sees only its own prefix');
    await store.delete(keys[0]!);
    await store.delete('l.com/m/@v/never-stored');
    assert.equal(await store.stat(keys[0]!), undefined);
    assert.equal((await listAll(store, 'l.com/m/')).length, 22);
  });

  test('unsafe keys are refused before any request', async () => {
    const store = await open();
    for (const key of ['../etc/passwd', '/abs', 'a/../b', 'a//b', 'a\\b', '']) {
      await assert.rejects(
        store.put(key, { bytes: Buffer.from('x') }, { ifAbsent: true }),
        /unsafe storage key/,
        key,
      );
      await assert.rejects(store.stat(key), /unsafe storage key/, key);
    }
  });

  test('a missing bucket or wrong credentials fail naming the bucket and key, never the secret', async () => {
    const missing = await open({ bucket: 'modgate-no-such-bucket' });
    await assert.rejects(
      missing.readBytes('a.com/x/@v/list'),
      /s3:\/\/modgate-no-such-bucket\/cache\/a\.com\/x\/@v\/list.*NoSuchBucket/,
    );
    await assert.rejects(missing.checkReady(), /modgate-no-such-bucket/);
    const secret = 'not-the-secret-0123456789';
    const wrong = await open({ credentials: { accessKeyId: 'nobody', secretAccessKey: secret } });
    const err = await wrong
      .put('a.com/x/@v/list', { bytes: Buffer.from('x') }, { ifAbsent: false })
      .catch((e: Error) => e);
    assert.ok(err instanceof Error);
    assert.match(err.message, new RegExp(`s3://${bucket}/cache/a\\.com/x/@v/list.*InvalidAccessKeyId`));
    assert.doesNotMatch(err.message, new RegExp(secret));
  });
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAll(store: S3Store, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
