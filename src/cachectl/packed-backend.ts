import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout } from 'node:timers/promises';
import type { PutResult } from '../storage/store.js';
import type { ConditionalReplace, RangeReader, ReadBackend, WriteBackend } from './backend.js';
import { CATALOG_KEY, MAX_CATALOG, PackCatalog, packKey } from './pack-catalog.js';

/** Files of one pack closer than this are fetched in one request, the gap read and dropped. */
const MAX_GAP = 256 << 10;
/**
 * The most one request reads into memory; a file larger than this is streamed on its own. Small enough that
 * the first files are being checked while later runs are still on the wire.
 */
const MAX_RUN = 2 << 20;
/** Runs fetched ahead of the one being read: transfers overlap the checking, within a bounded memory. */
const READ_AHEAD = 3;

/**
 * What both sides of a packed backend hold: the backend underneath and its catalog as read when opened. A
 * catalog that is missing (nothing saved yet) is an empty one; an unreadable one is ignored, with a note.
 */
abstract class OverCatalog<B extends ReadBackend & RangeReader> {
  readonly name: string;
  readonly note: string | undefined;

  protected constructor(
    protected readonly inner: B,
    protected readonly catalog: PackCatalog,
    catalogNote: string | undefined,
  ) {
    this.name = inner.name;
    this.note = [inner.note, catalogNote].filter(Boolean).join('; ') || undefined;
  }

  protected static async load(inner: ReadBackend): Promise<[PackCatalog, string | undefined]> {
    return readCatalog(await inner.open(CATALOG_KEY));
  }
}

/** A catalog's body (undefined: there is none yet) decoded, or an empty catalog and why it was unreadable. */
async function readCatalog(body: Readable | undefined): Promise<[PackCatalog, string | undefined]> {
  if (body === undefined) return [new PackCatalog(), undefined];
  // A transfer that fails is an error, not an unreadable catalog: a save would replace it with one that
  // lists none of the packs other saves added.
  const bytes = await collect(body, MAX_CATALOG);
  try {
    return [PackCatalog.decode(bytes), undefined];
  } catch (err) {
    return [new PackCatalog(), `${(err as Error).message}; ignoring it`];
  }
}

/** A run of one file too large to hold in memory: it is streamed when opened, never read ahead. */
function streamed(run: Run): boolean {
  return run.end - run.start > MAX_RUN;
}

/** A contiguous stretch of one pack that one request reads, and how many of its files are still to be opened. */
interface Run {
  pack: string;
  start: number;
  end: number;
  left: number;
  /** Its place among the wanted runs, in the order the restore will read them. */
  index?: number;
  data?: Promise<Buffer | undefined>;
}

/**
 * Restores from packs (pack-catalog.ts): `want` groups the files a restore needs into as few range requests
 * as the packs allow, and `open` hands out each file's bytes from its run. Files the catalog does not list
 * (saved one object per file, by an earlier modgate) are read as single objects, as before.
 */
export class PackedReader extends OverCatalog<ReadBackend & RangeReader> implements ReadBackend {
  private readonly runs = new Map<string, Run>();
  private readonly order: Run[] = [];

  static async open(inner: ReadBackend & RangeReader): Promise<PackedReader> {
    return new PackedReader(inner, ...(await OverCatalog.load(inner)));
  }

  want(keys: readonly string[]): void {
    const byPack = new Map<string, string[]>();
    for (const key of keys) {
      const at = this.catalog.get(key);
      if (!at) continue;
      const listed = byPack.get(at.pack);
      if (listed) listed.push(key);
      else byPack.set(at.pack, [key]);
    }
    for (const [pack, packKeys] of byPack) {
      packKeys.sort((a, b) => this.catalog.get(a)!.offset - this.catalog.get(b)!.offset);
      let run: Run | undefined;
      for (const key of packKeys) {
        const { offset, size } = this.catalog.get(key)!;
        const end = offset + size;
        if (!run || offset - run.end > MAX_GAP || end - run.start > MAX_RUN) {
          run = { pack, start: offset, end, left: 0, index: this.order.length };
          this.order.push(run);
        }
        run.end = Math.max(run.end, end);
        run.left++;
        this.runs.set(key, run);
      }
    }
  }

  async open(key: string): Promise<Readable | undefined> {
    const at = this.catalog.get(key);
    if (!at) return this.inner.open(key);
    const run = this.runs.get(key) ?? { pack: at.pack, start: at.offset, end: at.offset + at.size, left: 1 };
    if (streamed(run)) {
      return this.inner.openRange(at.pack, { start: at.offset, end: at.offset + at.size - 1 });
    }
    run.data ??= this.fetch(run);
    if (run.index !== undefined) this.readAhead(run.index);
    const data = await run.data;
    // Every file of the run handed out: its bytes can go.
    if (--run.left === 0) run.data = undefined;
    if (data === undefined) return undefined;
    const from = at.offset - run.start;
    return Readable.from([data.subarray(from, from + at.size)]);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }

