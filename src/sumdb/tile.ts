import { sameBytes } from './encoding.js';
import {
  HASH_SIZE,
  type Hash,
  type HashReader,
  nodeHash,
  readChecked,
  splitStoredHashIndex,
  storedHashIndex,
  subTreeIndex,
  type Tree,
} from './tlog.js';

/**
 * Tiles of golang.org/x/mod/sumdb/tlog/tile.go, the form in which a checksum database serves its hashes, and
 * the reader that authenticates every fetched tile against a signed tree head before using it.
 *
 * A tile of height H at level L, number N and width W holds W consecutive hashes from tree level H·L, starting
 * at hash N·2^H of that level; W = 2^H is a full tile, anything less a partial one. L = -1 names a data tile
 * (record texts rather than hashes). Numbers follow tlog.ts: exact below 2^53.
 */
export interface Tile {
  H: number;
  L: number;
  N: number;
  W: number;
}

/**
 * Reads tiles, typically from a cache and then a server. Data is suspect until the hash reader has checked it;
 * saveTiles is the signal that it may be persisted.
 */
export interface TileReader {
  height(): number;
  /** One entry per tile, each exactly W·32 bytes. */
  readTiles(tiles: Tile[]): Promise<readonly Uint8Array[]>;
  saveTiles(tiles: Tile[], data: readonly Uint8Array[]): void | Promise<void>;
}

/** The tiles do not hash to the signed tree (or to their parent tile): the tile source is lying or broken. */
export class InconsistentTileError extends Error {
  override name = 'InconsistentTileError';
  constructor() {
    super('downloaded inconsistent tile');
  }
}

export class BadTilePathError extends Error {
  override name = 'BadTilePathError';
  constructor(readonly path: string) {
    super(`malformed tile path ${JSON.stringify(path)}`);
  }
}

const PATH_BASE = 1000; // N is written in 3-digit groups to keep directories small

/** The tile of height h and least width that holds the hash at this stored index. */
export function tileForIndex(h: number, index: number): Tile {
  if (!Number.isSafeInteger(h) || h <= 0) throw new RangeError(`TileForIndex: invalid height ${h}`);
  return locate(h, index).tile;
}

/** The tile for an index, and the byte range of the tile's bottom row that hashes up to it. */
function locate(h: number, index: number): { tile: Tile; start: number; end: number } {
  const split = splitStoredHashIndex(index);
  const L = Math.floor(split.level / h);
  const level = split.level - L * h; // level within the tile
  const N = Math.floor((split.n * 2 ** level) / 2 ** h);
  const n = split.n - (N * 2 ** h) / 2 ** level; // position within the tile at that level
  const W = (n + 1) * 2 ** level;
  return { tile: { H: h, L, N, W }, start: n * 2 ** level * HASH_SIZE, end: W * HASH_SIZE };
}

/**
 * The hash at a stored index, from tile data of t, where t is tileForIndex(t.H, index) or a wider tile at the
 * same place. Hashes above the tile's bottom row are recomputed from it.
 */
export function hashFromTile(t: Tile, data: Uint8Array, index: number): Buffer {
  if (t.H < 1 || t.H > 30 || t.L < 0 || t.L >= 64 || t.W < 1 || t.W > 2 ** t.H) {
    throw new Error(`invalid tile ${tilePath(t)}`);
  }
  if (data.length < t.W * HASH_SIZE)
    throw new Error(`data len ${data.length} too short for tile ${tilePath(t)}`);
  const { tile: t1, start, end } = locate(t.H, index);
  if (t.L !== t1.L || t.N !== t1.N || t.W < t1.W) {
    throw new Error(`index ${index} is in ${tilePath(t1)} not ${tilePath(t)}`);
  }
  return tileHash(data.subarray(start, end));
}

/** The Merkle root of a run of 2^k hashes. */
function tileHash(data: Uint8Array): Buffer {
  if (data.length === 0) throw new Error('bad math in tileHash');
  if (data.length === HASH_SIZE) return Buffer.from(data);
  const half = data.length / 2;
  return nodeHash(tileHash(data.subarray(0, half)), tileHash(data.subarray(half)));
}

/**
 * The tiles to publish when a log grows from oldTreeSize to newTreeSize, with x/mod ≥ v0.17.0 semantics: per
 * level, the newly completed full tiles and the final partial tile, and nothing for a level that did not grow.
 * (x/mod v0.7.0 also listed every intermediate partial width, and a partial tile for unchanged levels.)
 */
