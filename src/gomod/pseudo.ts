/**
 * Pseudo-versions (golang.org/x/mod/module/pseudo.go): `vX.0.0-yyyymmddhhmmss-rev` with no earlier tag,
 * `vX.Y.(Z+1)-0.yyyymmddhhmmss-rev` after the release vX.Y.Z, and `vX.Y.Z-pre.0.yyyymmddhhmmss-rev` after
 * the prerelease vX.Y.Z-pre. Each sorts just above its base and below anything tagged later.
 */
import { goQuote, InvalidVersionError } from './errors.js';
import * as semver from './semver.js';

const PSEUDO_VERSION_RE =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export function isPseudoVersion(v: string): boolean {
  return countDashes(v) >= 2 && semver.isValid(v) && PSEUDO_VERSION_RE.test(v);
}

/** `older` is the closest earlier tag ('' if none); major is used only then ('' means v0). */
export function pseudoVersion(major: string, older: string, t: Date, rev: string): string {
  if (major === '') major = 'v0';
  const segment = `${formatTimestamp(t)}-${rev}`;
  const build = semver.build(older);
  older = semver.canonical(older);
  if (older === '') return `${major}.0.0-${segment}`;
  if (semver.prerelease(older) !== '') return `${older}.0.${segment}${build}`;
  const i = older.lastIndexOf('.') + 1;
  return `${older.slice(0, i)}${incDecimal(older.slice(i))}-0.${segment}${build}`;
}

/** The pseudo-version Go uses for "no version at all" of a major: `vX.0.0-00010101000000-000000000000`. */
export function zeroPseudoVersion(major: string): string {
  return pseudoVersion(major, '', zeroTime(), '000000000000');
}

export function isZeroPseudoVersion(v: string): boolean {
  return v === zeroPseudoVersion(semver.major(v));
}

export function pseudoVersionTime(v: string): Date {
  const { timestamp } = parsePseudoVersion(v);
  const t = parseTimestamp(timestamp);
  if (!t) throw new InvalidVersionError('', v, `malformed time ${goQuote(timestamp)}`, true);
  return t;
}

export function pseudoVersionRev(v: string): string {
  return parsePseudoVersion(v).rev;
}

/** The tag the pseudo-version was derived from ('' for none), keeping a `+incompatible` build suffix. */
export function pseudoVersionBase(v: string): string {
  const { base, build } = parsePseudoVersion(v);
  const pre = semver.prerelease(base);
  if (pre === '') {
    // vX.0.0-ts-rev+incompatible is nonsense: no parent tag, yet a parent major that does not fit the path.
    if (build !== '') {
      throw new InvalidVersionError(
        '',
        v,
        `lacks base version, but has build metadata ${goQuote(build)}`,
        true,
      );
    }
    return '';
  }
  if (pre === '-0') {
    const release = base.slice(0, -pre.length);
    const i = release.lastIndexOf('.');
    const patch = decDecimal(release.slice(i + 1));
    if (patch === '') {
      throw new InvalidVersionError(
        '',
        v,
        `version before ${release} would have negative patch number`,
        true,
      );
    }
    return `${release.slice(0, i + 1)}${patch}${build}`;
  }
  return `${base.slice(0, -'.0'.length)}${build}`;
}

function parsePseudoVersion(v: string): { base: string; timestamp: string; rev: string; build: string } {
  if (!isPseudoVersion(v)) throw new InvalidVersionError('', v, 'syntax error', true);
  const build = semver.build(v);
  let rest = v.slice(0, v.length - build.length);
  const j = rest.lastIndexOf('-');
  const rev = rest.slice(j + 1);
  rest = rest.slice(0, j);
  const i = rest.lastIndexOf('-');
  const dot = rest.lastIndexOf('.');
  // "vX.Y.Z-pre.0.ts" and "vX.Y.(Z+1)-0.ts" have a dot after the last dash; "vX.0.0-ts" does not.
  if (dot > i) return { base: rest.slice(0, dot), timestamp: rest.slice(dot + 1), rev, build };
  return { base: rest.slice(0, i), timestamp: rest.slice(i + 1), rev, build };
}

function countDashes(v: string): number {
  let n = 0;
  for (const c of v) if (c === '-') n++;
  return n;
}

/** Adds one to a decimal string of any length (patch numbers may exceed 2^53). */
function incDecimal(decimal: string): string {
  const digits = [...decimal];
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === '9'; i--) digits[i] = '0';
  if (i >= 0) {
    digits[i] = String(Number(digits[i]) + 1);
  } else {
    digits[0] = '1';
    digits.push('0');
  }
  return digits.join('');
}

/** Subtracts one from a decimal string; '' when it is zero. */
function decDecimal(decimal: string): string {
  const digits = [...decimal];
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === '0'; i--) digits[i] = '9';
  if (i < 0) return '';
  if (i === 0 && digits[i] === '1' && digits.length > 1) return digits.slice(1).join('');
  digits[i] = String(Number(digits[i]) - 1);
  return digits.join('');
}

/** Go's time.Time{}: 0001-01-01T00:00:00Z (a JS Date needs setUTCFullYear for years below 100). */
function zeroTime(): Date {
  return utcDate(1, 1, 1, 0, 0, 0);
}

function utcDate(year: number, month: number, day: number, hour: number, min: number, sec: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  return d;
}

/** t.UTC().Format("20060102150405"); sub-second parts are dropped, as Go does. */
function formatTimestamp(t: Date): string {
  const year = t.getUTCFullYear();
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  const two = (n: number) => String(n).padStart(2, '0');
  return `${y}${two(t.getUTCMonth() + 1)}${two(t.getUTCDate())}${two(t.getUTCHours())}${two(t.getUTCMinutes())}${two(t.getUTCSeconds())}`;
}

/** time.Parse("20060102150405", s) in UTC: undefined where Go reports a field out of range. */
function parseTimestamp(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, min, sec] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || min > 59 || sec > 59) return undefined;
  if (day < 1 || day > daysIn(month, year)) return undefined;
  return utcDate(year, month, day, hour, min, sec);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
