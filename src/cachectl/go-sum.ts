import { check } from '../gomod/path.js';

/** What go.sum says about one module version: the h1 of its zip, of its go.mod, or both. */
export interface SumEntry {
  module: string;
  version: string;
  /** `M V h1:…`: the module's files are needed, and the zip must hash to this. */
  zip?: string;
  /** `M V/go.mod h1:…`: the go.mod must hash to this. */
  mod?: string;
}

/** A go.sum (or go.work.sum) that cannot be used, naming the file and line as the go command does. */
export class GoSumError extends Error {
  override readonly name = 'GoSumError';
}

/** The hash of an empty go.mod, which an old go command wrote by mistake; go drops such lines (fetch.go). */
const EMPTY_GO_MOD_HASH = 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=';

/**
 * Reads go.sum lines into `into`, keyed by `module@version`, as the go command's readGoSum does: blank lines
 * are skipped, a line must have exactly three fields, hashes other than h1 are kept out (nothing here can
 * check them). Two different h1 hashes for the same file are refused: go would fail on one of them anyway.
 */
export function readGoSum(file: string, text: string, into: Map<string, SumEntry>): void {
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const where = `${file}:${index + 1}`;
    const fields = line.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields.length !== 3) {
      throw new GoSumError(`malformed go.sum: ${where}: wrong number of fields ${fields.length}`);
    }
    const [module, rawVersion, hash] = fields as [string, string, string];
    if (hash === EMPTY_GO_MOD_HASH || !hash.startsWith('h1:')) continue;
    const isMod = rawVersion.endsWith('/go.mod');
    const version = isMod ? rawVersion.slice(0, -'/go.mod'.length) : rawVersion;
    try {
      check(module, version);
    } catch (err) {
      throw new GoSumError(`malformed go.sum: ${where}: ${(err as Error).message}`);
    }
    const id = `${module}@${version}`;
    const entry = into.get(id) ?? { module, version };
    const kind = isMod ? 'mod' : 'zip';
    const known = entry[kind];
    if (known !== undefined && known !== hash) {
      throw new GoSumError(
        `conflicting go.sum entries: ${where}: ${module} ${rawVersion} is ${hash} here but ${known} elsewhere; ` +
          'fix the go.sum files (go mod tidy) before saving or restoring',
      );
    }
    entry[kind] = hash;
    into.set(id, entry);
  }
}

/** Sorts by module path, then version, in byte order as Go sorts strings: reports come out the same every run. */
export function byModuleVersion(
  a: { module: string; version: string },
  b: { module: string; version: string },
): number {
  return compareStrings(a.module, b.module) || compareStrings(a.version, b.version);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
