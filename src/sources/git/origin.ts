import { isPseudoVersion } from '../../gomod/pseudo.js';

/**
 * Where an answer came from (codehost.Origin), with Go's field names and order, so that the JSON modgate
 * serves is byte for byte what the go command writes into its own module cache.
 */
export interface Origin {
  VCS: 'git';
  URL: string;
  Subdir?: string;
  Hash?: string;
  Ref?: string;
}

/** A commit as the code host sees it (codehost.RevInfo). */
export interface RevInfo {
  /** The full commit hash. */
  name: string;
  /** The first 12 hex digits, as pseudo-versions use. */
  short: string;
  /** The committer time, whole seconds. */
  time: Date;
  /** The query when it names one of the commit's tags, else the full hash. */
  version: string;
  /** Every tag on the commit, sorted. */
  tags: string[];
  origin: Origin;
}

/** A module version resolved from a commit (modfetch.RevInfo). */
export interface ModuleRevInfo {
  version: string;
  time: Date;
  origin?: Origin;
}

/**
 * The `.info` JSON as the go command's writeDiskStat writes it. Go also drops the tag fields of Origin
 * (TagPrefix, TagSum), which modgate never computes, and for a pseudo-version the ref (a branch moving does
 * not change the commit).
 */
export function infoJson(info: ModuleRevInfo): Buffer {
  const json: { Version: string; Time: string; Origin?: Origin } = {
    Version: info.version,
    Time: goTime(info.time),
  };
  if (info.origin) {
    const origin = { ...info.origin };
    if (isPseudoVersion(info.version)) delete origin.Ref;
    json.Origin = ordered(origin);
  }
  return Buffer.from(goJson(json));
}

/** encoding/json's output: like JSON.stringify, but <, >, &, U+2028 and U+2029 escaped as \u00XX (HTML-safe). */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Go's time.Time JSON form for a UTC time in whole seconds: RFC 3339 without fractional seconds. */
function goTime(t: Date): string {
  return t.toISOString().replace(/\.000Z$/, 'Z');
}

const ORIGIN_FIELDS = ['VCS', 'URL', 'Subdir', 'Hash', 'Ref'] as const;

/** Go's struct order with `omitempty`: JSON.stringify keeps insertion order. */
function ordered(origin: Origin): Origin {
  const out: Record<string, string> = {};
  for (const field of ORIGIN_FIELDS) {
    const value = origin[field];
    if (value) out[field] = value;
  }
  return out as unknown as Origin;
}

/** Go's sort.Strings: byte-wise UTF-8 order. */
export function sortBytes(list: string[]): string[] {
  return list.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}
