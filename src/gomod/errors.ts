/**
 * Error types of golang.org/x/mod/module, with the same message text, so that what modgate reports reads like
 * what the go command would have said. Also the Go string helpers those messages and go.mod text rely on
 * (strconv.Quote, strconv.IsPrint, strings.TrimSpace), kept here so every port shares one copy.
 */

export type PathKind = 'module' | 'import' | 'file';

/** module.InvalidPathError: `malformed module path "x": missing dot in first path element`. */
export class InvalidPathError extends Error {
  override name = 'InvalidPathError';
  constructor(
    readonly kind: PathKind,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`malformed ${kind} path ${goQuote(path)}: ${reason}`);
  }
}

/**
 * module.InvalidVersionError, optionally inside a module.ModuleError. With a path the message is the
 * ModuleError form `path@v: invalid version: reason`; without one it is `version "v" invalid: reason`.
 */
export class InvalidVersionError extends Error {
  override name = 'InvalidVersionError';
  constructor(
    readonly path: string,
    readonly version: string,
    readonly reason: string,
    readonly pseudo = false,
  ) {
    const noun = pseudo ? 'pseudo-version' : 'version';
    super(
      path === ''
        ? `${noun} ${goQuote(version)} invalid: ${reason}`
        : `${path}@${version}: invalid ${noun}: ${reason}`,
    );
  }
}

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function isGoPrint(codePoint: number): boolean {
  return PRINTABLE.test(String.fromCodePoint(codePoint));
}

/** Go's strconv.Quote (and so fmt's %q for strings). Lone surrogates stand in for invalid UTF-8. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    out += escapeRune(ch.codePointAt(0)!, '"');
  }
  return `${out}"`;
}

/** Go's strconv.QuoteRune (fmt's %q for a rune). */
export function goQuoteRune(codePoint: number): string {
  return `'${escapeRune(codePoint, "'")}'`;
}

const SIMPLE_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

function escapeRune(r: number, quote: string): string {
  if (r === quote.charCodeAt(0) || r === 0x5c) return `\\${String.fromCharCode(r)}`;
  // A lone surrogate is what an invalid byte becomes in a JS string; Go prints such a rune as U+FFFD.
  const surrogate = r >= 0xd800 && r <= 0xdfff;
  if (!surrogate && isGoPrint(r)) return String.fromCodePoint(r);
  const simple = SIMPLE_ESCAPES[r];
  if (simple !== undefined) return simple;
  if (r < 0x20 || r === 0x7f) return `\\x${hex(r, 2)}`;
  if (surrogate) return '\\ufffd';
  if (r < 0x10000) return `\\u${hex(r, 4)}`;
  return `\\U${hex(r, 8)}`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** strings.TrimSpace: Unicode White_Space, which differs slightly from String.prototype.trim. */
export function goTrimSpace(s: string): string {
  return s.replace(GO_SPACE_START, '').replace(GO_SPACE_END, '');
}

const GO_SPACES = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const GO_SPACE_START = new RegExp(`^[${GO_SPACES}]+`);
const GO_SPACE_END = new RegExp(`[${GO_SPACES}]+$`);
