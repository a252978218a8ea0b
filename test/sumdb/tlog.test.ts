import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  hashFromTile,
  newTiles,
  readTileData,
  type TileReader,
  tileForIndex,
  tileHashReader,
  tilePath,
} from '../../src/sumdb/tile.js';
import {
  checkRecord,
  checkTree,
  emptyTreeHash,
  InvalidProofError,
  nodeHash,
  proveRecord,
  proveTree,
  recordHash,
  splitStoredHashIndex,
  storedHashCount,
  storedHashes,
  storedHashIndex,
  treeHash,
} from '../../src/sumdb/tlog.js';
import { MemoryLog } from './memory-log.js';

// Ports of x/mod v0.7.0 sumdb/tlog/tlog_test.go, plus the stored-index vectors of go-protocol.md §7.4.

test('TestTree: 100 leaves, stored hashes, tiles, proofs, and the verifying tile reader', async () => {
  const testH = 2;
  const log = new MemoryLog();
  const storage = log.hashes;
  const trees: Buffer[] = [];
  const leafhashes: Buffer[] = [];
  const tiles = new Map<string, Buffer>();

  for (let i = 0; i < 100; i++) {
    const data = `leaf ${i}`;
    const hashes = await storedHashes(i, data, log.readHashes);
    leafhashes.push(recordHash(data));
    const oldStorage = storage.length;
    storage.push(...hashes);
    assert.equal(storedHashCount(i + 1), storage.length, `StoredHashCount(${i + 1})`);
    const th = await treeHash(i + 1, log.readHashes);

    for (const tile of newTiles(testH, i, i + 1)) {
      const data = await readTileData(tile, log.readHashes);
      const old = { ...tile, W: tile.W - 1 };
      const oldData = tiles.get(tilePath(old)) ?? Buffer.alloc(0);
      assert.ok(
        oldData.length === data.length - 32 && oldData.equals(data.subarray(0, oldData.length)),
        `tile ${tilePath(tile)} not extending earlier tile ${tilePath(old)}`,
      );
      tiles.set(tilePath(tile), data);
    }
    for (const old of [0, Math.floor(i / 2)]) {
      for (const tile of newTiles(testH, old, i + 1)) {
        assert.deepEqual(tiles.get(tilePath(tile)), await readTileData(tile, log.readHashes), tilePath(tile));
      }
    }

    // Every new hash is readable from its tile.
    for (let j = oldStorage; j < storage.length; j++) {
      const tile = tileForIndex(testH, j);
      const data = tiles.get(tilePath(tile));
      assert.ok(data, `TileForIndex(${testH}, ${j}) = ${tilePath(tile)}, not yet stored`);
      assert.deepEqual(hashFromTile(tile, data, j), storage[j], `HashFromTile(${tilePath(tile)}, ${j})`);
    }

    trees.push(th);

    // Leaf proofs, for all leaves so far, and no proof survives a flipped bit.
    for (let j = 0; j <= i; j++) {
      const p = await proveRecord(i + 1, j, log.readHashes);
      checkRecord(p, i + 1, th, j, leafhashes[j]!);
      for (const h of p) {
        h[0]! ^= 1;
        assert.throws(() => checkRecord(p, i + 1, th, j, leafhashes[j]!), InvalidProofError);
        h[0]! ^= 1;
      }
    }

    // Through the verifying tile reader, reading a leaf hash is itself the proof.
    let unsaved = 0;
    const tileStorage: TileReader = {
      height: () => testH,
      async readTiles(want) {
        unsaved += want.length;
        return want.map((t) => tiles.get(tilePath(t)) ?? Buffer.alloc(0));
      },
      saveTiles(saved) {
        unsaved -= saved.length;
      },
    };
    const thr = tileHashReader({ N: i + 1, Hash: th }, tileStorage);
    for (let j = 0; j <= i; j++) {
      const [h] = await thr([storedHashIndex(0, j)]);
      assert.deepEqual(h, leafhashes[j], `TileHashReader(${i + 1}).ReadHashes(${j})`);
      checkRecord(await proveRecord(i + 1, j, thr), i + 1, th, j, leafhashes[j]!);
    }
    assert.equal(unsaved, 0, `TileHashReader(${i + 1}) did not save ${unsaved} tiles`);

    await assert.rejects(thr([(i + 1) * 2]), /indexes not in tree/);
    assert.equal(unsaved, 0);

    // Tree proofs, for all trees so far: computing the old tree hash through the reader proves it.
    for (let j = 0; j <= i; j++) {
      assert.deepEqual(await treeHash(j + 1, thr), trees[j], `TreeHash(${j + 1}, TileHashReader(${i + 1}))`);
      const p = await proveTree(i + 1, j + 1, thr);
      checkTree(p, i + 1, th, j + 1, trees[j]!);
      for (const h of p) {
        h[0]! ^= 1;
        assert.throws(() => checkTree(p, i + 1, th, j + 1, trees[j]!), InvalidProofError);
        h[0]! ^= 1;
      }
    }
    assert.equal(unsaved, 0);
  }
});

