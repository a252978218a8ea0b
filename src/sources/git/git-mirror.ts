import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import * as semver from '../../gomod/semver.js';
import { GitError, type GitRunner } from './git-runner.js';
import { ObjectReader } from './object-reader.js';
import { type Origin, type RevInfo, sortBytes } from './origin.js';
import { Mutex } from './semaphore.js';
import { readTreeFiles, type TreeFile } from './tree-files.js';

/** A revision the repository does not have (codehost.UnknownRevisionError): a not-found answer. */
export class UnknownRevisionError extends Error {
  override readonly name = 'UnknownRevisionError';
}

export interface Tag {
  name: string;
  /** The commit the tag points at (annotated tags peeled). */
  hash: string;
}

const MIN_HASH_DIGITS = 7;

/** A commit object is headers and a message; one larger than this is not a commit anyone tags. */
const MAX_COMMIT_BYTES = 16 << 20;

/** How old the refs may be when a revision is not found in them and the remote is asked again. */
const RECHECK_MS = 1_000;

/** Fetches that lose a ref-lock race with another process are tried this many times in all. */
const FETCH_ATTEMPTS = 5;

/**
 * Turns off `export-subst` and `export-ignore` for every archive, as the go command does (ensureGitAttributes):
 * without it a zip would depend on the git version and on the size of the repository.
 */
const ARCHIVE_ATTRIBUTES = '\n* -export-subst -export-ignore\n';

/** A read-only git command's answer: its output, or git's refusal (a missing file or revision). */
type LocalRead = { out: Buffer } | { err: GitError };

/**
 * Answers of read-only commands on mirrors (for-each-ref, merge-base), shared by all mirrors of the process.
 * They depend only on a mirror's refs and the objects those reach, which stay while the refs do, so an answer
 * is keyed by the refs it was read under and stays true for as long as the mirror holds those refs. Resolving a
 * pseudo-version asks the same few questions many times; without this each of them is a git process.
 */
const LOCAL_READS = new LRUCache<string, LocalRead>({
  maxSize: 32 << 20,
  sizeCalculation: (read, key) => key.length + ('out' in read ? read.out.length : read.err.stderr.length),
});

/**
 * One persistent bare mirror of a remote repository, with the go command's codehost/git.go semantics on top
 * of it. Unlike the go command, which shallow-fetches single refs into a throwaway cache, the mirror holds
 * every branch and tag with full history and is brought up to date by an incremental fetch, only when
 * `git ls-remote` shows that some ref changed, and at most once per `refreshIntervalMs`.
 */
export class GitMirror {
  private readonly mutex = new Mutex();
  private snapshot: { at: number; refs: Map<string, string> } | undefined;
  /** A digest of the refs the mirror holds, which keys its cached reads; unset before the first refresh. */
  private refsDigest: string | undefined;
  private initialized = false;
  /** When a listed commit the mirror lacked last made it read the refs again. */
  private healedAt = 0;
  private readonly objects: ObjectReader;
  /** When a request last needed the mirror: the background refresh keeps recently used mirrors fresh. */
  lastUsed = 0;
  /** Told after a refresh fetched tags that are new or moved (not on the mirror's first fetch). */
  onNewTags: (tags: string[]) => void = () => {};

  constructor(
    private readonly runner: GitRunner,
    /** The remote URL as configured, which the Origin of answers names. */
    readonly url: string,
    /** The bare repository on disk. */
    readonly dir: string,
    private readonly refreshIntervalMs: number,
  ) {
    this.objects = new ObjectReader(runner, dir, url);
  }

  /**
   * The remote's refs as go's loadRefs sees them: HEAD, branches and tags, annotated tags peeled to their
   * commit. The local mirror holds them all once this returns.
   */
  async refs(maxAgeMs = this.refreshIntervalMs): Promise<ReadonlyMap<string, string>> {
    const fresh = () =>
      this.snapshot && Date.now() - this.snapshot.at < maxAgeMs ? this.snapshot.refs : undefined;
    return fresh() ?? this.mutex.run(async () => fresh() ?? (await this.refresh()));
  }

