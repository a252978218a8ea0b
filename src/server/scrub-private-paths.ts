import { matchPrefixPatterns } from '../gomod/patterns.js';

/** What a private module path (and whatever follows it in the same token) is replaced with in logs. */
export const PRIVATE_PLACEHOLDER = '<private>';

/** Runs of characters that can be part of a URL path or a module@version. */
const TOKEN = /[^\s"'`,;()<>[\]{}|\\]+/g;

/**
 * Returns a function that hides private module paths in a text: every token (a URL, a key, a `module@version`)
 * is looked at from its start and after each `/`, and from the first place where it names a module matching
 * the GOPRIVATE-style patterns, the rest of the token is replaced. Private module paths are confidential:
 * they must not reach logs that leave the machine.
 */
export function privatePathScrubber(patterns: string): (text: string) => string {
  return (text) =>
    text.replace(TOKEN, (token) => {
      for (let i = 0; i < token.length; i = token.indexOf('/', i) + 1) {
        if (token[i] !== '/' && matchPrefixPatterns(patterns, token.slice(i).split('@', 1)[0]!)) {
          return token.slice(0, i) + PRIVATE_PLACEHOLDER;
        }
        if (token.indexOf('/', i) < 0) break;
      }
      return token;
    });
}

/**
 * A pino `formatters.log` that scrubs every string in a log object, errors included (their message and
 * stack often quote the module a request was about).
 */
export function scrubLogObject(
  scrub: (text: string) => string,
): (object: Record<string, unknown>) => Record<string, unknown> {
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (depth > 5 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) {
      return { type: value.name, message: scrub(value.message), stack: scrub(value.stack ?? '') };
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, depth + 1)]));
  };
  return (object) => walk(object, 0) as Record<string, unknown>;
}
