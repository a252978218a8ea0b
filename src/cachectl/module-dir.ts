import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { escapePath, escapeVersion } from '../gomod/escape.js';
import type { ZipFileSink } from '../zipfile/inspect-module-zip.js';

/**
 * A module version's extracted directory, `$GOMODCACHE/<escaped path>@<escaped version>`, written the way the
 * go command's modfetch.download writes it, so that go takes it as its own: the `.partial` marker beside the
 * zip exists for as long as the directory is incomplete (go removes and re-extracts a directory with one),
 * files are created read-only (0444, as x/mod/zip's Unzip does) and, unless -modcacherw, directories lose
 * their write bits at the end (makeDirsReadOnly). go counts a directory complete when it exists with no
 * `.partial` and a `.ziphash` beside the zip; the caller renames the `.ziphash` into place before `finish`.
 *
 * Every file operation here is synchronous: a restore makes thousands of them on small files that go to the
 * page cache, where a direct call costs a third of a round trip through libuv's thread pool (measured on the
 * benchmark's machine), and the restore is bound by CPU, not by waiting.
 */
export class ModuleDir {
  readonly path: string;
  private readonly partial: string;
  private readonly made = new Set<string>();

  constructor(moduleCache: string, module: string, version: string) {
    this.path = join(moduleCache, `${escapePath(module)}@${escapeVersion(version)}`);
    const downloads = join(moduleCache, 'cache', 'download', escapePath(module), '@v');
    this.partial = join(downloads, `${escapeVersion(version)}.partial`);
  }

  /**
   * Marks the directory partial and clears whatever is there (an interrupted extraction, or a directory whose
   * zip was gone, which go would not trust either); returns where to extract.
   */
  begin(): ZipFileSink {
    mkdirSync(dirname(this.partial), { recursive: true });
    writeFileSync(this.partial, '');
    removeTree(this.path);
    mkdirSync(this.path, { recursive: true });
    this.made.add(this.path);
    return { open: async (name) => this.create(name) };
  }

  /** The extraction is complete and verified: directories become read-only (unless asked not to), go may use it. */
  finish(readOnly: boolean): void {
    if (readOnly) {
      // Deepest first, as go does, so that no directory is locked before its children are changed.
      const dirs = [...this.made].sort((a, b) => b.length - a.length);
      for (const dir of dirs) chmodSync(dir, statSync(dir).mode & 0o777 & ~0o222);
    }
    rmSync(this.partial, { force: true });
  }

  /** Throws away a failed or refused extraction, leaving no trace go could mistake for a module. */
  discard(): void {
    removeTree(this.path);
    rmSync(this.partial, { force: true });
  }

  private create(name: string) {
    const target = join(this.path, name);
    // The zip rules refuse `..` and absolute names already; this holds even if they did not.
    const rel = relative(this.path, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`)) throw new Error(`unsafe file name ${name}`);
    const parent = dirname(target);
    if (!this.made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      for (let d = parent; d !== this.path && !this.made.has(d); d = dirname(d)) this.made.add(d);
    }
    const fd = openSync(target, 'wx', 0o444);
    return {
      write: async (chunk: Uint8Array) => {
        for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done);
      },
      close: async () => closeSync(fd),
    };
  }
}

/**
 * Whether go leaves the module cache writable: `-modcacherw` in GOFLAGS (go's flag syntax: one or two dashes,
 * an optional `=bool`).
 */
export function modCacheReadOnly(goflags: string | undefined): boolean {
  for (const flag of (goflags ?? '').split(/\s+/)) {
    const match = /^--?modcacherw(?:=(.*))?$/.exec(flag);
    if (match) return ['false', '0', 'f', 'F', 'FALSE', 'False'].includes(match[1] ?? 'true');
  }
  return true;
}

/** Removes a directory tree that may have been made read-only, as go's RemoveAll does. */
function removeTree(path: string): void {
  const found = lstatSync(path, { throwIfNoEntry: false });
  if (found?.isDirectory()) makeWritable(path);
  rmSync(path, { recursive: true, force: true });
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) makeWritable(join(dir, entry.name));
  }
}
