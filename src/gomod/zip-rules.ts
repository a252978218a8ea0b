/**
 * The module zip rules of golang.org/x/mod/zip: CheckZip (what the go command enforces on a downloaded zip)
 * and checkFiles (what Create keeps, omits or refuses). Pure: callers bring names, sizes and go.mod text.
 * Messages copy Go's, so a refused zip reads like the error the go command would have printed.
 */
import { goQuote, InvalidPathError, InvalidVersionError } from './errors.js';
import { compareGoLang, goVersion, langVersion } from './modfile.js';
import { canonicalVersion, check, checkFilePath } from './path.js';

export const MAX_ZIP_FILE = 500 << 20;
export const MAX_GO_MOD = 16 << 20;
export const MAX_LICENSE = 16 << 20;

export interface FileProblem {
  path: string;
  reason: string;
}

/** Every reason a zip or file set breaks the rules, one per path, in input order (Go's FileErrorList). */
export class ZipRuleError extends Error {
  override name = 'ZipRuleError';
  constructor(readonly problems: FileProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
  }
}

/** Create's and CheckZip's precondition; problems are reported under `M@V`. */
export function checkModuleVersion(modulePath: string, version: string): void {
  const where = `${modulePath}@${version}`;
  const canonical = canonicalVersion(version);
  if (canonical !== version) {
    throw new ZipRuleError([
      {
        path: where,
        reason: `version ${goQuote(version)} is not canonical (should be ${goQuote(canonical)})`,
      },
    ]);
  }
  try {
    check(modulePath, version);
  } catch (err) {
    if (!(err instanceof InvalidPathError || err instanceof InvalidVersionError)) throw err;
    // InvalidVersionError already starts with `M@V: `; don't say it twice.
    const reason = err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message;
    throw new ZipRuleError([{ path: where, reason }]);
  }
}

export interface ZipEntryInfo {
  /** The full name as stored, `M@V/...`. */
  name: string;
  uncompressedSize: number;
}

/**
 * CheckZip on the central directory. Returns the file entries (no directories, no bare `M@V/`), or throws
 * ZipRuleError listing every problem. Sizes are the declared ones; the reader must hold the data to them.
 */
export function checkZipEntries<E extends ZipEntryInfo>(
  modulePath: string,
  version: string,
  entries: ReadonlyArray<E>,
): E[] {
  checkModuleVersion(modulePath, version);
  const prefix = `${modulePath}@${version}/`;
  const problems: FileProblem[] = [];
  const collisions = new CollisionChecker();
  const files: E[] = [];
  let sizeProblem: FileProblem | undefined;
  let total = 0;
  for (const entry of entries) {
    const fail = (reason: string) => problems.push({ path: entry.name, reason });
    if (!entry.name.startsWith(prefix)) {
      fail(`path does not have prefix ${goQuote(prefix)}`);
      continue;
    }
    let name = entry.name.slice(prefix.length);
    if (name === '') continue;
    const isDir = name.endsWith('/');
    if (isDir) name = name.slice(0, -1);
    const reason = checkCleanFilePath(name) ?? collisions.check(name, isDir);
    if (reason !== undefined) {
      fail(reason);
      continue;
    }
    if (isDir) continue;
    const base = baseName(name);
    if (isGoModName(base)) {
      if (base !== name) {
        fail('go.mod file not in module root directory');
        continue;
      }
      if (name !== 'go.mod') {
        fail('go.mod files must have lowercase names');
        continue;
      }
    }
    const size = entry.uncompressedSize;
    if (size >= 0 && MAX_ZIP_FILE - total >= size) {
      total += size;
    } else if (sizeProblem === undefined) {
      sizeProblem = {
        path: `${modulePath}@${version}`,
        reason: `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`,
      };
    }
    const limitReason = sizeLimitReason(name, size);
    if (limitReason !== undefined) {
      fail(limitReason);
      continue;
    }
    files.push(entry);
  }
  if (sizeProblem !== undefined) problems.unshift(sizeProblem);
  if (problems.length > 0) throw new ZipRuleError(problems);
  return files;
}

