/**
 * Port of golang.org/x/mod/semver: Go's semantic versions always start with `v`, and `vX` / `vX.Y` are
 * shorthands for `vX.0.0` / `vX.Y.0`. Invalid versions sort below all valid ones and equal each other.
 */

interface Parsed {
  major: string;
  minor: string;
  patch: string;
  short: string;
  prerelease: string;
  build: string;
}

export function isValid(v: string): boolean {
  return parse(v) !== undefined;
}

/** The canonical form (`v1.2` → `v1.2.0`, build metadata dropped), or '' when v is invalid. */
export function canonical(v: string): string {
  const p = parse(v);
  if (!p) return '';
  if (p.build !== '') return v.slice(0, v.length - p.build.length);
  if (p.short !== '') return v + p.short;
  return v;
}

export function major(v: string): string {
  const p = parse(v);
  if (!p) return '';
  return v.slice(0, 1 + p.major.length);
}

/** `vX.Y`, keeping the text as written where it has one. */
export function majorMinor(v: string): string {
  const p = parse(v);
  if (!p) return '';
  const i = 1 + p.major.length;
  const j = i + 1 + p.minor.length;
  if (j <= v.length && v[i] === '.' && v.slice(i + 1, j) === p.minor) return v.slice(0, j);
  return `${v.slice(0, i)}.${p.minor}`;
}

export function prerelease(v: string): string {
  return parse(v)?.prerelease ?? '';
}

export function build(v: string): string {
  return parse(v)?.build ?? '';
}

export function compare(v: string, w: string): -1 | 0 | 1 {
  const pv = parse(v);
  const pw = parse(w);
  if (!pv && !pw) return 0;
  if (!pv) return -1;
  if (!pw) return 1;
  return (
    compareInt(pv.major, pw.major) ||
    compareInt(pv.minor, pw.minor) ||
    compareInt(pv.patch, pw.patch) ||
    comparePrerelease(pv.prerelease, pw.prerelease)
  );
}

/** The larger of v and w, in canonical form. */
export function max(v: string, w: string): string {
  const cv = canonical(v);
  const cw = canonical(w);
  return compare(cv, cw) > 0 ? cv : cw;
}

/** A sorted copy: by compare, ties broken by Go's byte-wise string order so the result is total. */
export function sort(list: readonly string[]): string[] {
  return [...list].sort((a, b) => compare(a, b) || compareBytes(a, b));
}

/** Go compares strings by UTF-8 bytes; JS `<` compares UTF-16 units, which differs above U+FFFF. */
function compareBytes(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) as -1 | 1;
}

function parse(v: string): Parsed | undefined {
  if (v === '' || v[0] !== 'v') return undefined;
  let rest = v.slice(1);
  const maj = parseNum(rest);
  if (!maj) return undefined;
  rest = maj.rest;
  if (rest === '') return { major: maj.t, minor: '0', patch: '0', short: '.0.0', prerelease: '', build: '' };
  if (rest[0] !== '.') return undefined;
  const min = parseNum(rest.slice(1));
  if (!min) return undefined;
  rest = min.rest;
  if (rest === '') return { major: maj.t, minor: min.t, patch: '0', short: '.0', prerelease: '', build: '' };
  if (rest[0] !== '.') return undefined;
  const pat = parseNum(rest.slice(1));
  if (!pat) return undefined;
  rest = pat.rest;
  let pre = '';
  if (rest[0] === '-') {
    const r = parsePrerelease(rest);
    if (!r) return undefined;
    pre = r.t;
    rest = r.rest;
  }
  let bld = '';
  if (rest[0] === '+') {
    const r = parseBuild(rest);
    if (!r) return undefined;
    bld = r.t;
    rest = r.rest;
  }
  if (rest !== '') return undefined;
  return { major: maj.t, minor: min.t, patch: pat.t, short: '', prerelease: pre, build: bld };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isIdentChar(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-';
}

function parseNum(v: string): { t: string; rest: string } | undefined {
  if (!isDigit(v[0])) return undefined;
  let i = 1;
  while (i < v.length && isDigit(v[i])) i++;
  if (v[0] === '0' && i !== 1) return undefined;
  return { t: v.slice(0, i), rest: v.slice(i) };
}

function parsePrerelease(v: string): { t: string; rest: string } | undefined {
  let i = 1;
  let start = 1;
  while (i < v.length && v[i] !== '+') {
    const c = v[i]!;
    if (!isIdentChar(c) && c !== '.') return undefined;
    if (c === '.') {
      if (start === i || isBadNum(v.slice(start, i))) return undefined;
      start = i + 1;
    }
    i++;
  }
  if (start === i || isBadNum(v.slice(start, i))) return undefined;
  return { t: v.slice(0, i), rest: v.slice(i) };
}

function parseBuild(v: string): { t: string; rest: string } | undefined {
  let i = 1;
  let start = 1;
  while (i < v.length) {
    const c = v[i]!;
    if (!isIdentChar(c) && c !== '.') return undefined;
    if (c === '.') {
      if (start === i) return undefined;
      start = i + 1;
    }
    i++;
  }
  if (start === i) return undefined;
  return { t: v.slice(0, i), rest: v.slice(i) };
}

/** A numeric identifier with a leading zero, which semver forbids in prereleases. */
function isBadNum(v: string): boolean {
  return isNum(v) && v.length > 1 && v[0] === '0';
}

function isNum(v: string): boolean {
  for (const c of v) if (!isDigit(c)) return false;
  return true;
}

function compareInt(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function comparePrerelease(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  // Both start with '-'; each step skips the separator before the next identifier.
  while (x !== '' && y !== '') {
    x = x.slice(1);
    y = y.slice(1);
    const [dx, rx] = nextIdent(x);
    const [dy, ry] = nextIdent(y);
    x = rx;
    y = ry;
    if (dx !== dy) {
      const ix = isNum(dx);
      const iy = isNum(dy);
      if (ix !== iy) return ix ? -1 : 1;
      if (ix && dx.length !== dy.length) return dx.length < dy.length ? -1 : 1;
      return dx < dy ? -1 : 1;
    }
  }
  return x === '' ? -1 : 1;
}

function nextIdent(x: string): [string, string] {
  const i = x.indexOf('.');
  return i < 0 ? [x, ''] : [x.slice(0, i), x.slice(i)];
}