test('TestSplitStoredHashIndex: round trip for levels 0..9 and n 0..99', () => {
  for (let l = 0; l < 10; l++) {
    for (let n = 0; n < 100; n++) {
      const x = storedHashIndex(l, n);
      assert.deepEqual(splitStoredHashIndex(x), { level: l, n }, `StoredHashIndex(${l}, ${n}) = ${x}`);
    }
  }
});

test('storedHashIndex vectors of go-protocol.md §7.4', () => {
  const vectors: Array<[number, number, number]> = [
    [0, 0, 0],
    [0, 1, 1],
    [1, 0, 2],
    [0, 2, 3],
    [0, 3, 4],
    [1, 1, 5],
    [2, 0, 6],
  ];
  for (const [level, n, want] of vectors) assert.equal(storedHashIndex(level, n), want, `(${level}, ${n})`);
});

test('stored indexes stay exact far beyond 32 bits (checked against a BigInt model of the Go code)', () => {
  const model = (level: number, n: bigint): bigint => {
    for (let l = level; l > 0; l--) n = 2n * n + 1n;
    let i = 0n;
    for (; n > 0n; n >>= 1n) i += n;
    return i + BigInt(level);
  };
  for (const leaf of [2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, 2 ** 51 - 3]) {
    for (const level of [0, 1, 7, 8, 9]) {
      const n = Math.floor(leaf / 2 ** level);
      const x = storedHashIndex(level, n);
      assert.equal(BigInt(x), model(level, BigInt(n)), `(${level}, ${n})`);
      assert.deepEqual(splitStoredHashIndex(x), { level, n });
    }
  }
  assert.equal(BigInt(storedHashCount(2 ** 40)), model(0, BigInt(2 ** 40 - 1)) + 1n + 40n);
  assert.throws(() => storedHashIndex(0, 2 ** 53), RangeError);
  assert.throws(() => storedHashIndex(0, -1), RangeError, 'a negative record id must not alias record 0');
});

test('the empty tree hashes to SHA-256 of nothing (RFC 6962; x/mod >= v0.19.0)', async () => {
  const never = () => {
    throw new Error('TreeHash(0) must not read hashes');
  };
  assert.equal((await treeHash(0, never)).toString('base64'), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  assert.deepEqual(emptyTreeHash(), await treeHash(0, never));
});

test('tree hashes follow RFC 6962 for small trees', async () => {
  const log = new MemoryLog();
  const leaves = ['a', 'b', 'c'].map((s) => recordHash(s));
  for (const s of ['a', 'b', 'c']) await log.add(s);
  assert.deepEqual(await treeHash(1, log.readHashes), leaves[0]);
  assert.deepEqual(await treeHash(2, log.readHashes), nodeHash(leaves[0]!, leaves[1]!));
  assert.deepEqual(await treeHash(3, log.readHashes), nodeHash(nodeHash(leaves[0]!, leaves[1]!), leaves[2]!));
});

test('proof functions reject out-of-range inputs and hash readers that break their contract', async () => {
  const log = new MemoryLog();
  for (let i = 0; i < 5; i++) await log.add(`leaf ${i}`);
  const th = (await log.tree()).Hash;
  await assert.rejects(proveRecord(5, 5, log.readHashes), { message: 'tlog: invalid inputs in ProveRecord' });
  await assert.rejects(proveRecord(5, -1, log.readHashes), {
    message: 'tlog: invalid inputs in ProveRecord',
  });
  await assert.rejects(proveTree(5, 0, log.readHashes), { message: 'tlog: invalid inputs in ProveTree' });
  await assert.rejects(proveTree(5, 6, log.readHashes), { message: 'tlog: invalid inputs in ProveTree' });
  assert.throws(() => checkRecord([], 5, th, 5, th), { message: 'tlog: invalid inputs in CheckRecord' });
  assert.throws(() => checkTree([], 0, th, 0, th), { message: 'tlog: invalid inputs in CheckTree' });
  // A proof with one hash too many or too few fails as a proof, not as a crash.
  const p = await proveRecord(5, 2, log.readHashes);
  assert.throws(() => checkRecord([...p, th], 5, th, 2, recordHash('leaf 2')), InvalidProofError);
  assert.throws(() => checkRecord(p.slice(1), 5, th, 2, recordHash('leaf 2')), InvalidProofError);

  await assert.rejects(
    treeHash(5, () => []),
    { message: 'tlog: ReadHashes(2 indexes) = 0 hashes' },
  );
  await assert.rejects(
    treeHash(5, (xs) => xs.map(() => new Uint8Array(31))),
    /ReadHashes returned a 31-byte hash/,
  );
});
