/**
 * Module, import and file path rules and the major-version suffix rules of golang.org/x/mod/module.
 * Paths are checked code point by code point, as Go ranges over runes; a lone surrogate (which no UTF-8 can
 * encode) plays the part of Go's invalid UTF-8.
 */
import { goQuote, goQuoteRune, InvalidPathError, InvalidVersionError, type PathKind } from './errors.js';
import * as semver from './semver.js';

/** An error inside a path check; the public functions wrap it into InvalidPathError. */
class ElemError extends Error {}

const BAD_WINDOWS_NAMES = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'COM1',
  'COM2',
  'COM3',
  'COM4',
  'COM5',
  'COM6',
  'COM7',
  'COM8',
  'COM9',
  'LPT1',
  'LPT2',
  'LPT3',
  'LPT4',
  'LPT5',
  'LPT6',
  'LPT7',
  'LPT8',
  'LPT9',
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LETTER = /^\p{L}$/u;

/** The first element is a DNS name, lowercase so that it never needs case-escaping. */
function firstPathOK(c: string): boolean {
  return c === '-' || c === '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

function modPathOK(c: string): boolean {
  return (
    c === '-' ||
    c === '.' ||
    c === '_' ||
    c === '~' ||
    (c >= '0' && c <= '9') ||
    (c >= 'A' && c <= 'Z') ||
    (c >= 'a' && c <= 'z')
  );
}

function importPathOK(c: string): boolean {
  return modPathOK(c) || c === '+';
}

/** Shell and OS special characters (" ' * < > ? ` | / \ :) stay out; other Unicode letters are allowed. */
function fileNameOK(c: string): boolean {
  const r = c.codePointAt(0)!;
  if (r < 0x80) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
    return '!#$%&()+,-.=@[]^_{}~ '.includes(c);
  }
  return LETTER.test(c);
}

function checkPathKind(path: string, kind: PathKind): void {
  if (LONE_SURROGATE.test(path)) throw new ElemError('invalid UTF-8');
  if (path === '') throw new ElemError('empty string');
  if (path[0] === '-' && kind !== 'file') throw new ElemError('leading dash');
  if (path.includes('//')) throw new ElemError('double slash');
  if (path.endsWith('/')) throw new ElemError('trailing slash');
  for (const elem of path.split('/')) checkElem(elem, kind);
}

function checkElem(elem: string, kind: PathKind): void {
  if (elem === '') throw new ElemError('empty path element');
  if (/^\.+$/.test(elem)) throw new ElemError(`invalid path element ${goQuote(elem)}`);
  if (elem[0] === '.' && kind === 'module') throw new ElemError('leading dot in path element');
  if (elem.endsWith('.')) throw new ElemError('trailing dot in path element');
  const ok = kind === 'module' ? modPathOK : kind === 'import' ? importPathOK : fileNameOK;
  for (const c of elem) {
    if (!ok(c)) throw new ElemError(`invalid char ${goQuoteRune(c.codePointAt(0)!)}`);
  }
  const dot = elem.indexOf('.');
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  // Windows refuses these names whatever the case or extension (con.go, Aux.txt).
  const upper = short.toUpperCase();
  if (/^[A-Za-z0-9]+$/.test(short) && BAD_WINDOWS_NAMES.includes(upper)) {
    throw new ElemError(`${goQuote(short)} disallowed as path element component on Windows`);
  }
  // File names skip the 8.3 short-name rule: it only matters for import paths.
  if (kind === 'file') return;
  const tilde = short.lastIndexOf('~');
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) {
    throw new ElemError('trailing tilde and digits in path element');
  }
}

function wrap(kind: PathKind, path: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof ElemError) throw new InvalidPathError(kind, path, err.message);
    throw err;
  }
}

/** module.CheckPath: an import path whose first element is a lowercase domain, with a valid major suffix. */
export function checkPath(path: string): void {
  wrap('module', path, () => {
    checkPathKind(path, 'module');
    let i = path.indexOf('/');
    if (i < 0) i = path.length;
    if (i === 0) throw new ElemError('leading slash');
    const first = path.slice(0, i);
    if (!first.includes('.')) throw new ElemError('missing dot in first path element');
    if (path[0] === '-') throw new ElemError('leading dash in first path element');
    for (const c of first) {
      if (!firstPathOK(c))
        throw new ElemError(`invalid char ${goQuoteRune(c.codePointAt(0)!)} in first path element`);
    }
    if (!splitPathVersion(path)) throw new ElemError('invalid version');
  });
}

