/**
 * The `!x` case-encoding of module paths and versions in proxy URLs and cache paths (module.EscapePath and
 * friends): every uppercase ASCII letter becomes `!` plus its lowercase form, so that a case-insensitive file
 * system or web server never needs two casings of one name. Percent-decoding is the HTTP layer's job.
 */
import { goQuote, InvalidVersionError } from './errors.js';
import { checkFileElem, checkPath } from './path.js';

/** Throws InvalidPathError for an invalid module path. */
export function escapePath(path: string): string {
  checkPath(path);
  return escapeString(path);
}

/** Versions need not be semver, but must be a valid file name without `!`; else InvalidVersionError. */
export function escapeVersion(v: string): string {
  if (checkFileElem(v) !== undefined || v.includes('!')) {
    throw new InvalidVersionError('', v, 'disallowed version string');
  }
  return escapeString(v);
}

export function unescapePath(escaped: string): string {
  const path = unescapeString(escaped);
  if (path === undefined) throw new Error(`invalid escaped module path ${goQuote(escaped)}`);
  try {
    checkPath(path);
  } catch (err) {
    throw new Error(`invalid escaped module path ${goQuote(escaped)}: ${(err as Error).message}`);
  }
  return path;
}

export function unescapeVersion(escaped: string): string {
  const v = unescapeString(escaped);
  if (v === undefined) throw new Error(`invalid escaped version ${goQuote(escaped)}`);
  const reason = checkFileElem(v);
  if (reason !== undefined) throw new Error(`invalid escaped version ${goQuote(v)}: ${reason}`);
  return v;
}

function escapeString(s: string): string {
  // The checks above already exclude these; the mapping below would be ambiguous with them.
  if (/[!\u0080-\uffff]/.test(s)) throw new Error('internal error: inconsistency in EscapePath');
  return s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

function unescapeString(escaped: string): string | undefined {
  let out = '';
  let bang = false;
  for (const c of escaped) {
    if (c.codePointAt(0)! >= 0x80) return undefined;
    if (bang) {
      bang = false;
      if (c < 'a' || c > 'z') return undefined;
      out += c.toUpperCase();
      continue;
    }
    if (c === '!') {
      bang = true;
      continue;
    }
    if (c >= 'A' && c <= 'Z') return undefined;
    out += c;
  }
  return bang ? undefined : out;
}
