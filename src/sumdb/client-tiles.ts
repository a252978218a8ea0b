import { LRUCache } from 'lru-cache';
import { SumdbNotFoundError } from './client-errors.js';
import type { SumdbClientOps } from './client-ops.js';
import { type Tile, type TileReader, tilePath } from './tile.js';
import { HASH_SIZE } from './tlog.js';

/** A tile of the wrong size: the server (or what sits in front of it) is not serving the log's tiles. */
export class TileSizeError extends Error {
  override name = 'TileSizeError';
  constructor(
    readonly url: string,
    readonly size: number,
    readonly want: number,
  ) {
    super(`${url}: tile of ${size} bytes, want ${want}`);
  }
}

/**
 * Tiles verified by one operation, kept back until the whole operation has succeeded: a lookup whose record
 * turns out to be bad leaves the cache as it was.
 */
export class PendingTiles {
  readonly tiles = new Map<string, Uint8Array>();
}

/** Enough for the upper tiles that every operation reads, and many recent ones (a full tile is 8 KiB). */
const REMEMBERED_BYTES = 16 << 20;

/**
 * x/mod's client tileReader: each tile comes from memory (tiles of operations that succeeded), the cache
 * (exact width, then the full tile truncated), else from the server (exact width, then the full tile
 * truncated, since a server may drop partial tiles once they are complete). Nothing here is trusted, not even
 * the tiles in memory: tileHashReader authenticates every tile it reads before saveTiles runs.
 */
export class ClientTiles {
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  /** Tiles known to be on disk, so they are not written twice. */
  private readonly saved = new Set<string>();
  /** Unlike x/mod's, only tiles that were authenticated: a bad answer is never read again from here. */
  private readonly remembered = new LRUCache<string, Buffer>({
    maxSize: REMEMBERED_BYTES,
    sizeCalculation: (data) => data.length,
  });

  constructor(
    private readonly ops: SumdbClientOps,
    private readonly baseUrl: string,
    private readonly height: number,
  ) {}

  /** A TileReader whose approved tiles go to pending, for commit to write. */
  reader(pending: PendingTiles): TileReader {
    return {
      height: () => this.height,
      readTiles: (tiles) => this.readTiles(tiles),
      saveTiles: (tiles, data) => {
        for (const [i, t] of tiles.entries()) pending.tiles.set(tilePath(t), data[i]!);
      },
    };
  }

  async commit(pending: PendingTiles): Promise<void> {
    for (const [path, data] of pending.tiles) {
      this.remembered.set(path, Buffer.from(data));
      if (this.saved.has(path)) continue;
      this.saved.add(path);
      // Like Go, a failed cache write only costs a later re-download.
      await this.ops.writeCache(path, data).catch(() => {});
    }
    pending.tiles.clear();
  }

  private async readTiles(tiles: Tile[]): Promise<Buffer[]> {
    const results = await Promise.allSettled(tiles.map((t) => this.readTile(t)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<Buffer>).value);
  }

  private readTile(tile: Tile): Promise<Buffer> {
    const path = tilePath(tile);
    let p = this.inFlight.get(path);
    if (!p) {
      p = this.load(tile).finally(() => this.inFlight.delete(path));
      this.inFlight.set(path, p);
    }
    return p;
  }

  private async load(tile: Tile): Promise<Buffer> {
    const path = tilePath(tile);
    const want = tile.W * HASH_SIZE;
    const full: Tile = { ...tile, W: 2 ** tile.H };
    const isPartial = tile.W !== full.W;

    const remembered =
      this.remembered.get(path) ?? (isPartial ? this.remembered.get(tilePath(full)) : undefined);
    if (remembered !== undefined) return remembered.subarray(0, want);

    // A cached tile of the wrong size is a damaged file, not an attack: ignore it and ask the server.
    const cached = await this.ops.readCache(path);
    if (cached?.length === want) {
      this.saved.add(path);
      return cached;
    }
    if (isPartial) {
      const cachedFull = await this.ops.readCache(tilePath(full));
      if (cachedFull?.length === full.W * HASH_SIZE) {
        this.saved.add(path); // the full tile on disk already holds this prefix
        return cachedFull.subarray(0, want);
      }
    }

    const url = `${this.baseUrl}/${path}`;
    try {
      return exactSize(url, await this.ops.fetch(url), want);
    } catch (err) {
      if (!isPartial || !(err instanceof SumdbNotFoundError)) throw err;
      const fullUrl = `${this.baseUrl}/${tilePath(full)}`;
      const data = await this.ops.fetch(fullUrl).catch(() => {
        throw err; // report the tile that was asked for, as Go does
      });
      return exactSize(fullUrl, data, full.W * HASH_SIZE).subarray(0, want);
    }
  }
}

function exactSize(url: string, data: Buffer, want: number): Buffer {
  if (data.length !== want) throw new TileSizeError(url, data.length, want);
  return data;
}
