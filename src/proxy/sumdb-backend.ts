import { unescapePath, unescapeVersion } from '../gomod/escape.js';
import { parseTilePath, type Tile } from '../sumdb/tile.js';
import { BadRequestError } from './errors.js';
import type { RevalidatedAnswer } from './freshness.js';

export interface SumdbAnswer {
  bytes: Buffer;
  state: RevalidatedAnswer['state'] | 'stored';
  /** Tiles never change once published; `latest` and lookups (which carry the latest head) do. */
  immutable: boolean;
}

/** What answers `/sumdb/<name>/<path>` for one database: the proxy of a remote one, or modgate's own. */
export interface SumdbBackend {
  get(path: string): Promise<SumdbAnswer>;
}

/** A checksum database request below `/sumdb/<name>/`, parsed. */
export type SumdbRequest =
  | { kind: 'latest' }
  | { kind: 'lookup'; module: string; version: string }
  | { kind: 'tile'; tile: Tile };

/**
 * Only a checksum database's own paths get through, each in the exact spelling the go client uses. Throws
 * BadRequestError naming what is wrong.
 */
export function checkSumdbPath(path: string): SumdbRequest {
  if (path === 'latest') return { kind: 'latest' };
  if (path.startsWith('lookup/')) {
    const at = path.lastIndexOf('@');
    try {
      if (at < 0) throw new Error('missing @version');
      return {
        kind: 'lookup',
        module: unescapePath(path.slice('lookup/'.length, at)),
        version: unescapeVersion(path.slice(at + 1)),
      };
    } catch (err) {
      throw new BadRequestError(
        `malformed checksum database lookup ${JSON.stringify(path)}: ${(err as Error).message}`,
      );
    }
  }
  if (path.startsWith('tile/')) {
    try {
      return { kind: 'tile', tile: parseTilePath(path) };
    } catch {
      throw new BadRequestError(`malformed checksum database tile path ${JSON.stringify(path)}`);
    }
  }
  throw new BadRequestError(
    `not a checksum database path: ${JSON.stringify(path)} (expected latest, lookup/M@V or tile/...)`,
  );
}
