import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BadTilePathError,
  hashFromTile,
  InconsistentTileError,
  newTiles,
  parseTilePath,
  readTileData,
  type Tile,
  tileForIndex,
  tileHashReader,
  tilePath,
} from '../../src/sumdb/tile.js';
import { splitStoredHashIndex, storedHashIndex } from '../../src/sumdb/tlog.js';
import { MemoryLog, tamper } from './memory-log.js';

// Ports of x/mod sumdb/tlog tile tests: tlog_test.go tilePaths (v0.7.0), tile_test.go TestNewTilesForSize
// (v0.17.0+) and TestTileHashReader (the tampering test that came with the v0.40.0 fix).

const tile = (H: number, L: number, N: number, W: number): Tile => ({ H, L, N, W });

test('TestTilePath: tlog_test.go tilePaths; undefined marks a path that must not parse', () => {
  const tilePaths: Array<[string, Tile | undefined]> = [
    ['tile/4/0/001', tile(4, 0, 1, 16)],
    ['tile/4/0/001.p/5', tile(4, 0, 1, 5)],
    ['tile/3/5/x123/x456/078', tile(3, 5, 123456078, 8)],
    ['tile/3/5/x123/x456/078.p/2', tile(3, 5, 123456078, 2)],
    ['tile/1/0/x003/x057/500', tile(1, 0, 3057500, 2)],
    ['tile/3/5/123/456/078', undefined],
    ['tile/3/-1/123/456/078', undefined],
    ['tile/1/data/x003/x057/500', tile(1, -1, 3057500, 2)],
  ];
  for (const [path, want] of tilePaths) {
    if (want === undefined) {
      assert.throws(() => parseTilePath(path), BadTilePathError, path);
      continue;
    }
    assert.equal(tilePath(want), path);
    assert.deepEqual(parseTilePath(path), want, path);
  }
});

test('tile paths of go-protocol.md §7.5, and the spellings strict parsing refuses', () => {
  const vectors: Array<[string, Tile]> = [
    ['tile/3/4/x001/x234/067.p/1', tile(3, 4, 1234067, 1)],
    ['tile/8/0/000.p/2', tile(8, 0, 0, 2)],
    ['tile/8/0/x001/234', tile(8, 0, 1234, 256)],
    ['tile/8/1/000.p/5', tile(8, 1, 0, 5)],
    ['tile/8/data/x001/x234/067.p/1', tile(8, -1, 1234067, 1)],
  ];
  for (const [path, want] of vectors) {
    assert.equal(tilePath(want), path);
    assert.deepEqual(parseTilePath(path), want);
  }
  const bad = [
    'tile/8/0/000.p/256', // a full tile is never spelled as partial
    'tile/8/0/000.p/0',
    'tile/8/0/000.p/007',
    'tile/8/0/0001',
    'tile/8/0/x000/001',
    'tile/8/0/1234',
    'tile/8/0/-01',
    'tile/+8/0/000',
    'tile/08/0/000',
    'tile/31/0/000',
    'tile/0/0/000',
    'tile/8/0',
    'tiles/8/0/000',
    'tile/8/0/000/',
    'tile/8/0/x.p/5',
    '/tile/8/0/000',
  ];
  for (const path of bad) assert.throws(() => parseTilePath(path), BadTilePathError, path);
});

