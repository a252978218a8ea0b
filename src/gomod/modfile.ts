/**
 * The little of golang.org/x/mod/modfile a proxy needs without a full go.mod parser: the module path
 * (modfile.ModulePath), the `go` directive as ParseLax reads it, Go language-version comparison
 * (go/version), and AutoQuote for synthesized go.mod files.
 */
import { goQuote, goTrimSpace, isGoPrint } from './errors.js';
import { modFileLines } from './modfile-lines.js';

/** go.mod bytes as Go sees them: a BOM is kept (Go does not skip one), bad bytes become U+FFFD. */
function text(gomod: string | Uint8Array): string {
  return typeof gomod === 'string' ? gomod : new TextDecoder('utf-8', { ignoreBOM: true }).decode(gomod);
}

/** A line without its `//` comment, trimmed as Go's bytes.TrimSpace trims. */
function stripLine(line: string): string {
  const comment = line.indexOf('//');
  return goTrimSpace(comment >= 0 ? line.slice(0, comment) : line);
}

/**
 * modfile.ModulePath: the path of the first `module` line, unquoted if quoted; undefined when there is none or
 * the first one is badly quoted. Unlike Go's fast path (which would return "("), the block form
 * `module (\n\tpath\n)` is read too, as the full go.mod parser accepts it.
 */
export function modulePath(gomod: string | Uint8Array): string | undefined {
  const lines = text(gomod).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = stripLine(lines[i]!);
    if (!line.startsWith('module')) continue;
    const after = line.slice('module'.length);
    let arg = goTrimSpace(after);
    // "module" must be followed by white space and an argument ("modulex" is another word).
    if (arg.length === after.length || arg === '') continue;
    if (arg === '(') {
      let inner: string | undefined;
      for (i++; i < lines.length; i++) {
        const blockLine = stripLine(lines[i]!);
        if (blockLine === ')') break;
        if (blockLine !== '' && inner === undefined) inner = blockLine;
      }
      if (inner === undefined) continue;
      arg = inner;
    }
    if (arg[0] === '"' || arg[0] === '`') return goUnquote(arg);
    return arg;
  }
  return undefined;
}

/** modfile.GoVersionRE in x/mod ≥ v0.12 (which allows 1.21.0 and 1.21rc1). */
const GO_VERSION_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
/** What ParseLax repairs a dependency's odd go version with: `1.24.0-foo` → `1.24`. */
const LAX_GO_VERSION_RE = /^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$/;

/**
 * The `go` directive's version as modfile.ParseLax reads it, or undefined where it has none: no directive, a
 * repeated one, not exactly one argument, or a version even the lax rule cannot repair.
 */
export function goVersion(gomod: string | Uint8Array): string | undefined {
  let found: string[] | undefined;
  for (const args of directives(text(gomod), 'go')) {
    if (found) return undefined;
    found = args;
  }
  if (found?.length !== 1) return undefined;
  const v = found[0]!;
  if (GO_VERSION_RE.test(v)) return v;
  return LAX_GO_VERSION_RE.exec(v)?.[1];
}

/**
 * The arguments of each `verb` directive (`require`, `replace`, `use`, `toolchain`…) in file order, quoted
 * arguments unquoted; a badly quoted argument is kept as written, for the caller to reject.
 */
export function directiveArguments(gomod: string | Uint8Array, verb: string): string[][] {
  return [...directives(text(gomod), verb)].map((args) =>
    args.map((arg) => (arg[0] === '"' || arg[0] === '`' ? (goUnquote(arg) ?? arg) : arg)),
  );
}

/** The arguments of each `verb` directive, single-line or inside a `verb (` … `)` block. */
export function* directives(source: string, verb: string): Generator<string[]> {
  for (const line of modFileLines(source)) if (line.verb === verb) yield line.args.map((a) => a.text);
}

/** go/version.Lang("go" + v): `1.24.0` → `go1.24`, `1.24rc1` → `go1.24`, `1` → `go1`; '' if invalid. */
export function langVersion(goVersion: string): string {
  const lang = goverLang(stripGo(`go${goVersion}`));
  return lang === '' ? '' : `go${lang}`;
}

/** go/version.Compare for `goX.Y[.Z]` strings: -1, 0 or 1; invalid versions sort below all valid ones. */
export function compareGoLang(a: string, b: string): -1 | 0 | 1 {
  const x = goverParse(stripGo(a));
  const y = goverParse(stripGo(b));
  return (
    cmpInt(x.major, y.major) ||
    cmpInt(x.minor, y.minor) ||
    cmpInt(x.patch, y.patch) ||
    cmpString(x.kind, y.kind) ||
    cmpInt(x.pre, y.pre)
  );
}

function stripGo(v: string): string {
  const dash = v.indexOf('-');
  if (dash >= 0) v = v.slice(0, dash);
  return v.startsWith('go') ? v.slice(2) : '';
}

interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  kind: string;
  pre: string;
}

const NO_VERSION: GoVersion = { major: '', minor: '', patch: '', kind: '', pre: '' };

function goverLang(x: string): string {
  const v = goverParse(x);
  if (v.minor === '' || (v.major === '1' && v.minor === '0')) return v.major;
  return `${v.major}.${v.minor}`;
}

