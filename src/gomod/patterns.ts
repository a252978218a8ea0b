/**
 * GOPRIVATE / GONOPROXY / GONOSUMDB matching: module.MatchPrefixPatterns on top of a port of Go's path.Match.
 * path.Match is ported over UTF-8 bytes, as Go runs it, so byte-level corner cases agree.
 */

/** Go's path.ErrBadPattern text. */
const BAD_PATTERN = 'syntax error in pattern';

/**
 * Whether some leading path elements of target match one of the comma-separated globs. Patterns are not
 * trimmed (` b.com` never matches), one trailing slash is ignored, and malformed patterns match nothing.
 */
export function matchPrefixPatterns(globs: string, target: string): boolean {
  return globs.split(',').some((glob) => matchedPrefix(glob, target) !== undefined);
}

/**
 * The leading path elements of target that one glob matches (as many elements as the glob has), or undefined.
 * One trailing slash of the glob is ignored; an empty or malformed glob matches nothing.
 */
export function matchedPrefix(glob: string, target: string): string | undefined {
  if (glob.endsWith('/')) glob = glob.slice(0, -1);
  if (glob === '') return undefined;
  // A glob with n slashes is matched against target cut just before its (n+1)-th slash.
  let n = count(glob, '/');
  let prefix = target;
  for (let i = 0; i < target.length; i++) {
    if (target[i] === '/') {
      if (n === 0) {
        prefix = target.slice(0, i);
        break;
      }
      n--;
    }
  }
  if (n > 0) return undefined;
  try {
    return pathMatch(glob, prefix) ? prefix : undefined;
  } catch {
    // Go ignores the error of a malformed pattern: it simply does not match.
    return undefined;
  }
}

function count(s: string, c: string): number {
  let n = 0;
  for (const ch of s) if (ch === c) n++;
  return n;
}

const SLASH = 0x2f;
const STAR = 0x2a;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const CARET = 0x5e;
const QUESTION = 0x3f;
const DASH = 0x2d;

/**
 * Go's path.Match. Throws Error('syntax error in pattern') for a malformed pattern, including the cases Go
 * notices only while matching, as Go does (the rest of the pattern is still scanned for errors on failure).
 */
export function pathMatch(pattern: string, name: string): boolean {
  let pat: Buffer = Buffer.from(pattern, 'utf8');
  let nm: Buffer = Buffer.from(name, 'utf8');
  patternLoop: while (pat.length > 0) {
    const scanned = scanChunk(pat);
    const { star, chunk } = scanned;
    pat = scanned.rest;
    if (star && chunk.length === 0) {
      // A trailing * matches the rest of the name unless it holds a separator.
      return !nm.includes(SLASH);
    }
    const first = matchChunk(chunk, nm);
    if (first.ok && (first.rest.length === 0 || pat.length > 0)) {
      nm = first.rest;
      continue;
    }
    if (first.err) throw new Error(BAD_PATTERN);
    if (star) {
      // Let the star absorb one more non-separator byte at a time.
      for (let i = 0; i < nm.length && nm[i] !== SLASH; i++) {
        const m = matchChunk(chunk, nm.subarray(i + 1));
        if (m.ok) {
          // On the last chunk, a match must consume the whole name.
          if (pat.length === 0 && m.rest.length > 0) continue;
          nm = m.rest;
          continue patternLoop;
        }
        if (m.err) throw new Error(BAD_PATTERN);
      }
    }
    // Before reporting no match, make sure the rest of the pattern is well formed.
    while (pat.length > 0) {
      const next = scanChunk(pat);
      pat = next.rest;
      if (matchChunk(next.chunk, Buffer.alloc(0)).err) throw new Error(BAD_PATTERN);
    }
    return false;
  }
  return nm.length === 0;
}

