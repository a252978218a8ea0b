import { gunzipSync, gzipSync } from 'node:zlib';
import { MAX_ZIP_FILE } from '../gomod/zip-rules.js';

/**
 * Where the module files of an S3 cache are: packs, one object per save holding the files that save uploaded
 * end to end, and this catalog of them. A restore then makes a few large range requests instead of one
 * request per file. Pack objects are named by the SHA-256 of their bytes and never change; the catalog is
 * the one object a save replaces. Nothing in it is trusted: every file is still checked against go.sum.
 */
export const CATALOG_KEY = '_modgate/packs.json.gz';
const CATALOG_FORMAT = 1;
/** A catalog is small (about 30 bytes per file once compressed); more than this is no catalog of ours. */
export const MAX_CATALOG = 64 << 20;

export function packKey(sha256: string): string {
  return `_modgate/packs/${sha256}`;
}

/** One file's place: bytes [offset, offset + size) of a pack. */
export interface PackedFile {
  pack: string;
  offset: number;
  size: number;
}

export class PackCatalog {
  /** Pack object key → its files as [file key, offset, size], in the order they are stored. */
  private readonly packs = new Map<string, Array<[string, number, number]>>();
  private readonly files = new Map<string, PackedFile>();

  get(key: string): PackedFile | undefined {
    return this.files.get(key);
  }

  has(key: string): boolean {
    return this.files.has(key);
  }

  /** Records a pack; a file already in another pack keeps its first place (both copies are equally good). */
  add(pack: string, files: ReadonlyArray<readonly [string, number, number]>): void {
    this.packs.set(
      pack,
      files.map(([key, offset, size]) => [key, offset, size]),
    );
    for (const [key, offset, size] of files) {
      if (!this.files.has(key)) this.files.set(key, { pack, offset, size });
    }
  }

  /** Adds every pack of `other` this catalog lacks: what another save recorded in the meantime. */
  merge(other: PackCatalog): void {
    for (const [pack, files] of other.packs) if (!this.packs.has(pack)) this.add(pack, files);
  }

  encode(): Buffer {
    return gzipSync(JSON.stringify({ format: CATALOG_FORMAT, packs: Object.fromEntries(this.packs) }));
  }

  /** Reads a stored catalog; throws an Error saying what is wrong with it. */
  static decode(bytes: Buffer): PackCatalog {
    let value: unknown;
    try {
      value = JSON.parse(gunzipSync(bytes, { maxOutputLength: MAX_CATALOG }).toString('utf8'));
    } catch (err) {
      throw new Error(`the pack catalog ${CATALOG_KEY} is unreadable: ${(err as Error).message}`);
    }
    const bad = (why: string) => new Error(`the pack catalog ${CATALOG_KEY} is invalid: ${why}`);
    const { format, packs } = (value ?? {}) as { format?: unknown; packs?: unknown };
    if (format !== CATALOG_FORMAT) throw bad(`format ${JSON.stringify(format)} is not ${CATALOG_FORMAT}`);
    if (typeof packs !== 'object' || packs === null) throw bad('no packs');
    const catalog = new PackCatalog();
    for (const [pack, files] of Object.entries(packs)) {
      if (!/^_modgate\/packs\/[0-9a-f]{64}$/.test(pack)) throw bad(`${JSON.stringify(pack)} is no pack key`);
      if (!Array.isArray(files) || !files.every(isFileEntry)) throw bad(`the files of ${pack} are malformed`);
      catalog.add(pack, files);
    }
    return catalog;
  }
}

function isFileEntry(entry: unknown): entry is [string, number, number] {
  if (!Array.isArray(entry) || entry.length !== 3) return false;
  const [key, offset, size] = entry as unknown[];
  return (
    typeof key === 'string' &&
    Number.isSafeInteger(offset) &&
    (offset as number) >= 0 &&
    Number.isSafeInteger(size) &&
    (size as number) >= 0 &&
    (size as number) <= MAX_ZIP_FILE
  );
}