  /**
   * The URL goes to ls-remote and fetch as an argument, not as a configured remote: no `git remote add` for a
   * new mirror (one process less before its first answer), and nothing in the mirror's config to go stale.
   */
  private async refresh(): Promise<Map<string, string>> {
    // ls-remote needs no repository, and a new mirror holds nothing to compare with what it lists: the
    // mirror is made and fetched while the remote answers.
    const listed = this.runner.run(['ls-remote', '-q', '--', this.url], { repo: this.url, network: true });
    const creating = this.init().then(async (created) => {
      if (!created) return false;
      // cat-file starts while the fetch runs; it looks for new objects when it misses one.
      this.objects.open();
      await this.fetch(true);
      return true;
    });
    // Both end before either failure is thrown: the mirror's lock must not go while a first fetch runs.
    await Promise.allSettled([listed, creating]);
    const [listing, created] = [await listed, await creating];
    const { refs, unpeeled } = parseLsRemote(listing.toString('utf8'));
    // A push between a new mirror's fetch and the listing is caught when a listed commit is missing (statIn).
    const local = created ? unpeeled : await this.localRefs();
    if (!sameRefs(unpeeled, local)) {
      await this.fetch(false);
      const changed = [...unpeeled]
        .filter(([ref, hash]) => ref.startsWith('refs/tags/') && local.get(ref) !== hash)
        .map(([ref]) => ref.slice('refs/tags/'.length));
      if (changed.length > 0) this.onNewTags(changed);
    }
    this.refsDigest = digest(unpeeled);
    this.snapshot = { at: Date.now(), refs };
    return refs;
  }

  /**
   * Brings every branch and tag up to date, with full history (an incremental fetch of a persistent mirror).
   * Worker processes sharing the data directory may fetch the same mirror at once; git's ref locks make one
   * of them fail, and it tries again once the other is done.
   */
  private async fetch(first: boolean): Promise<void> {
    const args = [
      // Fetch is quiet, so the forced updates it would work out are never shown: modgate compares refs itself.
      '-c',
      'fetch.showForcedUpdates=false',
      '-c',
      'advice.fetchShowForcedUpdates=false',
      // A mirror's first fetch leaves nothing to repack: no `git maintenance` process after it.
      ...(first ? ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false'] : []),
      'fetch',
      '-q',
      '-f',
      '--prune',
      '--',
      this.url,
      '+refs/heads/*:refs/heads/*',
      '+refs/tags/*:refs/tags/*',
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.git(args, true);
        return;
      } catch (err) {
        const locked =
          err instanceof GitError && /cannot lock ref|Unable to create '.*\.lock'/.test(err.stderr);
        if (!locked || attempt === FETCH_ATTEMPTS) throw err;
        await setTimeout(250 * attempt);
      }
    }
  }

  /**
   * Creates the bare repository once, atomically: a crash halfway leaves no half-made mirror behind, and of
   * two processes creating it at once the first rename wins and the other uses that mirror. True when this
   * call made it (so it is empty).
   */
  private async init(): Promise<boolean> {
    if (this.initialized) return false;
    let created = false;
    if (!(await exists(join(this.dir, 'objects')))) {
      const draft = `${this.dir}.tmp-${randomBytes(4).toString('hex')}`;
      try {
        await mkdir(draft, { recursive: true });
        await this.runner.run(['init', '-q', '--bare'], { repo: this.url, gitDir: draft });
        await writeFile(join(draft, 'info', 'attributes'), ARCHIVE_ATTRIBUTES);
        created = await rename(draft, this.dir).then(
          () => true,
          (err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
            return false;
          },
        );
      } finally {
        await rm(draft, { recursive: true, force: true });
      }
    }
    this.initialized = true;
    return created;
  }

  private async localRefs(): Promise<Map<string, string>> {
    const out = await this.git([
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      'refs/heads',
      'refs/tags',
    ]);
    const refs = new Map<string, string>();
    for (const line of out.toString('utf8').split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
    }
    return refs;
  }