/** internal/gover.Parse: 1, 1.21, 1.21.0, 1.21rc1; 1.20 and below mean 1.20.0 (no 1.20 prerelease). */
function goverParse(x: string): GoVersion {
  const major = cutInt(x);
  if (!major) return NO_VERSION;
  x = major.rest;
  if (x === '') return { ...NO_VERSION, major: major.n, minor: '0', patch: '0' };
  if (x[0] !== '.') return NO_VERSION;
  const minor = cutInt(x.slice(1));
  if (!minor) return NO_VERSION;
  x = minor.rest;
  const v = { ...NO_VERSION, major: major.n, minor: minor.n };
  if (x === '') {
    if (cmpInt(minor.n, '21') < 0) v.patch = '0';
    return v;
  }
  if (x[0] === '.') {
    const patch = cutInt(x.slice(1));
    if (patch?.rest !== '') return NO_VERSION;
    return { ...v, patch: patch.n };
  }
  const kind = /^[a-z]+/.exec(x)?.[0];
  if (kind === undefined) return NO_VERSION;
  x = x.slice(kind.length);
  if (x === '') return { ...v, kind };
  const pre = cutInt(x);
  if (pre?.rest !== '') return NO_VERSION;
  return { ...v, kind, pre: pre.n };
}

function cutInt(x: string): { n: string; rest: string } | undefined {
  const digits = /^[0-9]*/.exec(x)![0];
  if (digits === '' || (digits[0] === '0' && digits.length !== 1)) return undefined;
  return { n: digits, rest: x.slice(digits.length) };
}

function cmpInt(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function cmpString(x: string, y: string): -1 | 0 | 1 {
  return x === y ? 0 : x < y ? -1 : 1;
}

/** modfile.MustQuote: whether s would not survive as a single go.mod token. */
export function mustQuote(s: string): boolean {
  for (const c of s) {
    if (c === ' ' || c === '"' || c === "'" || c === '`') return true;
    if ('()[]{},'.includes(c)) {
      if (s.length > 1) return true;
      continue;
    }
    const r = c.codePointAt(0)!;
    if ((r >= 0xd800 && r <= 0xdfff) || !isGoPrint(r)) return true;
  }
  return s === '' || s.includes('//') || s.includes('/*');
}

/** modfile.AutoQuote: s, or its Go quotation when it must be quoted. */
export function autoQuote(s: string): string {
  return mustQuote(s) ? goQuote(s) : s;
}

/** The go.mod Go synthesizes for a module version that has none (modfetch's LegacyGoMod). */
export function legacyGoMod(modulePath: string): string {
  return `module ${autoQuote(modulePath)}\n`;
}

/** strconv.Unquote for a whole "…" or `…` string; undefined on a syntax error. */
export function goUnquote(s: string): string | undefined {
  if (s.length < 2) return undefined;
  const quote = s[0];
  if (quote === '`') {
    if (s.indexOf('`', 1) !== s.length - 1) return undefined;
    // Carriage returns inside raw strings are discarded, as in Go source.
    return s.slice(1, -1).replaceAll('\r', '');
  }
  if (quote !== '"') return undefined;
  const bytes: number[] = [];
  let i = 1;
  while (i < s.length && s[i] !== '"') {
    const c = s[i]!;
    if (c === '\n') return undefined;
    if (c !== '\\') {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
      continue;
    }
    const esc = unquoteEscape(s, i + 1);
    if (!esc) return undefined;
    bytes.push(...esc.bytes);
    i = esc.next;
  }
  // The closing quote must be the last character.
  if (i !== s.length - 1) return undefined;
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(bytes));
}

const SIMPLE_UNESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 0x5c,
  '"': 0x22,
};

/** One backslash escape of a double-quoted Go string starting after the backslash at s[i-1]. */
function unquoteEscape(s: string, i: number): { bytes: number[]; next: number } | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  const simple = SIMPLE_UNESCAPES[c];
  if (simple !== undefined) return { bytes: [simple], next: i + 1 };
  const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (width > 0) {
    const digits = s.slice(i + 1, i + 1 + width);
    if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(digits)) return undefined;
    const v = Number.parseInt(digits, 16);
    // \x gives one raw byte (possibly not UTF-8); \u and \U must name a valid rune.
    if (c === 'x') return { bytes: [v], next: i + 1 + width };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
    return { bytes: [...Buffer.from(String.fromCodePoint(v), 'utf8')], next: i + 1 + width };
  }
  if (c >= '0' && c <= '7') {
    const digits = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const v = Number.parseInt(digits, 8);
    if (v > 255) return undefined;
    return { bytes: [v], next: i + 3 };
  }
  return undefined;
}

/**
 * The module directories a go.work file lists in its `use` directives (single-line or block), unquoted,
 * relative to the go.work file as written. Throws on an argument that is quoted badly or not exactly one.
 */
export function workspaceUses(gowork: string | Uint8Array): string[] {
  const dirs: string[] = [];
  for (const args of directives(text(gowork), 'use')) {
    const arg = args.length === 1 ? args[0]! : undefined;
    const dir = arg !== undefined && (arg[0] === '"' || arg[0] === '`') ? goUnquote(arg) : arg;
    if (dir === undefined) throw new Error(`malformed use directive: ${args.join(' ') || '(empty)'}`);
    dirs.push(dir);
  }
  return dirs;
}