test('TestNewTilesForSize (x/mod >= v0.17.0), with the v0.7.0 counts each row replaces', () => {
  // Newer NewTiles lists, per level, only the newly completed full tiles and the final partial tile, and skips
  // levels whose width did not change. v0.7.0 also listed every partial width between old and new size and
  // the unchanged partial tile of an unchanged level. The v0.7.0 counts were measured with x/mod v0.7.0.
  // Only {1023, 1025} is unchanged: each level's partial tile there grows by exactly one width.
  const rows: Array<{ old: number; new: number; want: number; v070: number }> = [
    { old: 1, new: 1, want: 0, v070: 1 },
    { old: 100, new: 101, want: 1, v070: 2 },
    { old: 1023, new: 1025, want: 3, v070: 3 },
    { old: 1024, new: 1030, want: 1, v070: 7 },
    { old: 1030, new: 2000, want: 1, v070: 972 },
    { old: 1030, new: 10000, want: 10, v070: 801 },
    { old: 49516517, new: 49516586, want: 3, v070: 46 },
  ];
  for (const row of rows) {
    assert.equal(newTiles(10, row.old, row.new).length, row.want, `${row.old}-${row.new}`);
  }
  assert.deepEqual(newTiles(10, 1023, 1025).map(tilePath), [
    'tile/10/0/000',
    'tile/10/0/001.p/1',
    'tile/10/1/000.p/1',
  ]);
  assert.deepEqual(newTiles(10, 1030, 10000).slice(-2).map(tilePath), [
    'tile/10/0/009.p/784',
    'tile/10/1/000.p/9',
  ]);
  assert.deepEqual(newTiles(8, 0, 0), []);
  assert.throws(() => newTiles(0, 0, 1), RangeError);
});

test('tileForIndex and hashFromTile agree with the stored hashes, and hashFromTile refuses wrong tiles', async () => {
  const log = new MemoryLog();
  for (let i = 0; i < 20; i++) await log.add(`leaf ${i}`);
  for (let x = 0; x < log.hashes.length; x++) {
    const t = tileForIndex(2, x);
    const { level } = splitStoredHashIndex(x);
    assert.equal(t.L, Math.floor(level / 2));
    assert.deepEqual(hashFromTile(t, await readTileData(t, log.readHashes), x), log.hashes[x]);
  }
  const t = tile(2, 0, 1, 4);
  const data = await readTileData(t, log.readHashes);
  assert.throws(() => hashFromTile(t, data, storedHashIndex(0, 0)), {
    message: `index 0 is in tile/2/0/000.p/1 not tile/2/0/001`,
  });
  assert.throws(() => hashFromTile(t, data.subarray(0, 96), 7), {
    message: 'data len 96 too short for tile tile/2/0/001',
  });
  assert.throws(() => hashFromTile(tile(2, 0, 1, 5), data, 7), /invalid tile/);
  await assert.rejects(readTileData(tile(2, -1, 0, 4), log.readHashes), /data tile/);
});

/**
 * tile_test.go zeroIndex: serves the log's tiles but zeroes the hash at one stored index, or the bottom-row
 * hashes it is computed from when it sits higher in its tile.
 */
function zeroIndex(log: MemoryLog, h: number, index: number) {
  const target = tileForIndex(h, index);
  const { level } = splitStoredHashIndex(index);
  const width = 2 ** (level - target.L * h);
  return tamper(log.tileReader(h), (t, data) => {
    const end = target.W * 32;
    if (t.L === target.L && t.N === target.N && end <= data.length) data.fill(0, end - width * 32, end);
    return data;
  });
}

test('TestTileHashReader: every hash readable, and zeroing any one hash makes every read fail', async () => {
  const log = new MemoryLog();
  for (let n = 1; n <= 100; n++) {
    await log.add(`leaf ${n - 1}`);
    const tree = await log.tree();
    const end = storedHashIndex(0, n);
    const indexes = [...Array(end).keys()];
    const thr = tileHashReader(tree, log.tileReader(2));
    for (const i of indexes) assert.deepEqual(await thr([i]), [log.hashes[i]], `N=${n} ReadHashes(${i})`);
    assert.deepEqual(await thr(indexes), log.hashes.slice(0, end), `N=${n} all`);

    for (const i of indexes) {
      const lying = zeroIndex(log, 2, i);
      const thz = tileHashReader(tree, lying);
      await assert.rejects(thz([i]), InconsistentTileError, `N=${n} tampered=${i}`);
      await assert.rejects(thz(indexes), InconsistentTileError, `N=${n} tampered=${i}, all`);
      assert.deepEqual(lying.saved, [], 'nothing is saved from a failed read');
    }
  }
});