export interface CandidateFile {
  /** Slash-separated, relative to the module root. */
  path: string;
  size: number;
  mode: 'file' | 'symlink' | 'other';
}

export interface CheckedFiles<F extends CandidateFile> {
  /** The files a zip gets, in input order. */
  valid: F[];
  /** Silently dropped: vendored packages, submodules, symlinks, `.hg_archival.txt`. */
  omitted: FileProblem[];
  /** Any of these makes Create fail. */
  invalid: FileProblem[];
  /** Set when the valid files exceed MAX_ZIP_FILE together; also makes Create fail. */
  sizeError: string | undefined;
}

/**
 * Create's checkFiles. `goMod` is the root go.mod text: its `go` line decides the vendor rule (§5.3).
 * Only the first problem of a path is reported, as Go does.
 */
export function checkFiles<F extends CandidateFile>(
  files: ReadonlyArray<F>,
  goMod?: string,
): CheckedFiles<F> {
  const result: CheckedFiles<F> = { valid: [], omitted: [], invalid: [], sizeError: undefined };
  const reported = new Set<string>();
  const report = (path: string, omitted: boolean, reason: string) => {
    if (reported.has(path)) return;
    reported.add(path);
    (omitted ? result.omitted : result.invalid).push({ path, reason });
  };
  const goLang = goMod === undefined ? '' : langVersion(goVersion(goMod) ?? '');

  // A regular go.mod of any case marks its directory as another module; the root's entry ("") is never consulted.
  const moduleDirs = new Set<string>();
  for (const f of files) {
    if (f.mode === 'file' && isGoModName(baseName(f.path))) moduleDirs.add(dirName(f.path));
  }
  const inSubmodule = (p: string) => {
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
      if (moduleDirs.has(p.slice(0, i + 1))) return true;
    }
    return false;
  };

  const collisions = new CollisionChecker();
  let room = MAX_ZIP_FILE;
  for (const f of files) {
    const p = f.path;
    if (p !== cleanPath(p)) report(p, false, 'file path is not clean');
    else if (p.startsWith('/')) report(p, false, 'file path is not relative');
    else if (isVendoredPackage(p, goLang)) report(p, true, 'file is in vendor directory');
    else if (inSubmodule(p)) report(p, true, 'file is in another module');
    else if (p === '.hg_archival.txt')
      report(p, true, "file is inserted by 'hg archive' and is always omitted");
    else {
      const reason =
        filePathReason(p) ??
        (p.toLowerCase() === 'go.mod' && p !== 'go.mod'
          ? 'go.mod files must have lowercase names'
          : undefined) ??
        collisions.check(p, false);
      if (reason !== undefined) report(p, false, reason);
      else if (f.mode === 'symlink') report(p, true, 'file is a symbolic link');
      else if (f.mode !== 'file') report(p, true, 'not a regular file');
      else {
        if (f.size >= 0 && f.size <= room) room -= f.size;
        else result.sizeError ??= `module source tree too large (max size is ${MAX_ZIP_FILE} bytes)`;
        const limitReason = sizeLimitReason(p, f.size);
        if (limitReason !== undefined) report(p, false, limitReason);
        else result.valid.push(f);
      }
    }
  }
  return result;
}

/**
 * Whether Create leaves a file out as part of a vendored package. `goLang` is the root go.mod's language
 * version (`go1.24`, or '' without one). Before go1.24 the rule has Go's offset bug (golang.org/issue/31562):
 * after a non-leading `/vendor/` it looks from byte 8, so every such path is dropped, and
 * `vendor/modules.txt` is kept. Checksums were computed with the bug, so only the go line may switch it off.
 */
