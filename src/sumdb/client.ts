import { escapePath, escapeVersion } from '../gomod/escape.js';
import {
  SumdbNotFoundError,
  SumdbSecurityError,
  type SumdbSecurityKind,
  WriteConflictError,
} from './client-errors.js';
import type { SumdbClientOps } from './client-ops.js';
import { ClientTiles, PendingTiles, TileSizeError } from './client-tiles.js';
import { sameBytes } from './encoding.js';
import { MissingRecordLineError, recordLines } from './lookup.js';
import { newVerifier, open, type Verifier } from './note.js';
import { InconsistentTileError, readTileData, type Tile, tileHashReader, tilePath } from './tile.js';
import {
  checkTree,
  emptyTreeHash,
  proveTree,
  recordHash,
  storedHashIndex,
  type Tree,
  treeHash,
} from './tlog.js';
import { parseRecord, parseTree } from './tree-note.js';

export interface SumdbClientOptions {
  /** "<name>+<hash>+<key>", e.g. sum.golang.org's. */
  verifierKey: string;
  /** https://sum.golang.org, or a proxy's https://host/sumdb/sum.golang.org. */
  baseUrl: string;
  ops: SumdbClientOps;
  /** Go's client always uses 8. */
  tileHeight?: number;
  /**
   * Refuse any server tree smaller than the remembered latest as a rollback. Go accepts such a tree when it
   * proves to be a prefix of the latest, because replicas and caching proxies lag; this is for setups where the
   * server is known to be a single, never-cached source.
   */
  rejectOlderTrees?: boolean;
}

interface SignedTree {
  tree: Tree;
  msg: Buffer;
}

/** A lookup response whose record has been authenticated, and that record's text. */
interface VerifiedLookup {
  data: Buffer;
  text: Buffer;
}

const EMPTY: SignedTree = { tree: { N: 0, Hash: emptyTreeHash() }, msg: Buffer.alloc(0) };

/**
 * golang.org/x/mod/sumdb.Client, with the x/mod v0.40 / Go 1.26.3 fixes: it returns the go.sum lines for a
 * module version only after checking the signed tree head, that the tree extends every tree seen before, that
 * the record is the log's entry at its id (through tiles that all hash up to the signed head), and that the
 * record is about that module version. Verified state (tiles, lookups, the latest tree) is written only when
 * an operation succeeds, and the latest tree never moves back.
 */
export class SumdbClient {
  readonly name: string;
  private readonly verifier: Verifier;
  private readonly baseUrl: string;
  private readonly ops: SumdbClientOps;
  private readonly tiles: ClientTiles;
  private readonly rejectOlderTrees: boolean;
  private latestHead: SignedTree = EMPTY;
  private initialized?: Promise<void>;
  /** Verification of tree heads one at a time, so each is checked against the latest it will replace. */
  private mergeQueue: Promise<unknown> = Promise.resolve();
  private readonly inFlight = new Map<string, Promise<VerifiedLookup>>();

  constructor(options: SumdbClientOptions) {
    this.verifier = newVerifier(options.verifierKey.trim());
    this.name = this.verifier.name;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.ops = options.ops;
    this.tiles = new ClientTiles(this.ops, this.baseUrl, options.tileHeight ?? 8);
    this.rejectOlderTrees = options.rejectOlderTrees ?? false;
  }

  /**
   * The go.sum lines for path@version (version may end in "/go.mod"), from the authenticated record only.
   * Throws SumdbNotFoundError, SumdbTransientError, SumdbSecurityError, or a path/version syntax error.
   */
  async lookup(path: string, version: string): Promise<string[]> {
    const base = version.endsWith('/go.mod') ? version.slice(0, -'/go.mod'.length) : version;
    const { text } = await this.verifiedLookup(path, base);
    try {
      return recordLines(text, path, version);
    } catch (err) {
      if (!(err instanceof MissingRecordLineError)) throw err;
      throw this.security('missing-line', `SECURITY ERROR\n${err.message}\nrecord:\n\t${indent(text)}`, err);
    }
  }

  /**
   * The whole lookup response for path@version (no "/go.mod"), as the server sent it, once its record has been
   * authenticated exactly as for lookup: what a proxy may pass on to go clients.
   */
  async lookupResponse(path: string, version: string): Promise<Buffer> {
    return (await this.verifiedLookup(path, version)).data;
  }

  /** Fetches the server's signed tree head, verifies it like a lookup's, and returns the latest verified tree. */
  async latest(): Promise<Tree> {
    await this.latestNote();
    return this.latestHead.tree;
  }

  /** Like latest, but returns the server's signed tree head itself, verified and merged. */
  async latestNote(): Promise<Buffer> {
    await this.init();
    const pending = new PendingTiles();
    const msg = await this.ops.fetch(`${this.baseUrl}/latest`);
    await this.merge(msg, pending, { fromServer: true });
    await this.commit(pending);
    return msg;
  }