function scanChunk(pattern: Buffer): { star: boolean; chunk: Buffer; rest: Buffer } {
  let star = false;
  while (pattern.length > 0 && pattern[0] === STAR) {
    pattern = pattern.subarray(1);
    star = true;
  }
  let inrange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case BACKSLASH:
        // An escape takes the next byte literally (a trailing backslash is caught by matchChunk).
        if (i + 1 < pattern.length) i++;
        break;
      case LBRACKET:
        inrange = true;
        break;
      case RBRACKET:
        inrange = false;
        break;
      case STAR:
        if (!inrange) break scan;
        break;
    }
  }
  return { star, chunk: pattern.subarray(0, i), rest: pattern.subarray(i) };
}

interface ChunkResult {
  rest: Buffer;
  ok: boolean;
  err: boolean;
}

/** Matches chunk against the start of s; keeps parsing after a mismatch so syntax errors still surface. */
function matchChunk(chunk: Buffer, s: Buffer): ChunkResult {
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    switch (chunk[0]) {
      case LBRACKET: {
        let r = -1;
        if (!failed) {
          const [rune, n] = decodeRune(s);
          r = rune;
          s = s.subarray(n);
        }
        chunk = chunk.subarray(1);
        let negated = false;
        if (chunk.length > 0 && chunk[0] === CARET) {
          negated = true;
          chunk = chunk.subarray(1);
        }
        let match = false;
        let nrange = 0;
        for (;;) {
          if (chunk.length > 0 && chunk[0] === RBRACKET && nrange > 0) {
            chunk = chunk.subarray(1);
            break;
          }
          const lo = getEsc(chunk);
          if (!lo) return { rest: Buffer.alloc(0), ok: false, err: true };
          chunk = lo.rest;
          let hi = lo.r;
          if (chunk[0] === DASH) {
            const h = getEsc(chunk.subarray(1));
            if (!h) return { rest: Buffer.alloc(0), ok: false, err: true };
            hi = h.r;
            chunk = h.rest;
          }
          if (lo.r <= r && r <= hi) match = true;
          nrange++;
        }
        if (match === negated) failed = true;
        break;
      }
      case QUESTION:
        if (!failed) {
          if (s[0] === SLASH) failed = true;
          const [, n] = decodeRune(s);
          s = s.subarray(n);
        }
        chunk = chunk.subarray(1);
        break;
      case BACKSLASH:
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return { rest: Buffer.alloc(0), ok: false, err: true };
        if (!failed) {
          if (chunk[0] !== s[0]) failed = true;
          s = s.subarray(1);
        }
        chunk = chunk.subarray(1);
        break;
      default:
        if (!failed) {
          if (chunk[0] !== s[0]) failed = true;
          s = s.subarray(1);
        }
        chunk = chunk.subarray(1);
    }
  }
  if (failed) return { rest: Buffer.alloc(0), ok: false, err: false };
  return { rest: s, ok: true, err: false };
}

/** One possibly escaped character of a [class]; undefined for Go's ErrBadPattern. */
function getEsc(chunk: Buffer): { r: number; rest: Buffer } | undefined {
  if (chunk.length === 0 || chunk[0] === DASH || chunk[0] === RBRACKET) return undefined;
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) return undefined;
  }
  const [r, n] = decodeRune(chunk);
  if (r === 0xfffd && n === 1) return undefined;
  const rest = chunk.subarray(n);
  // A class must be closed, so the character can never be the last byte of the pattern.
  if (rest.length === 0) return undefined;
  return { r, rest };
}

/** utf8.DecodeRune: the rune and its width; (U+FFFD, 1) for invalid input, (U+FFFD, 0) for none. */
function decodeRune(b: Buffer): [number, number] {
  const b0 = b[0];
  if (b0 === undefined) return [0xfffd, 0];
  if (b0 < 0x80) return [b0, 1];
  let n: number;
  let r: number;
  let min: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
    r = b0 & 0x1f;
    min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    r = b0 & 0x0f;
    min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    r = b0 & 0x07;
    min = 0x10000;
  } else {
    return [0xfffd, 1];
  }
  if (b.length < n) return [0xfffd, 1];
  for (let i = 1; i < n; i++) {
    const c = b[i]!;
    if ((c & 0xc0) !== 0x80) return [0xfffd, 1];
    r = (r << 6) | (c & 0x3f);
  }
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return [0xfffd, 1];
  return [r, n];
}
