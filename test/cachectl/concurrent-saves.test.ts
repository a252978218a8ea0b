import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { StoreBackend } from '../../src/cachectl/backend.js';
import { PackedReader, PackedWriter } from '../../src/cachectl/packed-backend.js';
import { S3Store } from '../../src/storage/s3-store.js';
import { Radosgw } from '../helpers/radosgw.js';

/** A bucket's backend whose first catalog replacement lets `meanwhile` run first, as a save finishing then would. */
class InterleavedBackend extends StoreBackend {
  meanwhile: (() => Promise<unknown>) | undefined;

  override async replaceIf(key: string, staged: string, etag: string | undefined) {
    const other = this.meanwhile;
    this.meanwhile = undefined;
    await other?.();
    return super.replaceIf(key, staged, etag);
  }
}

describe('saves to one S3 bucket at the same moment (Ceph radosgw)', () => {
  let gw: Radosgw;
  let bucket: string;
  let scratch: string;
  const stores: S3Store[] = [];

  before(async () => {
    gw = await Radosgw.start();
    bucket = await gw.createBucket();
    scratch = await mkdtemp(join(tmpdir(), 'modgate-saves-'));
  });

  after(async () => {
    for (const store of stores) store.close();
    await gw?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  async function openStore(prefix: string): Promise<S3Store> {
    const store = await S3Store.open({
      bucket,
      prefix,
      endpoint: gw.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      checksumMode: 'when_required',
      credentials: { accessKeyId: gw.accessKeyId, secretAccessKey: gw.secretAccessKey },
      stagingDir: join(scratch, `staging-${stores.length}`),
      cleanStaging: true,
    });
    stores.push(store);
    return store;
  }

  async function staged(bytes: Buffer | string): Promise<string> {
    const path = join(scratch, `file-${randomBytes(6).toString('hex')}`);
    await writeFile(path, bytes);
    return path;
  }

  test('the catalog is replaced only while it is the one read, whatever quotes its ETag has', async () => {
    const store = await openStore('cas/');
    assert.equal(await store.replaceIf!('cat', { file: await staged('one') }, undefined), 'replaced');
    // Absent was the condition: now that it exists, another create-only write changes nothing.
    assert.equal(await store.replaceIf!('cat', { file: await staged('two') }, undefined), 'changed');
    const first = await store.stat('cat');
    assert.ok(first);
    assert.equal(
      await store.replaceIf!('cat', { file: await staged('two') }, '"0123456789abcdef"'),
      'changed',
    );
    assert.equal((await store.readBytes('cat'))?.toString(), 'one');
    // The ETag as the service gave it, quoted: RGW needs it sent bare, and gets it so.
    assert.match(first.etag, /^".*"$/);
    assert.equal(await store.replaceIf!('cat', { file: await staged('three') }, first.etag), 'replaced');
    assert.equal((await store.readBytes('cat'))?.toString(), 'three');
    // The ETag read before that replacement is stale now.
    assert.equal(await store.replaceIf!('cat', { file: await staged('four') }, first.etag), 'changed');
    assert.equal((await store.readBytes('cat'))?.toString(), 'three');
  });

  test('a save that finishes while another replaces the catalog keeps its pack, and so does the other', async () => {
    const prefix = 'packs/';
    const files = (owner: string) =>
      Array.from({ length: 3 }, (_, i) => ({
        key: `example.com/${owner}/@v/v1.0.${i}.zip`,
        bytes: randomBytes(10_000 + i),
      }));
    const mine = files('first');
    const theirs = files('second');
    const writerOver = async (backend: StoreBackend, list: typeof mine) => {
      const writer = await PackedWriter.open(backend);
      for (const { key, bytes } of list) await writer.put(key, await staged(bytes));
      return writer;
    };
    // Both saves read the (empty) catalog first; the second then finishes while the first replaces it.
    const interleaved = new InterleavedBackend(await openStore(prefix), 'first save');
    const first = await writerOver(interleaved, mine);
    const second = await writerOver(new StoreBackend(await openStore(prefix), 'second save'), theirs);
    interleaved.meanwhile = () => second.flush();
    await first.flush();

    const reader = await PackedReader.open(new StoreBackend(await openStore(prefix), 'restore'));
    const all = [...mine, ...theirs];
    reader.want(all.map((f) => f.key));
    for (const { key, bytes } of all) {
      const body = await reader.open(key);
      assert.ok(body, `${key} is listed`);
      assert.deepEqual(await buffer(body), bytes, `${key} is restored`);
    }
  });
});
