import { escapePath, escapeVersion } from '../gomod/escape.js';
import { NotFoundError } from '../sources/errors.js';
import type { Store } from '../storage/store.js';
import { sameBytes } from '../sumdb/encoding.js';
import { open, type Signer, sign, type Verifier } from '../sumdb/note.js';
import { readTileData, type Tile } from '../sumdb/tile.js';
import {
  emptyTreeHash,
  type Hash,
  recordHash,
  storedHashesForRecordHash,
  storedHashIndex,
  type Tree,
  treeHash,
} from '../sumdb/tlog.js';
import { formatTree, parseTree } from '../sumdb/tree-note.js';
import type { CoordinatedFlight } from './coordinated-flight.js';

/** One logged record: its text and the stored hashes it added to the tree (the leaf, then completed subtrees). */
interface Entry {
  text: string;
  hashes: string[];
}

interface LogState {
  /** The signed tree head: records [0, size) are in the log, whatever else the store holds. */
  note: Buffer;
  tree: Tree;
  /** Every stored hash of the tree, by stored hash index. */
  hashes: Buffer[];
}

/**
 * A transparency log of go.sum records kept in a Store, the private checksum database's storage.
 *
 * Crash safety comes from the order of writes, each atomic: the record's entry (text and hashes), then its
 * index, then the signed tree head that takes it in. A record is in the log exactly when its id is below
 * the signed size; an entry written by an append that died before signing is complete (puts are atomic) and
 * is taken into the tree by the next append. Entries are created once and never replaced, and each new head
 * is checked to extend the previous one, so the tree is never rewritten.
 */
export class ChecksumLog {
  private state: LogState;