/**
 * CVE-2026-56865. In these trees two subtree hashes share a level-0 tile, so x/mod <= v0.39 checked one tile
 * fewer against its parent than it fetched, and the first one skipped was the tile holding leaf 0. (Measured:
 * x/mod v0.7.0 returns the forged hash for both cases.)
 */
for (const { h, n } of [
  { h: 2, n: 7 },
  { h: 8, n: 259 },
]) {
  test(`a tile inconsistent with its parent is rejected (H=${h}, N=${n}, the CVE-2026-56865 layout)`, async () => {
    const log = new MemoryLog();
    for (let i = 0; i < n; i++) await log.add(`leaf ${i}`);
    const tree = await log.tree();
    const leaf0Tile = tilePath(tile(h, 0, 0, 2 ** h));

    const honest = log.tileReader(h);
    assert.deepEqual(await tileHashReader(tree, honest)([0]), [log.hashes[0]]);
    assert.ok(honest.saved.includes(leaf0Tile));

    const lying = tamper(log.tileReader(h), (t, data) => {
      if (tilePath(t) === leaf0Tile) data[0]! ^= 1;
      return data;
    });
    await assert.rejects(tileHashReader(tree, lying)([0]), InconsistentTileError);
    assert.deepEqual(lying.saved, []);
  });
}

test('a flipped byte anywhere in a tree tile is rejected', async () => {
  const log = new MemoryLog();
  for (let i = 0; i < 300; i++) await log.add(`leaf ${i}`);
  const tree = await log.tree();
  // N=300 with H=8: tree tiles tile/8/1/000.p/1 and tile/8/0/001.p/44.
  for (const [path, byte] of [
    ['tile/8/1/000.p/1', 31],
    ['tile/8/0/001.p/44', 0],
    ['tile/8/0/001.p/44', 44 * 32 - 1],
  ] as const) {
    const lying = tamper(log.tileReader(8), (t, data) => {
      if (tilePath(t) === path) data[byte]! ^= 0x80;
      return data;
    });
    await assert.rejects(tileHashReader(tree, lying)([storedHashIndex(0, 299)]), InconsistentTileError, path);
  }
});

test('a truncated or padded tile, or a wrong number of tiles, is rejected before any hashing', async () => {
  const log = new MemoryLog();
  for (let i = 0; i < 3; i++) await log.add(`leaf ${i}`);
  const tree = await log.tree();
  const truncated = tamper(log.tileReader(8), (_t, data) => data.subarray(0, data.length - 1));
  await assert.rejects(tileHashReader(tree, truncated)([0]), {
    message: 'TileReader returned bad result slice (tile/8/0/000.p/3 len=95, want 96)',
  });
  const padded = tamper(log.tileReader(8), (_t, data) => Buffer.concat([data, Buffer.alloc(32)]));
  await assert.rejects(tileHashReader(tree, padded)([0]), /bad result slice/);
  const short = { ...log.tileReader(8), readTiles: async () => [] };
  await assert.rejects(tileHashReader(tree, short)([0]), {
    message: 'TileReader returned bad result slice (len=0, want 1)',
  });
});

test('a tile set for another tree of the same size is rejected', async () => {
  const real = new MemoryLog();
  const fork = new MemoryLog();
  for (let i = 0; i < 10; i++) {
    await real.add(`leaf ${i}`);
    await fork.add(i === 4 ? 'forged' : `leaf ${i}`);
  }
  await assert.rejects(tileHashReader(await real.tree(), fork.tileReader(2))([0]), InconsistentTileError);
});

test('the reader refuses indexes outside the tree, including any index of the empty tree', async () => {
  const log = new MemoryLog();
  await log.add('only');
  const thr = tileHashReader(await log.tree(), log.tileReader(8));
  await assert.rejects(thr([1]), { message: 'indexes not in tree' });
  await assert.rejects(thr([-1]), { message: 'indexes not in tree' });
  const empty = tileHashReader({ N: 0, Hash: Buffer.alloc(32) }, log.tileReader(8));
  assert.deepEqual(await empty([]), []);
  await assert.rejects(empty([0]), { message: 'indexes not in tree' });
});