export function isVendoredPackage(name: string, goLang: string): boolean {
  const fixed = goLang !== '' && compareGoLang(goLang, 'go1.24') >= 0;
  if (fixed && name === 'vendor/modules.txt') return true;
  let i: number;
  if (name.startsWith('vendor/')) {
    i = 'vendor/'.length;
  } else {
    const j = name.indexOf('/vendor/');
    if (j < 0) return false;
    i = fixed ? j + '/vendor/'.length : '/vendor/'.length;
  }
  return name.slice(i).includes('/');
}

function sizeLimitReason(name: string, size: number): string | undefined {
  if (name === 'go.mod' && size > MAX_GO_MOD)
    return `go.mod file too large (max size is ${MAX_GO_MOD} bytes)`;
  if (name === 'LICENSE' && size > MAX_LICENSE)
    return `LICENSE file too large (max size is ${MAX_LICENSE} bytes)`;
  return undefined;
}

function checkCleanFilePath(name: string): string | undefined {
  if (cleanPath(name) !== name) return 'file path is not clean';
  return filePathReason(name);
}

function filePathReason(name: string): string | undefined {
  try {
    checkFilePath(name);
    return undefined;
  } catch (err) {
    if (err instanceof InvalidPathError) return err.message;
    throw err;
  }
}

/**
 * Go's collisionChecker: one spelling per case-folded path, files and directories kept apart, parents
 * registered as directories. Paths sharing a rough key are compared with equalFold, which is exact.
 */
class CollisionChecker {
  private readonly seen = new Map<string, Array<{ path: string; isDir: boolean }>>();

  check(p: string, isDir: boolean): string | undefined {
    const key = roughFoldKey(p);
    const bucket = this.seen.get(key) ?? [];
    const other = bucket.find((o) => o.path === p || equalFold(o.path, p));
    if (other !== undefined) {
      if (other.path !== p)
        return `case-insensitive file name collision: ${goQuote(other.path)} and ${goQuote(p)}`;
      if (other.isDir !== isDir) return `entry ${goQuote(p)} is both a file and a directory`;
      if (!isDir) return `multiple entries for file ${goQuote(p)}`;
    } else {
      bucket.push({ path: p, isDir });
      this.seen.set(key, bucket);
    }
    const slash = p.lastIndexOf('/');
    return slash < 0 ? undefined : this.check(p.slice(0, slash), true);
  }
}

/**
 * Go's strings.EqualFold: equal under Unicode simple case folding, rune by rune. A case-insensitive
 * `u`-mode RegExp compares with exactly that folding (CaseFolding.txt C+S), so it is used as the oracle
 * instead of a hand-made copy of Go's SimpleFold orbit tables. Checked against Go 1.23 over every code
 * point: the only differences are pairs new in Unicode 16 (Node's ICU has them, Go 1.23's tables do not),
 * where a collision is reported that Go 1.23 would let through.
 */
export function equalFold(a: string, b: string): boolean {
  if (a === b) return true;
  return new RegExp(`^${a.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}$`, 'iu').test(b);
}

/**
 * A key shared by all spellings that equalFold could match (lowercase of the single-code-point uppercase);
 * it may also join a few that differ (ı and i), which equalFold then tells apart.
 */
function roughFoldKey(s: string): string {
  if (!/[^\p{ASCII}]/u.test(s)) return s.toLowerCase();
  let key = '';
  for (const ch of s) {
    const upper = single(ch.toUpperCase()) ?? ch;
    key += single(upper.toLowerCase()) ?? upper;
  }
  return key;
}

function single(s: string): string | undefined {
  return s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff) ? s : undefined;
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const cleaned = (rooted ? '/' : '') + out.join('/');
  return cleaned === '' ? '.' : cleaned;
}

/** strings.EqualFold(base, "go.mod"); only ASCII letters fold to g, o, m, d, so the length test is safe. */
function isGoModName(base: string): boolean {
  return base.length === 6 && equalFold(base, 'go.mod');
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** path.Split's dir part: everything up to and including the last slash. */
function dirName(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}