  private constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly signer: Signer,
    private readonly verifier: Verifier,
    private readonly coordinated: CoordinatedFlight,
  ) {
    const tree = { N: 0, Hash: emptyTreeHash() };
    this.state = { note: this.signTree(tree), tree, hashes: [] };
  }

  static async open(
    store: Store,
    prefix: string,
    keys: { signer: Signer; verifier: Verifier },
    coordinated: CoordinatedFlight,
  ): Promise<ChecksumLog> {
    const log = new ChecksumLog(store, prefix, keys.signer, keys.verifier, coordinated);
    await log.refresh();
    return log;
  }

  /** The latest signed tree head, reloaded from the store (other workers may have appended). */
  async latest(): Promise<{ note: Buffer; tree: Tree }> {
    await this.refresh();
    return this.state;
  }

  /** The id and text of the record for module@version, if it is in the signed tree. */
  async find(module: string, version: string): Promise<{ id: number; text: string } | undefined> {
    await this.refresh();
    return this.findBelow(module, version, this.state.tree.N);
  }

  /**
   * Logs `text` as module@version's record unless one is logged already, and returns the logged one. One
   * process at a time appends (a lock shared by all workers); the head is signed last.
   */
  async append(module: string, version: string, text: string): Promise<{ id: number; text: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendOnce(module, version, text);
      } catch (err) {
        if (!(err instanceof RecordIdTakenError) || attempt === 3) throw err;
      }
    }
  }

  private async appendOnce(
    module: string,
    version: string,
    text: string,
  ): Promise<{ id: number; text: string }> {
    let result: { id: number; text: string } | undefined;
    await this.coordinated.exclusive(`checksum-log:${this.prefix}`, async () => {
      await this.refresh();
      const signed = this.state;
      try {
        // Hashes of records not yet signed: those of a crashed append, then ours.
        const hashes = [...signed.hashes];
        let size = await this.adoptUnsigned(signed.tree.N, hashes);
        result = await this.findBelow(module, version, size);
        if (!result) {
          const recordHashes = await hashesFor(size, text, hashes);
          const entry = { text, hashes: recordHashes.map((h) => h.toString('base64')) };
          const put = await this.store.put(
            this.entryKey(size),
            { bytes: Buffer.from(JSON.stringify(entry)) },
            { ifAbsent: true },
          );
          // Record ids are claimed by create-if-absent, so even an appender that lost the lock (a stale
          // lock broken under it) cannot give two records one id; the caller's next attempt starts over.
          if (put === 'exists') throw new RecordIdTakenError(this.prefix, size);
          await this.writeIndex(module, version, size);
          hashes.push(...recordHashes);
          result = { id: size, text };
          size++;
        }
        if (size > signed.tree.N) await this.publish(size, hashes);
      } catch (err) {
        this.state = signed;
        throw err;
      }
    });
    return result!;
  }

  /** A hash tile of the signed tree, or NotFoundError for one reaching past it. */
  async tile(t: Tile): Promise<Buffer> {
    await this.refresh();
    this.requireInTree(t);
    const hashes = this.state.hashes;
    return readTileData(t, (indexes) => indexes.map((i) => hashes[i]!));
  }

  /** A data tile: the texts of its records, each followed by a blank line (sum.golang.org's format, no ids). */
  async dataTile(t: Tile): Promise<Buffer> {
    await this.refresh();
    this.requireInTree({ ...t, L: 0 });
    const start = t.N * 2 ** t.H;
    const texts: string[] = [];
    for (let id = start; id < start + t.W; id++) texts.push(`${(await this.entry(id)).text}\n`);
    return Buffer.from(texts.join(''));
  }

  /** The hash logged at a record's leaf: what its stored text must still hash to. */
  leafHash(id: number): Hash | undefined {
    return this.state.hashes[storedHashIndex(0, id)];
  }

  private requireInTree(t: Tile): void {
    const end = (t.N * 2 ** t.H + t.W) * 2 ** (t.H * t.L);
    if (end > this.state.tree.N)
      throw new NotFoundError(`tile beyond the tree of ${this.state.tree.N} records`);
  }

  private async findBelow(
    module: string,
    version: string,
    size: number,
  ): Promise<{ id: number; text: string } | undefined> {
    const id = await this.indexed(module, version);
    if (id === undefined || id >= size) return undefined;
    return { id, text: (await this.entry(id)).text };
  }

  /** Loads records signed by other processes since we last looked, checking the new head extends ours. */
  private async refresh(): Promise<void> {
    const note = await this.store.readBytes(this.headKey());
    if (!note || sameBytes(note, this.state.note)) return;
    const tree = parseTree(open(note, [this.verifier]).text);
    const known = this.state.tree.N;
    if (tree.N < known) {
      throw new Error(
        `checksum log ${this.prefix}: the stored head has ${tree.N} records, fewer than the ${known} already served; the storage was rolled back`,
      );
    }
    const hashes = [...this.state.hashes];
    for (let id = known; id < tree.N; id++) hashes.push(...(await this.entry(id)).hashes.map(fromBase64));
    if (!sameBytes(await treeHashOf(tree.N, hashes), tree.Hash)) {
      throw new Error(
        `checksum log ${this.prefix}: the stored records do not hash to the signed head of ${tree.N} records; the storage was altered`,
      );
    }
    this.state = { note, tree, hashes };
  }

  /**
   * Entries from `size` on were written by an append that died before signing. Each is whole (puts are
   * atomic), so it joins the tree, with its hashes recomputed rather than trusted, and gets its index.
   * Returns the size including them.
   */
  private async adoptUnsigned(size: number, hashes: Buffer[]): Promise<number> {
    for (let id = size; ; id++) {
      const raw = await this.store.readBytes(this.entryKey(id));
      if (!raw) return id;
      const entry = parseEntry(raw, this.entryKey(id));
      const computed = await hashesFor(id, entry.text, hashes);
      if (!computed.every((h, i) => entry.hashes[i] === h.toString('base64'))) {
        throw new Error(
          `checksum log ${this.prefix}: unsigned record ${id} has wrong hashes; the storage was altered`,
        );
      }
      hashes.push(...computed);
      const [module, version] = recordSubject(entry.text);
      await this.writeIndex(module, version, id);
    }
  }

  /** Signs and stores the head of the tree of `size` records: the last write of an append. */
  private async publish(size: number, hashes: Buffer[]): Promise<void> {
    const tree = { N: size, Hash: await treeHashOf(size, hashes) };
    const note = this.signTree(tree);
    await this.store.put(this.headKey(), { bytes: note }, { ifAbsent: false });
    this.state = { note, tree, hashes };
  }

  private signTree(tree: Tree): Buffer {
    return sign({ text: formatTree(tree) }, this.signer);
  }

  private async entry(id: number): Promise<Entry> {
    const raw = await this.store.readBytes(this.entryKey(id));
    if (!raw) throw new Error(`checksum log ${this.prefix}: record ${id} is missing from storage`);
    return parseEntry(raw, this.entryKey(id));
  }

  private async indexed(module: string, version: string): Promise<number | undefined> {
    const raw = await this.store.readBytes(this.indexKey(module, version));
    const id = raw === undefined ? Number.NaN : Number(raw.toString('utf8'));
    return Number.isSafeInteger(id) && id >= 0 ? id : undefined;
  }

  private async writeIndex(module: string, version: string, id: number): Promise<void> {
    await this.store.put(
      this.indexKey(module, version),
      { bytes: Buffer.from(String(id)) },
      { ifAbsent: true },
    );
  }

  private headKey(): string {
    return `${this.prefix}/tree`;
  }

  private entryKey(id: number): string {
    return `${this.prefix}/records/${id}`;
  }

  private indexKey(module: string, version: string): string {
    return `${this.prefix}/index/${escapePath(module)}/@${escapeVersion(version)}`;
  }
}

/** Another appender (on another host, or past a broken lock) claimed the id first; appending again is safe. */
class RecordIdTakenError extends Error {
  constructor(prefix: string, id: number) {
    super(`checksum log ${prefix}: record ${id} was written concurrently`);
  }
}

function hashesFor(id: number, text: string, hashes: readonly Buffer[]): Promise<Buffer[]> {
  return storedHashesForRecordHash(id, recordHash(text), (indexes) => indexes.map((i) => hashes[i]!));
}

function treeHashOf(size: number, hashes: readonly Buffer[]): Promise<Buffer> {
  return treeHash(size, (indexes) => indexes.map((i) => hashes[i]!));
}

function parseEntry(raw: Buffer, key: string): Entry {
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as Partial<Entry>;
    if (typeof parsed.text === 'string' && Array.isArray(parsed.hashes)) return parsed as Entry;
  } catch {}
  throw new Error(`checksum log entry ${key} is not a record; the storage was altered`);
}

/** "M V h1:...\n" → [M, V]: the first line of a record names its module version. */
function recordSubject(text: string): [string, string] {
  const [module = '', version = ''] = text.split(' ');
  return [module, version];
}

function fromBase64(s: string): Buffer {
  return Buffer.from(s, 'base64');
}