export function newTiles(h: number, oldTreeSize: number, newTreeSize: number): Tile[] {
  if (!Number.isSafeInteger(h) || h <= 0) throw new RangeError(`NewTiles: invalid height ${h}`);
  const full = 2 ** h;
  const tiles: Tile[] = [];
  for (let level = 0; Math.floor(newTreeSize / 2 ** (h * level)) > 0; level++) {
    const oldN = Math.floor(oldTreeSize / 2 ** (h * level));
    const newN = Math.floor(newTreeSize / 2 ** (h * level));
    if (oldN === newN) continue;
    for (let n = Math.floor(oldN / full); n < Math.floor(newN / full); n++) {
      tiles.push({ H: h, L: level, N: n, W: full });
    }
    const n = Math.floor(newN / full);
    const w = newN - n * full;
    if (w > 0) tiles.push({ H: h, L: level, N: n, W: w });
  }
  return tiles;
}

/** The content of hash tile t (W concatenated 32-byte hashes), as a server builds it from its stored hashes. */
export async function readTileData(t: Tile, readHashes: HashReader): Promise<Buffer> {
  if (t.L < 0) throw new Error(`tlog: ${tilePath(t)} is a data tile, not a hash tile`);
  const size = t.W === 0 ? 2 ** t.H : t.W;
  const start = t.N * 2 ** t.H;
  const indexes: number[] = [];
  for (let i = 0; i < size; i++) indexes.push(storedHashIndex(t.H * t.L, start + i));
  return Buffer.concat(await readChecked(readHashes, indexes));
}

/** `tile/H/L/NNN[.p/W]`, with N in 3-digit groups of which all but the last carry an "x" prefix. */
export function tilePath(t: Tile): string {
  let n = t.N;
  let nStr = pad3(n % PATH_BASE);
  while (n >= PATH_BASE) {
    n = Math.floor(n / PATH_BASE);
    nStr = `x${pad3(n % PATH_BASE)}/${nStr}`;
  }
  const pStr = t.W !== 2 ** t.H ? `.p/${t.W}` : '';
  const L = t.L === -1 ? 'data' : `${t.L}`;
  return `tile/${t.H}/${L}/${nStr}${pStr}`;
}

/** Go's ParseTilePath: accepts only the exact spelling tilePath would produce. */
export function parseTilePath(path: string): Tile {
  let f = path.split('/');
  if (f.length < 4 || f[0] !== 'tile') throw new BadTilePathError(path);
  const h = atoi(f[1]!);
  const isData = f[2] === 'data';
  const l = isData ? 0 : atoi(f[2]!);
  if (h === undefined || l === undefined || h < 1 || l < 0 || h > 30) throw new BadTilePathError(path);
  let w = 2 ** h;
  const dotP = f[f.length - 2]!;
  if (dotP.endsWith('.p')) {
    const ww = atoi(f[f.length - 1]!);
    if (ww === undefined || ww <= 0 || ww >= w) throw new BadTilePathError(path);
    w = ww;
    f[f.length - 2] = dotP.slice(0, -'.p'.length);
    f = f.slice(0, -1);
  }
  let n = 0;
  for (const s of f.slice(3)) {
    const nn = atoi(s.startsWith('x') ? s.slice(1) : s);
    if (nn === undefined || nn < 0 || nn >= PATH_BASE) throw new BadTilePathError(path);
    n = n * PATH_BASE + nn;
  }
  if (!Number.isSafeInteger(n)) throw new BadTilePathError(path);
  const t = { H: h, L: isData ? -1 : l, N: n, W: w };
  if (path !== tilePath(t)) throw new BadTilePathError(path);
  return t;
}

/**
 * Go's tlog.TileHashReader: a HashReader for the given (signed, trusted) tree that loads tiles from reader and
 * authenticates all of them before returning any hash. The tiles covering the tree's maximal subtrees must
 * reproduce tree.Hash; every other tile must hash to its entry in an already authenticated parent tile.
 * Only then does it call saveTiles. Throws InconsistentTileError when the tiles do not add up.
 */