export function checkImportPath(path: string): void {
  wrap('import', path, () => checkPathKind(path, 'import'));
}

export function checkFilePath(path: string): void {
  wrap('file', path, () => checkPathKind(path, 'file'));
}

/** Checks one file-name element (what a version must be in the proxy protocol); the reason, or undefined. */
export function checkFileElem(elem: string): string | undefined {
  try {
    checkElem(elem, 'file');
    return undefined;
  } catch (err) {
    if (err instanceof ElemError) return err.message;
    throw err;
  }
}

/**
 * module.SplitPathVersion: `example.com/m/v2` → (`example.com/m`, `/v2`), `gopkg.in/yaml.v2` → (`gopkg.in/yaml`,
 * `.v2`). Undefined where Go returns ok=false (`/v0`, `/v1`, `/v2.0`, `/v02`, gopkg.in without `.vN`).
 */
export function splitPathVersion(path: string): { prefix: string; pathMajor: string } | undefined {
  if (path.startsWith('gopkg.in/')) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  while (i > 0 && (isDigit(path[i - 1]!) || path[i - 1] === '.')) {
    if (path[i - 1] === '.') dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') {
    return { prefix: path, pathMajor: '' };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === '0' || pathMajor === '/v1') return undefined;
  return { prefix, pathMajor };
}

function splitGopkgIn(path: string): { prefix: string; pathMajor: string } | undefined {
  let i = path.length;
  if (path.endsWith('-unstable')) i -= '-unstable'.length;
  while (i > 0 && isDigit(path[i - 1]!)) i--;
  // Every gopkg.in path ends in .vN (optionally -unstable).
  if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') return undefined;
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === '0' && pathMajor !== '.v0')) return undefined;
  return { prefix, pathMajor };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** module.CheckPathMajor: throws InvalidVersionError (no path) when v's major does not fit pathMajor. */
export function checkPathMajor(v: string, pathMajor: string): void {
  if (pathMajor.startsWith('.v') && pathMajor.endsWith('-unstable')) {
    pathMajor = pathMajor.slice(0, -'-unstable'.length);
  }
  // Early vgo wrote v0.0.0- pseudo-versions for gopkg.in .v1 paths; old go.mod files still require them.
  if (v.startsWith('v0.0.0-') && pathMajor === '.v1') return;
  const m = semver.major(v);
  let want = pathMajor;
  if (pathMajor === '') {
    if (m === 'v0' || m === 'v1' || semver.build(v) === '+incompatible') return;
    want = 'v0 or v1';
  } else if (pathMajor[0] === '/' || pathMajor[0] === '.') {
    if (m === pathMajor.slice(1)) return;
    want = pathMajor.slice(1);
  }
  throw new InvalidVersionError('', v, `should be ${want}, not ${m}`);
}

export function matchPathMajor(v: string, pathMajor: string): boolean {
  try {
    checkPathMajor(v, pathMajor);
    return true;
  } catch {
    return false;
  }
}

/** module.PathMajorPrefix: `/v2` or `.v2` → `v2`; '' for no suffix. Throws where Go panics. */
export function pathMajorPrefix(pathMajor: string): string {
  if (pathMajor === '') return '';
  if (pathMajor[0] !== '/' && pathMajor[0] !== '.') {
    throw new Error(`pathMajor suffix ${pathMajor} passed to PathMajorPrefix lacks separator`);
  }
  if (pathMajor.startsWith('.v') && pathMajor.endsWith('-unstable')) {
    pathMajor = pathMajor.slice(0, -'-unstable'.length);
  }
  const m = pathMajor.slice(1);
  if (m !== semver.major(m)) {
    throw new Error(`pathMajor suffix ${pathMajor} passed to PathMajorPrefix is not a valid major version`);
  }
  return m;
}

/** module.Check: a valid module path, a valid semver, and a version whose major fits the path. */
export function check(path: string, version: string): void {
  checkPath(path);
  if (!semver.isValid(version)) throw new InvalidVersionError(path, version, 'not a semantic version');
  const pathMajor = splitPathVersion(path)?.pathMajor ?? '';
  try {
    checkPathMajor(version, pathMajor);
  } catch (err) {
    if (err instanceof InvalidVersionError)
      throw new InvalidVersionError(path, version, err.reason, err.pseudo);
    throw err;
  }
}

/** module.CanonicalVersion: semver.canonical, but `+incompatible` survives (it is part of the identity). */
export function canonicalVersion(v: string): string {
  const cv = semver.canonical(v);
  return semver.build(v) === '+incompatible' ? `${cv}+incompatible` : cv;
}
