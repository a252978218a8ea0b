/**
 * The `retract` directives of a go.mod as modfile.ParseLax reads them: single versions and `[low, high]`
 * intervals, canonicalized. Go fails the whole lax parse on one malformed retraction, and the go command then
 * treats the module as retracting nothing; so does this.
 */
import { directives, goUnquote } from './modfile.js';
import { canonicalVersion } from './path.js';
import * as semver from './semver.js';

export interface VersionInterval {
  low: string;
  high: string;
}

export function retractions(gomod: string | Uint8Array): VersionInterval[] {
  const text =
    typeof gomod === 'string' ? gomod : new TextDecoder('utf-8', { ignoreBOM: true }).decode(gomod);
  const out: VersionInterval[] = [];
  for (const args of directives(text, 'retract')) {
    // go.mod's lexer makes `[`, `,` and `]` tokens of their own.
    const tokens = args
      .join(' ')
      .replace(/[[\],]/g, ' $& ')
      .trim()
      .split(/\s+/);
    const interval = parseInterval(tokens);
    if (!interval) return [];
    out.push(interval);
  }
  return out;
}

/** Whether `v` lies in one of the intervals (codeRepo.retractedVersions' predicate). */
export function isRetracted(intervals: readonly VersionInterval[], v: string): boolean {
  return intervals.some((r) => semver.compare(r.low, v) <= 0 && semver.compare(v, r.high) <= 0);
}

function parseInterval(tokens: string[]): VersionInterval | undefined {
  if (tokens.length === 1) {
    const v = version(tokens[0]!);
    return v === undefined ? undefined : { low: v, high: v };
  }
  if (tokens.length !== 5 || tokens[0] !== '[' || tokens[2] !== ',' || tokens[4] !== ']') return undefined;
  const low = version(tokens[1]!);
  const high = version(tokens[3]!);
  return low === undefined || high === undefined ? undefined : { low, high };
}

function version(token: string): string | undefined {
  const t = token.startsWith('"') || token.startsWith('`') ? goUnquote(token) : token;
  const cv = t === undefined ? '' : canonicalVersion(t);
  return cv === '' ? undefined : cv;
}