  /** Starts the requests of the next READ_AHEAD wanted runs that are not under way yet. */
  private readAhead(index: number): void {
    for (const ahead of this.order.slice(index + 1, index + 1 + READ_AHEAD)) {
      if (ahead.left > 0 && !ahead.data && !streamed(ahead)) {
        ahead.data = this.fetch(ahead);
        // Nobody waits on it yet: a failure is reported when a file of the run is opened, not as unhandled.
        ahead.data.catch(() => {});
      }
    }
  }

  private async fetch(run: Run): Promise<Buffer | undefined> {
    // An empty file ends at its offset: the run may then read nothing.
    if (run.end === run.start) return Buffer.alloc(0);
    const body = await this.inner.openRange(run.pack, { start: run.start, end: run.end - 1 });
    if (body === undefined) return undefined;
    const data = await collect(body, run.end - run.start);
    if (data.length !== run.end - run.start) {
      throw new Error(`pack ${run.pack} ends before byte ${run.end}, where the catalog says its files go`);
    }
    return data;
  }
}

/**
 * Saves into packs: `put` sets each checked file aside, `flush` writes them as one pack object named by its
 * SHA-256 and then the catalog with the pack added. `has` answers from the catalog, so a save uploads only
 * what no earlier save packed. Saves at once do not lose each other's packs: the catalog is replaced only if it
 * is still the one read (S3 conditional writes), and otherwise read again, merged and tried again.
 */
export class PackedWriter
  extends OverCatalog<WriteBackend & RangeReader & ConditionalReplace>
  implements WriteBackend
{
  private readonly pending: Array<{ key: string; path: string; size: number }> = [];

  static async open(inner: WriteBackend & RangeReader & ConditionalReplace): Promise<PackedWriter> {
    return new PackedWriter(inner, ...(await OverCatalog.load(inner)));
  }

  open(key: string): Promise<Readable | undefined> {
    return this.inner.open(key);
  }

  async has(key: string): Promise<boolean> {
    return this.catalog.has(key);
  }

  stagingFile(): string {
    return this.inner.stagingFile();
  }

  /** Keeps the staged file for the pack (the caller may delete its own name for it once this returns). */
  async put(key: string, staged: string): Promise<PutResult> {
    const path = this.inner.stagingFile();
    await rename(staged, path);
    const { size } = await stat(path);
    this.pending.push({ key, path, size });
    return 'created';
  }

  /** Uploads the pack of what `put` accepted and the catalog that lists it; returns the catalog's size. */
  async flush(): Promise<number> {
    if (this.pending.length === 0) return 0;
    // Sorted, so that a version's files and the versions a project needs together sit side by side.
    this.pending.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const packFile = this.inner.stagingFile();
    const hash = createHash('sha256');
    const files: Array<[string, number, number]> = [];
    let offset = 0;
    const out = createWriteStream(packFile, { flags: 'wx' });
    try {
      for (const { key, path, size } of this.pending) {
        for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
          hash.update(chunk);
          if (!out.write(chunk)) await once(out, 'drain');
        }
        files.push([key, offset, size]);
        offset += size;
      }
      out.end();
      await finished(out);
    } catch (err) {
      out.destroy();
      await rm(packFile, { force: true });
      throw err;
    }
    const pack = packKey(hash.digest('hex'));
    await this.inner.put(pack, packFile);
    this.catalog.add(pack, files);
    return this.publish(pack);
  }

  /**
   * Replaces the catalog with one that lists every pack of the latest catalog plus this save's, only if no
   * other save replaced it in between; else reads it again. Returns the size of the catalog written.
   */
  private async publish(pack: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const found = await this.inner.openTagged(CATALOG_KEY);
      const [latest] = await readCatalog(found?.body);
      this.catalog.merge(latest);
      const encoded = this.catalog.encode();
      const catalogFile = this.inner.stagingFile();
      await writeFile(catalogFile, encoded);
      if ((await this.inner.replaceIf(CATALOG_KEY, catalogFile, found?.etag)) === 'replaced') {
        return encoded.length;
      }
      if (attempt === CATALOG_ATTEMPTS) {
        throw new Error(
          `${CATALOG_KEY} kept changing under other saves (${attempt} attempts to add ${pack} to it): ` +
            'the pack is stored but not listed, so the next save packs its files again',
        );
      }
      // Apart, so that saves finishing together do not collide again in step.
      await setTimeout(Math.random() * 100 * attempt);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.pending.map(({ path }) => rm(path, { force: true })));
    await this.inner.close();
  }
}

/** Saves replacing the catalog at the same moment each get this many tries before giving up. */
const CATALOG_ATTEMPTS = 8;

/** A body's bytes, refusing more than `limit`. */
async function collect(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limit) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