  /** Tags starting with `prefix`, sorted by name (gitRepo.Tags). */
  async tags(prefix: string): Promise<Tag[]> {
    const list: Tag[] = [];
    for (const [ref, hash] of await this.refs()) {
      if (ref.startsWith(`refs/tags/${prefix}`)) list.push({ name: ref.slice('refs/tags/'.length), hash });
    }
    return list.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  /** The commit of the remote's HEAD, with Origin Ref `HEAD` (gitRepo.Latest). */
  async latest(): Promise<RevInfo> {
    const head = (await this.refs()).get('HEAD');
    if (!head) throw new UnknownRevisionError(`${this.url}: no commits`);
    const info = await this.stat(head);
    return { ...info, origin: { ...info.origin, Ref: 'HEAD', Hash: head } };
  }

  /**
   * Resolves a tag, branch, `HEAD` or commit-hash prefix (gitRepo.stat). Only commits reachable from the
   * remote's branches and tags are ever found: those are all the mirror fetches.
   */
  async stat(rev: string): Promise<RevInfo> {
    try {
      return await this.statIn(await this.refs(), rev);
    } catch (err) {
      // go asks the remote every time; a tag pushed since the last refresh must not stay unknown for the
      // whole interval. Unknown names make the remote be asked again, at most once a second.
      if (!(err instanceof UnknownRevisionError)) throw err;
      return this.statIn(await this.refs(RECHECK_MS), rev);
    }
  }

  private async statIn(refs: ReadonlyMap<string, string>, rev: string): Promise<RevInfo> {
    let ref = '';
    let hash = '';
    if (refs.has(`refs/tags/${rev}`)) {
      ref = `refs/tags/${rev}`;
      hash = refs.get(ref)!;
    } else if (refs.has(`refs/heads/${rev}`)) {
      ref = `refs/heads/${rev}`;
      hash = refs.get(ref)!;
      rev = hash;
    } else if (rev === 'HEAD' && refs.has('HEAD')) {
      ref = 'HEAD';
      hash = refs.get(ref)!;
      rev = hash;
    } else if (isHashPrefix(rev)) {
      for (const [name, h] of refs) {
        if (!h.startsWith(rev)) continue;
        if (hash !== '' && hash !== h) throw new UnknownRevisionError(`ambiguous revision ${rev}`);
        if (ref === '' || name < ref) ref = name;
        hash = h;
      }
      if (hash !== '') rev = hash;
    } else {
      throw new UnknownRevisionError(`unknown revision ${rev}`);
    }
    // go fetches HEAD's commit by hash, which leaves no ref to record; any other ref is recorded.
    const named = ref !== '' && ref !== 'HEAD' ? ref : '';
    const info = await this.statLocal(rev, hash || rev, refs).catch((err: unknown) => {
      // The remote listed the commit, yet the mirror lacks it (a push landed between a new mirror's fetch
      // and its listing): the next look at the refs fetches again. Once per refresh interval, since a listed
      // ref may also name something that is no commit at all.
      if (
        hash !== '' &&
        err instanceof UnknownRevisionError &&
        Date.now() - this.healedAt >= this.refreshIntervalMs
      ) {
        this.healedAt = Date.now();
        this.snapshot = undefined;
      }
      throw err;
    });
    if (ref === '' && !(await this.reachable(info.name)))
      throw new UnknownRevisionError(`unknown revision ${rev}`);
    const origin: Origin = { ...info.origin, Hash: info.name };
    if (named) origin.Ref = named;
    else delete origin.Ref;
    return { ...info, origin };
  }

  /**
   * Whether a branch or tag reaches the commit. go only ever fetches those, so a commit that is left in the
   * mirror from a since-deleted branch must be as unknown to modgate as it is to go.
   */
  private async reachable(hash: string): Promise<boolean> {
    const out = await this.read(['for-each-ref', '--count=1', '--contains', hash, 'refs/heads', 'refs/tags']);
    return out.length > 0;
  }

  /**
   * The commit `rev` names (gitRepo.statLocal, which runs `git log -n1`); `version` is kept only when it is
   * one of its tags. `rev` is looked up by hash whenever the refs know it, so the answer never depends on
   * refs a fetch by another process changed meanwhile. The tags are those of the refs, which the mirror
   * holds exactly.
   */
  private async statLocal(version: string, rev: string, refs: ReadonlyMap<string, string>): Promise<RevInfo> {
    const commit = await this.objects.read(`${rev}^{commit}`, MAX_COMMIT_BYTES);
    if (!commit?.content) throw new UnknownRevisionError(`unknown revision ${rev}`);
    const hash = commit.hash;
    const seconds = committerTime(commit.content);
    if (!Number.isSafeInteger(seconds))
      throw new UnknownRevisionError(`${rev}: commit ${hash} has no committer time git can read`);
    if (hash.startsWith(version)) version = hash;
    const tags: string[] = [];
    for (const [ref, id] of refs) if (id === hash && ref.startsWith('refs/tags/')) tags.push(ref.slice(10));
    sortBytes(tags);
    return {
      name: hash,
      short: hash.slice(0, 12),
      time: new Date(seconds * 1000),
      version: tags.includes(version) ? version : hash,
      tags,
      origin: { VCS: 'git', URL: this.url, Hash: hash },
    };
  }

  /**
   * A file of a revision as stored (no attribute conversion), or undefined when it does not exist there.
   * Files larger than `maxBytes` are an error rather than a reason to fill memory.
   */
  async readFile(rev: string, file: string, maxBytes: number): Promise<Buffer | undefined> {
    const { name } = await this.stat(rev);
    // Like go (`git cat-file blob`), anything but a file there means "no such file".
    const object = await this.objects.read(`${name}:${file}`, maxBytes);
    if (object?.type !== 'blob') return undefined;
    if (!object.content) throw new Error(`${this.url}: ${file} at ${name} is larger than ${maxBytes} bytes`);
    return object.content;
  }

  /**
   * The highest tag with `prefix` merged into `rev` that `allowed` accepts (gitRepo.RecentTag), or ''.
   * The mirror has full history, so one look is definitive.
   */
  async recentTag(rev: string, prefix: string, allowed: (tag: string) => boolean): Promise<string> {
    const { name } = await this.stat(rev);
    const out = await this.read(['for-each-ref', '--format', '%(refname)', 'refs/tags', '--merged', name]);
    let highest = '';
    for (let line of out.toString('utf8').split('\n')) {
      line = line.trim();
      if (!line.startsWith('refs/tags/')) continue;
      line = line.slice('refs/tags/'.length);
      if (!line.startsWith(prefix) || !allowed(line)) continue;
      const semtag = line.slice(prefix.length);
      if (semver.compare(semtag, highest) > 0) highest = semtag;
    }
    return highest === '' ? '' : prefix + highest;
  }

  /** Whether the tag's commit is `rev` or one of its ancestors (gitRepo.DescendsFrom). */
  async descendsFrom(rev: string, tag: string): Promise<boolean> {
    if (!(await this.refs()).has(`refs/tags/${tag}`)) return false;
    try {
      await this.read(['merge-base', '--is-ancestor', '--', `refs/tags/${tag}`, rev]);
      return true;
    } catch (err) {
      if (err instanceof GitError && err.exitCode === 1) return false;
      throw err;
    }
  }

  /** The files `git archive` would give for a commit's directory, when no attribute changes them (readTreeFiles). */
  plainFiles(hash: string, subdir: string, maxBytes: number): Promise<TreeFile[] | undefined> {
    return readTreeFiles(this.objects, hash, subdir, maxBytes);
  }

  /**
   * `git archive` of a commit (or of one subdirectory of it) as a tar stream, with the conversions of the
   * tree's .gitattributes applied exactly as the go command's zip gets them.
   */
  archive(hash: string, subdir: string): ReturnType<GitRunner['stream']> {
    const args = ['-c', 'core.autocrlf=input', '-c', 'core.eol=lf', 'archive', '--format=tar', hash];
    if (subdir !== '') args.push('--', subdir);
    return this.runner.stream(args, { repo: this.url, gitDir: this.dir });
  }

  /**
   * A read-only command, answered from LOCAL_READS when it was run under the same refs. git's refusals (a
   * non-zero exit) are kept too; a kill (timeout, output too large) is not an answer and is never kept.
   */
  private async read(args: string[], maxBytes?: number): Promise<Buffer> {
    const refs = this.refsDigest;
    const key = refs && [this.dir, refs, maxBytes ?? '', ...args].join('\0');
    const hit = key && LOCAL_READS.get(key);
    if (hit) {
      if ('err' in hit) throw hit.err;
      return hit.out;
    }
    // An answer read while a fetch changed the refs may belong to either state: it is used, not kept.
    const keep = (read: LocalRead) => key && refs === this.refsDigest && LOCAL_READS.set(key, read);
    try {
      const out = await this.git(args, false, maxBytes);
      keep({ out });
      return out;
    } catch (err) {
      if (err instanceof GitError && err.exitCode !== null) keep({ err });
      throw err;
    }
  }

  private git(args: string[], network = false, maxBytes?: number): Promise<Buffer> {
    return this.runner.run(args, { repo: this.url, gitDir: this.dir, network, maxBytes });
  }
}

/** ls-remote output → go's refs (peeled) and the refs as stored (to compare with the mirror's own). */
function parseLsRemote(text: string): { refs: Map<string, string>; unpeeled: Map<string, string> } {
  const refs = new Map<string, string>();
  const unpeeled = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 2) continue;
    const [hash, ref] = f as [string, string];
    if (ref.endsWith('^{}')) {
      peeled.set(ref.slice(0, -3), hash);
    } else if (ref === 'HEAD' || ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) {
      refs.set(ref, hash);
      if (ref !== 'HEAD') unpeeled.set(ref, hash);
    }
  }
  for (const [ref, hash] of peeled) if (refs.has(ref)) refs.set(ref, hash);
  return { refs, unpeeled };
}

function digest(refs: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const [ref, id] of [...refs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    hash.update(`${id} ${ref}\n`);
  return hash.digest('hex');
}

function sameRefs(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [ref, hash] of a) if (b.get(ref) !== hash) return false;
  return true;
}

/** The committer time of a raw commit object, in seconds: the number after the last `>` (as `%ct` reads it); NaN if none. */
function committerTime(commit: Buffer): number {
  const end = commit.indexOf('\n\n');
  const headers = commit.toString('utf8', 0, end < 0 ? commit.length : end);
  const committer = headers.split('\n').find((line) => line.startsWith('committer '));
  const seconds = Number(/>\s*(\d+)/.exec(committer?.slice(committer.lastIndexOf('>')) ?? '')?.[1]);
  return seconds;
}

function isHex(s: string): boolean {
  return /^[0-9a-f]*$/.test(s);
}

function isHashPrefix(rev: string): boolean {
  return rev.length >= MIN_HASH_DIGITS && rev.length <= 40 && isHex(rev);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