export function tileHashReader(tree: Tree, reader: TileReader): (indexes: number[]) => Promise<Buffer[]> {
  return async (indexes) => {
    const h = reader.height();
    if (!Number.isSafeInteger(h) || h < 1 || h > 30) throw new RangeError(`invalid tile height ${h}`);
    if (tree.Hash.length !== HASH_SIZE) throw new RangeError('tree hash must be 32 bytes');
    const treeEnd = tree.N === 0 ? 0 : storedHashIndex(0, tree.N);
    for (const x of indexes) {
      if (!Number.isSafeInteger(x) || x < 0 || x >= treeEnd) throw new Error('indexes not in tree');
    }
    if (indexes.length === 0) return [];

    const tiles: Tile[] = [];
    const order = new Map<string, number>();
    const plan = (t: Tile): number => {
      const known = order.get(tilePath(t));
      if (known !== undefined) return known;
      order.set(tilePath(t), tiles.length);
      return tiles.push(t) - 1;
    };

    // Tiles that recompute the tree hash; if it matches, they are authentic.
    const stx = subTreeIndex(0, tree.N, []);
    const stxTile = stx.map((x) => plan(parentOf(locate(h, x).tile, 0, tree.N)));
    const numTreeTiles = tiles.length;

    // Tiles holding the requested hashes, each after the parents that will authenticate it.
    const indexTile = indexes.map((x) => {
      const tile = locate(h, x).tile;
      let k = 0;
      while (!order.has(tilePath(parentOf(tile, k, tree.N)))) k++;
      let j = order.get(tilePath(parentOf(tile, 0, tree.N)));
      for (k--; k >= 0; k--) {
        const p = parentOf(tile, k, tree.N);
        // Only full tiles have parents.
        if (p.W !== 2 ** h) throw new Error(`bad math in tileHashReader: ${tree.N} ${x} ${tilePath(p)}`);
        j = plan(p);
      }
      return j!;
    });

    const data = await reader.readTiles(tiles);
    if (data.length !== tiles.length) {
      throw new Error(`TileReader returned bad result slice (len=${data.length}, want ${tiles.length})`);
    }
    tiles.forEach((t, i) => {
      if (data[i]!.length !== t.W * HASH_SIZE) {
        throw new Error(
          `TileReader returned bad result slice (${tilePath(t)} len=${data[i]!.length}, want ${t.W * HASH_SIZE})`,
        );
      }
    });

    let th: Hash = hashFromTile(tiles[stxTile.at(-1)!]!, data[stxTile.at(-1)!]!, stx.at(-1)!);
    for (let i = stx.length - 2; i >= 0; i--) {
      th = nodeHash(hashFromTile(tiles[stxTile[i]!]!, data[stxTile[i]!]!, stx[i]!), th);
    }
    if (!sameBytes(th, tree.Hash)) throw new InconsistentTileError();

    // CVE-2026-56865 (x/mod v0.40.0): Go started this loop at len(stx), the number of subtree hashes. When two
    // of them share a tile there are fewer tree tiles than that, and the first index tiles went unchecked.
    for (let i = numTreeTiles; i < tiles.length; i++) {
      const tile = tiles[i]!;
      const p = parentOf(tile, 1, tree.N);
      const j = order.get(tilePath(p));
      if (j === undefined || j >= i) {
        throw new Error(`bad math in tileHashReader ${tree.N} ${indexes}: lost parent of ${tilePath(tile)}`);
      }
      const want = hashFromTile(p, data[j]!, storedHashIndex(p.L * p.H, tile.N));
      if (!sameBytes(want, tileHash(data[i]!))) throw new InconsistentTileError();
    }

    await reader.saveTiles(tiles, data);
    return indexes.map((x, i) => hashFromTile(tiles[indexTile[i]!]!, data[indexTile[i]!]!, x));
  };
}

/**
 * Go's tileParent: t's k'th ancestor tile, as wide as the tree of size n makes it. Go returns Tile{} past the
 * top of the tree, which never matches a planned tile; reaching it here means the planning math is wrong.
 */
function parentOf(t: Tile, k: number, n: number): Tile {
  const L = t.L + k;
  const N = Math.floor(t.N / 2 ** (k * t.H));
  const full = 2 ** t.H;
  const max = Math.floor(n / 2 ** (L * t.H));
  if (N * full >= max)
    throw new Error(`bad math in tileHashReader: no parent ${k} of ${tilePath(t)} in ${n}`);
  return { H: t.H, L, N, W: Math.min(full, max - N * full) };
}

function pad3(n: number): string {
  return `${n}`.padStart(3, '0');
}

/** Go's strconv.Atoi for the inputs that matter here: optional sign, decimal digits, int range. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}
