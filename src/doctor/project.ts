import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ProjectView } from './model.js';

/** Larger inputs are reported, not read: no Dockerfile, workflow or go.mod is anywhere near this. */
export const MAX_TEXT_BYTES = 1 << 20;
/** A tree with more files than this is almost certainly not the project directory the user meant. */
export const MAX_FILES = 500_000;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export class ProjectError extends Error {}

export interface ProjectOptions {
  goEnv?: Readonly<Record<string, string>>;
  goEnvFile?: { path: string; text: string };
  privateModules?: string;
}

/** How a project's file contents are obtained: from disk, or from a map in tests. */
type Reader = (file: string) => { text: string } | { problem: string } | undefined;

/** A ProjectView whose texts are read lazily, once, and checked for size, binary content and UTF-8. */
class LazyProject implements ProjectView {
  private readonly texts = new Map<string, { text: string } | { problem: string } | undefined>();
  private readonly memos = new Map<string, unknown>();
  readonly goEnv?: Readonly<Record<string, string>>;
  readonly goEnvFile?: { path: string; text: string };
  readonly privateModules?: string;

  constructor(
    readonly root: string,
    readonly files: readonly string[],
    readonly skippedDirs: readonly string[],
    private readonly read: Reader,
    options: ProjectOptions,
  ) {
    if (options.goEnv) this.goEnv = options.goEnv;
    if (options.goEnvFile) this.goEnvFile = options.goEnvFile;
    if (options.privateModules) this.privateModules = options.privateModules;
  }

  private load(file: string) {
    if (!this.texts.has(file)) this.texts.set(file, this.read(file));
    return this.texts.get(file);
  }

  text(file: string): string | undefined {
    const loaded = this.load(file);
    return loaded && 'text' in loaded ? loaded.text : undefined;
  }

  unreadable(file: string): string | undefined {
    const loaded = this.load(file);
    return loaded && 'problem' in loaded ? loaded.problem : undefined;
  }

  memo<T>(key: string, make: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as T;
  }
}

/** Decodes file bytes as doctor reads them, or says why it will not. */
export function decodeText(bytes: Uint8Array): { text: string } | { problem: string } {
  if (bytes.length > MAX_TEXT_BYTES) return tooLarge(bytes.length);
  if (bytes.subarray(0, 8000).includes(0)) return { problem: 'it is a binary file (it contains NUL bytes)' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { problem: 'it is not valid UTF-8 text' };
  }
}

function tooLarge(size: number): { problem: string } {
  return { problem: `it is ${formatSize(size)}, more than the ${formatSize(MAX_TEXT_BYTES)} doctor reads` };
}

function formatSize(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** Reads a directory tree (without following symlinks) into a ProjectView. */
export async function loadProject(dir: string, options: ProjectOptions = {}): Promise<ProjectView> {
  const root = resolve(dir);
  const files: string[] = [];
  const skipped: string[] = [];
  await walk(root, '', files, skipped);
  files.sort();
  const known = new Set(files);
  const read: Reader = (file) => {
    if (!known.has(file)) return undefined;
    const path = join(root, file);
    try {
      // The size is checked before reading so a huge file is never loaded into memory.
      const size = statSync(path).size;
      return size > MAX_TEXT_BYTES ? tooLarge(size) : decodeText(readFileSync(path));
    } catch (err) {
      return { problem: `it cannot be read (${(err as Error).message})` };
    }
  };
  return new LazyProject(root, files, skipped.sort(), read, options);
}

async function walk(root: string, rel: string, files: string[], skipped: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason =
      e.code === 'ENOENT' ? 'no such directory' : e.code === 'ENOTDIR' ? 'not a directory' : e.message;
    throw new ProjectError(`cannot read ${rel === '' ? root : join(root, rel)}: ${reason}`);
  }
  for (const entry of entries) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (SKIPPED_DIRS.has(entry.name)) skipped.push(path);
      else await walk(root, path, files, skipped);
    } else if (entry.isFile()) {
      files.push(path);
      if (files.length > MAX_FILES) {
        throw new ProjectError(
          `${root} holds more than ${MAX_FILES} files; run doctor on the project directory`,
        );
      }
    }
  }
}

/** A ProjectView over in-memory texts (tests, and re-checking fixed texts before they are written). */
export function memoryProject(
  texts: Readonly<Record<string, string | Uint8Array>>,
  options: ProjectOptions & { root?: string; skippedDirs?: string[] } = {},
): ProjectView {
  const files = Object.keys(texts).sort();
  const read: Reader = (file) => {
    const content = texts[file];
    if (content === undefined) return undefined;
    return typeof content === 'string' ? decodeText(Buffer.from(content, 'utf8')) : decodeText(content);
  };
  return new LazyProject(options.root ?? '/project', files, options.skippedDirs ?? [], read, options);
}

/** The base view with some files' texts replaced or added: what the project would be after --fix edits. */
export function overlayProject(base: ProjectView, overrides: ReadonlyMap<string, string>): ProjectView {
  const files = [...new Set([...base.files, ...overrides.keys()])].sort();
  const memos = new Map<string, unknown>();
  const view: ProjectView = {
    root: base.root,
    files,
    text: (file) => overrides.get(file) ?? base.text(file),
    unreadable: (file) => (overrides.has(file) ? undefined : base.unreadable?.(file)),
    memo<T>(key: string, make: () => T): T {
      if (!memos.has(key)) memos.set(key, make());
      return memos.get(key) as T;
    },
  };
  return Object.assign(view, {
    ...(base.goEnv ? { goEnv: base.goEnv } : {}),
    ...(base.goEnvFile ? { goEnvFile: base.goEnvFile } : {}),
    ...(base.skippedDirs ? { skippedDirs: base.skippedDirs } : {}),
    ...(base.privateModules ? { privateModules: base.privateModules } : {}),
  });
}