  /**
   * The hash tile t, authenticated like the tiles of a lookup: through its parent tiles up to the latest
   * verified tree, which is first brought up to date when it is too small to hold t. Undefined when even the
   * server's latest tree does not hold t, so nothing can vouch for it. A tile narrower than the tree makes it
   * is the prefix of the wider one, which is what the client reads, authenticates and caches.
   */
  async tile(t: Tile): Promise<Buffer | undefined> {
    if (t.L < 0) throw new RangeError(`${tilePath(t)} is a data tile; only hash tiles can be authenticated`);
    await this.init();
    const needs = (t.N * 2 ** t.H + t.W) * 2 ** (t.H * t.L);
    if (this.latestHead.tree.N < needs) await this.latest();
    if (this.latestHead.tree.N < needs) return undefined;
    const pending = new PendingTiles();
    let data: Buffer;
    try {
      data = await readTileData(t, tileHashReader(this.latestHead.tree, this.tiles.reader(pending)));
    } catch (err) {
      throw this.tileError(err);
    }
    await this.commit(pending);
    return data;
  }

  private init(): Promise<void> {
    this.initialized ??= this.ops.readConfig(this.configFile()).then(async (msg) => {
      if (msg.length > 0) await this.merge(msg, new PendingTiles(), { fromServer: false });
    });
    // A failed init (unreadable config) is retried on the next call rather than remembered for ever.
    this.initialized.catch(() => {
      this.initialized = undefined;
    });
    return this.initialized;
  }

  /** One request for the pair of lookups go makes (M V and M V/go.mod), and for concurrent callers. */
  private async verifiedLookup(path: string, version: string): Promise<VerifiedLookup> {
    const file = `lookup/${escapePath(path)}@${escapeVersion(version)}`;
    await this.init();
    let p = this.inFlight.get(file);
    if (!p) {
      p = this.lookupRecord(file, path, version).finally(() => this.inFlight.delete(file));
      this.inFlight.set(file, p);
    }
    return p;
  }

  private async lookupRecord(file: string, path: string, version: string): Promise<VerifiedLookup> {
    const url = `${this.baseUrl}/${file}`;
    const cached = await this.ops.readCache(file);
    const data = cached ?? (await this.ops.fetch(url));
    const { id, text, rest } = parseRecord(data);

    const pending = new PendingTiles();
    await this.merge(rest, pending, { fromServer: cached === undefined });
    // Like Go, against the latest tree, which merge has just made at least as new as the response's.
    await this.checkRecord(id, text, this.latestHead.tree, pending);
    if (!isAbout(text, path, version)) {
      throw this.security(
        'missing-line',
        `SECURITY ERROR\n${path}@${version}: ${url} returned record ${id}, which is not about this module version\nrecord:\n\t${indent(text)}`,
      );
    }

    await this.commit(pending);
    if (cached === undefined) await this.ops.writeCache(file, data).catch(() => {});
    return { data, text };
  }

  /**
   * Go's mergeLatestMem: verify msg's signature, then that it and the latest tree lie on one timeline, and make
   * it the latest if it is newer. Persisting that is commit's job.
   */
  private merge(msg: Buffer, pending: PendingTiles, how: { fromServer: boolean }): Promise<SignedTree> {
    const run = this.mergeQueue.then(async () => {
      const head = this.openTree(msg);
      const latest = this.latestHead;
      if (head.tree.N > latest.tree.N) {
        await this.checkTrees(latest, head, pending, false);
        this.latestHead = head;
      } else {
        const older = head.tree.N < latest.tree.N;
        if (older && how.fromServer && this.rejectOlderTrees) {
          throw this.security(
            'rollback',
            misbehavior(
              `rollback: the server now signs a tree of ${head.tree.N} records, but signed a tree of ${latest.tree.N} before`,
              latest.msg,
              head.msg,
            ),
          );
        }
        await this.checkTrees(head, latest, pending, older && how.fromServer);
      }
      return head;
    });
    this.mergeQueue = run.catch(() => {});
    return run;
  }

  private openTree(msg: Buffer): SignedTree {
    let text: string;
    try {
      text = open(msg, [this.verifier]).text;
    } catch (err) {
      throw this.security(
        'signature',
        `SECURITY ERROR\nverifying tree note: ${(err as Error).message}\nnote:\n\t${indent(msg)}`,
        err,
      );
    }
    return { tree: parseTree(text), msg };
  }

