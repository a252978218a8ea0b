import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { StoreBackend } from '../../src/cachectl/backend.js';
import { PackedReader, PackedWriter } from '../../src/cachectl/packed-backend.js';
import { FsStore } from '../../src/storage/fs-store.js';
import type { ByteRange } from '../../src/storage/store.js';

/** A directory store that notes every range it is asked for, in order. */
class RecordingBackend extends StoreBackend {
  readonly ranges: ByteRange[] = [];

  override openRange(key: string, range: ByteRange): Promise<Readable | undefined> {
    this.ranges.push(range);
    return super.openRange(key, range);
  }
}

/** A file's bytes, from a pack that must have it. */
function contents(body: Readable | undefined): Promise<Buffer> {
  assert.ok(body, 'the file is in the pack');
  return buffer(body);
}

describe('a restore reads packs in runs, fetching ahead of the files being checked', () => {
  let root: string;
  let store: FsStore;
  // Twelve files of 700 kB, about four runs, so that reading ahead has runs to start; one among them too large
  // for a run, which is streamed on its own when opened and never read ahead.
  const files = Array.from({ length: 12 }, (_, i) => ({
    key: `example.com/m${String(i).padStart(2, '0')}/@v/v1.0.0.zip`,
    bytes: randomBytes(i === 2 ? 3_000_000 : 700_000),
  }));
  const packBytes = files.reduce((sum, f) => sum + f.bytes.length, 0);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'modgate-packs-'));
    store = await FsStore.open(join(root, 'store'));
    const writer = await PackedWriter.open(new StoreBackend(store, 'test store'));
    for (const { key, bytes } of files) {
      const staged = join(root, 'staged');
      await writeFile(staged, bytes);
      await writer.put(key, staged);
    }
    await writer.flush();
  });

  after(() => rm(root, { recursive: true, force: true }));

  test('every file comes back whole; the first open starts the next runs too', async () => {
    const backend = new RecordingBackend(store, 'test store');
    const reader = await PackedReader.open(backend);
    reader.want(files.map((f) => f.key));
    assert.deepEqual(await contents(await reader.open(files[0]!.key)), files[0]!.bytes);
    const ahead = backend.ranges.length;
    assert.ok(ahead >= 3, `runs requested after the first open: ${ahead}`);
    for (const { key, bytes } of files.slice(1))
      assert.deepEqual(await contents(await reader.open(key)), bytes);
    // Each run, and the large file, is requested once: together they cover the pack without overlap.
    const covered = backend.ranges.reduce((sum, r) => sum + (r.end - r.start + 1), 0);
    assert.equal(covered, packBytes);
    assert.ok(
      backend.ranges.length < files.length,
      `${backend.ranges.length} requests for ${files.length} files`,
    );
  });

  test('a run fetched ahead that fails is reported when one of its files is opened, not before', async () => {
    const [pack] = (await readdir(join(store.root, '_modgate', 'packs'))).map((name) =>
      join(store.root, '_modgate', 'packs', name),
    );
    // Cut the pack short after its first few files: the last runs cannot be read.
    await truncate(pack!, 6 * 700_000);
    const reader = await PackedReader.open(new StoreBackend(store, 'test store'));
    reader.want(files.map((f) => f.key));
    assert.deepEqual(await contents(await reader.open(files[0]!.key)), files[0]!.bytes);
    // The runs started ahead have failed by now; nothing may have gone unhandled meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(reader.open(files.at(-1)!.key), /ends before byte/);
  });
});
