import { readTileData, type Tile, type TileReader, tilePath } from '../../src/sumdb/tile.js';
import { type Hash, storedHashes, type Tree, treeHash } from '../../src/sumdb/tlog.js';

/**
 * An in-memory log like x/mod's TestServer and tile_test.go's testTree: it appends records, keeps every stored
 * hash, and serves exact tile data. Tests wrap its reader to make it lie.
 */
export class MemoryLog {
  readonly hashes: Buffer[] = [];
  n = 0;

  /** Go's testHashStorage: also insists that indexes come in increasing order, as Go's test does. */
  readonly readHashes = (indexes: number[]): Hash[] => {
    for (let i = 1; i < indexes.length; i++) {
      if (indexes[i - 1]! >= indexes[i]!) throw new Error('indexes out of order');
    }
    return indexes.map((x) => {
      const h = this.hashes[x];
      if (h === undefined) throw new Error(`no stored hash ${x}`);
      return h;
    });
  };

  async add(data: Uint8Array | string): Promise<void> {
    this.hashes.push(...(await storedHashes(this.n, data, this.readHashes)));
    this.n++;
  }

  async tree(): Promise<Tree> {
    return { N: this.n, Hash: await treeHash(this.n, this.readHashes) };
  }

  /** A TileReader of height h serving this log's tiles; saved collects what the hash reader approved. */
  tileReader(h: number): TileReader & { saved: string[]; reads: number } {
    const log = this;
    return {
      saved: [],
      reads: 0,
      height: () => h,
      async readTiles(tiles: Tile[]) {
        this.reads++;
        return Promise.all(tiles.map((t) => readTileData(t, log.readHashes)));
      },
      saveTiles(tiles: Tile[]) {
        this.saved.push(...tiles.map(tilePath));
      },
    };
  }
}

/** Wraps a TileReader, letting a test rewrite the data of chosen tiles. */
export function tamper(
  reader: TileReader,
  edit: (tile: Tile, data: Uint8Array) => Uint8Array,
): TileReader & { saved: Tile[] } {
  return {
    saved: [],
    height: () => reader.height(),
    async readTiles(tiles) {
      const data = await reader.readTiles(tiles);
      return data.map((d, i) => edit(tiles[i]!, Buffer.from(d)));
    },
    saveTiles(tiles) {
      this.saved.push(...tiles);
    },
  };
}