  /**
   * Go's checkTrees: older must be a prefix of newer, computed from newer's authenticated tiles. When older is
   * the server's and newer is our latest, a server that cannot serve the tiles of a tree it signed has lost
   * (or is hiding) records: a rollback.
   */
  private async checkTrees(
    older: SignedTree,
    newer: SignedTree,
    pending: PendingTiles,
    serverIsOlder: boolean,
  ): Promise<void> {
    if (older.tree.N === 0) return; // every tree extends the empty one
    const thr = tileHashReader(newer.tree, this.tiles.reader(pending));
    let h: Buffer;
    try {
      h = await treeHash(older.tree.N, thr);
    } catch (err) {
      if (serverIsOlder && err instanceof SumdbNotFoundError) {
        throw this.security(
          'rollback',
          misbehavior(
            `rollback: the server signs a tree of ${older.tree.N} records and no longer serves ${err.url} of the tree of ${newer.tree.N} records it signed before`,
            newer.msg,
            older.msg,
          ),
          err,
        );
      }
      throw this.tileError(err);
    }
    if (sameBytes(h, older.tree.Hash)) return;

    // The two notes and the hashes that prove they conflict, so the report stands without the server.
    let proof = `proof of misbehavior:\n\t${h.toString('base64')}`;
    try {
      const p = await proveTree(newer.tree.N, older.tree.N, thr);
      checkTree(p, newer.tree.N, newer.tree.Hash, older.tree.N, h);
      for (const x of p) proof += `\n\t${Buffer.from(x).toString('base64')}`;
    } catch (err) {
      proof += `\n\tinternal error: ${(err as Error).message}`;
    }
    const what = serverIsOlder ? `rollback to a different tree of ${older.tree.N} records` : 'fork';
    const [oldNote, newNote] = serverIsOlder ? [newer.msg, older.msg] : [older.msg, newer.msg];
    throw this.security(
      serverIsOlder ? 'rollback' : 'fork',
      `${misbehavior(what, oldNote, newNote)}${proof}\n`,
    );
  }

  /** Go's checkRecord: the hash logged at id, read through the tree's authenticated tiles, is the record's. */
  private async checkRecord(id: number, text: Buffer, tree: Tree, pending: PendingTiles): Promise<void> {
    if (id < 0 || id >= tree.N) {
      throw this.security('record', `SECURITY ERROR\ncannot validate record ${id} in tree of size ${tree.N}`);
    }
    let hashes: Buffer[];
    try {
      hashes = await tileHashReader(tree, this.tiles.reader(pending))([storedHashIndex(0, id)]);
    } catch (err) {
      throw this.tileError(err);
    }
    if (!sameBytes(hashes[0]!, recordHash(text))) {
      throw this.security(
        'record',
        `SECURITY ERROR\ncannot authenticate record ${id} in server response\nrecord:\n\t${indent(text)}`,
      );
    }
  }

  /** Writes the operation's verified tiles, then the latest tree (Go's mergeLatest compare-and-swap loop). */
  private async commit(pending: PendingTiles): Promise<void> {
    await this.tiles.commit(pending);
    for (;;) {
      const stored = await this.ops.readConfig(this.configFile());
      if (sameBytes(stored, this.latestHead.msg)) return;
      // Another process may have moved the config ahead: it must be on our timeline too.
      const fromConfig = new PendingTiles();
      if (stored.length > 0) {
        const head = await this.merge(stored, fromConfig, { fromServer: false });
        await this.tiles.commit(fromConfig);
        if (head.tree.N >= this.latestHead.tree.N) return;
      }
      try {
        await this.ops.writeConfig(this.configFile(), stored, this.latestHead.msg);
        return;
      } catch (err) {
        if (!(err instanceof WriteConflictError)) throw err;
      }
    }
  }

  private configFile(): string {
    return `${this.name}/latest`;
  }

  private tileError(err: unknown): unknown {
    if (err instanceof InconsistentTileError) {
      return this.security('tile', `SECURITY ERROR\n${err.message} from ${this.baseUrl}`, err);
    }
    if (err instanceof TileSizeError) return this.security('tile', `SECURITY ERROR\n${err.message}`, err);
    return err;
  }

  private security(kind: SumdbSecurityKind, message: string, cause?: unknown): SumdbSecurityError {
    this.ops.securityError(message);
    return new SumdbSecurityError(kind, message, cause === undefined ? undefined : { cause });
  }
}

function misbehavior(what: string, oldNote: Uint8Array, newNote: Uint8Array): string {
  return `SECURITY ERROR\ngo.sum database server misbehavior detected: ${what}\n\nold database:\n\t${indent(oldNote)}\nnew database:\n\t${indent(newNote)}\n`;
}

/** Whether an authenticated record holds a line for path@version or its go.mod. */
function isAbout(text: Buffer, path: string, version: string): boolean {
  return [version, `${version}/go.mod`].some((v) => {
    try {
      return recordLines(text, path, v).length > 0;
    } catch {
      return false;
    }
  });
}

/** Go's report layout: each line of a note or record on its own tab-indented line. */
function indent(b: Uint8Array): string {
  return Buffer.from(b).toString('utf8').trimEnd().replaceAll('\n', '\n\t');
}
