import type { GitRunner } from './git-runner.js';

/** An object as `git cat-file --batch` shows it. */
export interface GitObject {
  hash: string;
  type: string;
  /** Undefined when the object is larger than the read allowed. */
  content: Buffer | undefined;
}

interface Pending {
  name: string;
  maxBytes: number;
  resolve: (object: GitObject | undefined) => void;
  reject: (err: Error) => void;
}

/** An exchange that takes longer than this means git is stuck: the process is killed and the reads fail. */
const READ_TIMEOUT_MS = 60_000;

/** A reader nobody used for this long ends its process; the next read starts a new one. */
const IDLE_MS = 5_000;

/**
 * Reads objects of one repository through one long-lived `git cat-file --batch`: a commit or a file of a
 * version costs a line on a pipe instead of a git process. Resolving a version reads a commit and a go.mod
 * or two, and starting a process costs far more than reading them. git looks for new packs when it misses
 * an object, so a reader started before a fetch sees the fetched objects; objects are named by their
 * contents, so one read from a pack that a later gc replaced is still right.
 */
export class ObjectReader {
  private process: ReturnType<GitRunner['startPiped']> | undefined;
  private readonly queue: Pending[] = [];
  private buffered: Buffer = Buffer.alloc(0);
  /** Names waiting to be written to git. */
  private outgoing: string[] = [];
  /** The object whose content is arriving: bytes still to come, and the chunks kept (none when too large). */
  private body:
    | { object: Omit<GitObject, 'content'>; remaining: number; chunks: Buffer[] | undefined }
    | undefined;
  private idle: NodeJS.Timeout | undefined;
  private timeout: NodeJS.Timeout | undefined;

  constructor(
    private readonly runner: GitRunner,
    private readonly gitDir: string,
    /** The repository URL, for error messages. */
    private readonly repo: string,
  ) {}

  /**
   * The object `name` (a hash, or `<hash>:<path>`) names, or undefined when there is none or the name is
   * ambiguous. Names with a line break could never be sent, so they name nothing.
   */
  read(name: string, maxBytes: number): Promise<GitObject | undefined> {
    if (/[\n\r\0]/.test(name)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      if (!this.process) this.start();
      clearTimeout(this.idle);
      this.queue.push({ name, maxBytes, resolve, reject });
      if (this.queue.length === 1) this.armTimeout();
      // Names asked for in the same tick (the files of a tree) go to git in one write.
      if (this.outgoing.length === 0) queueMicrotask(() => this.flush());
      this.outgoing.push(name);
    });
  }

  /** Starts git ahead of the first read, so that its start-up overlaps other work. */
  open(): void {
    if (!this.process) {
      this.start();
      this.whenIdle();
    }
  }

  /** Writes the waiting names to the running git: fail() drops the names of a git it ends. */
  private flush(): void {
    const names = this.outgoing.splice(0);
    if (this.process && names.length > 0) this.process.child.stdin!.write(`${names.join('\n')}\n`);
  }

  /** Bounds the wait for the answer at the head of the queue. */
  private armTimeout(): void {
    clearTimeout(this.timeout);
    this.timeout = setTimeout(
      () => this.fail(new Error(`${this.repo}: git cat-file gave no answer in ${READ_TIMEOUT_MS / 1000} s`)),
      READ_TIMEOUT_MS,
    );
  }

  /** Ends the process; reads in flight fail. */
  close(): void {
    this.fail(new Error(`${this.repo}: the git cat-file reader was closed`));
  }

  private start(): void {
    const started = this.runner.startPiped(['cat-file', '--batch'], { repo: this.repo, gitDir: this.gitDir });
    this.process = started;
    const { child } = started;
    child.stdin!.on('error', () => {}); // a dead git shows as the end of stdout
    // What git says on stderr (an ambiguous short hash lists its candidates) is not needed, but a pipe
    // nobody reads fills up and blocks git.
    child.stderr!.resume();
    child.stdout!.on('data', (chunk: Buffer) => {
      // Output a killed git wrote before it died belongs to reads that have already failed.
      if (this.process !== started) return;
      // Only a header line is ever left over between chunks, so this copies little.
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.answer();
    });
    child.stdout!.once('close', () => {
      if (this.process === started)
        this.fail(new Error(`${this.repo}: git cat-file exited (is git installed, and the mirror intact?)`));
    });
  }

  /**
   * Settles the reads whose whole answer has arrived, in order. A header line is parsed from `buffered`;
   * the content after it is gathered in `body` (or dropped, when larger than the read allows), so neither a
   * large object nor many small chunks cost more than their own bytes.
   */
  private answer(): void {
    for (;;) {
      const pending = this.queue[0];
      if (!pending) break;
      if (this.body) {
        const take = Math.min(this.body.remaining, this.buffered.length);
        if (this.body.chunks) this.body.chunks.push(this.buffered.subarray(0, take));
        this.body.remaining -= take;
        this.buffered = this.buffered.subarray(take);
        if (this.body.remaining > 0) return;
        const { object, chunks } = this.body;
        this.body = undefined;
        // The content is followed by a line feed.
        const content = chunks && Buffer.concat(chunks).subarray(0, -1);
        this.settle().resolve({ ...object, content });
        continue;
      }
      const eol = this.buffered.indexOf(0x0a);
      if (eol < 0) return;
      const header = this.buffered.subarray(0, eol).toString('utf8');
      this.buffered = this.buffered.subarray(eol + 1);
      // `<name> missing` and `<name> ambiguous` repeat the name as asked, spaces and all; newer git answers
      // `<hash> submodule` for a path that is a gitlink.
      if (
        header === `${pending.name} missing` ||
        header === `${pending.name} ambiguous` ||
        /^[0-9a-f]+ submodule$/.test(header)
      ) {
        this.settle().resolve(undefined);
        continue;
      }
      const fields = header.split(' ');
      const size = Number(fields[2]);
      if (fields.length !== 3 || !Number.isSafeInteger(size) || size < 0) {
        this.fail(new Error(`${this.repo}: git cat-file answered ${JSON.stringify(header.slice(0, 100))}`));
        return;
      }
      this.body = {
        object: { hash: fields[0]!, type: fields[1]! },
        remaining: size + 1,
        chunks: size <= pending.maxBytes ? [] : undefined,
      };
    }
    this.whenIdle();
  }

  private settle(): Pending {
    const pending = this.queue.shift()!;
    clearTimeout(this.timeout);
    if (this.queue.length > 0) this.armTimeout();
    return pending;
  }

  private whenIdle(): void {
    if (this.queue.length > 0) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.close(), IDLE_MS).unref();
  }

  private fail(err: Error): void {
    const started = this.process;
    this.process = undefined;
    this.buffered = Buffer.alloc(0);
    this.outgoing = [];
    this.body = undefined;
    clearTimeout(this.timeout);
    clearTimeout(this.idle);
    started?.kill();
    for (const pending of this.queue.splice(0)) pending.reject(err);
  }
}
