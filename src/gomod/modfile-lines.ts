/**
 * go.mod / go.work lines as modfile's lexer groups them: one directive per line, or `verb (` … `)` blocks whose
 * lines all belong to the verb. Tokens keep their 1-based columns so callers can point at them.
 */
import { goTrimSpace } from './errors.js';

export interface ModFileToken {
  text: string;
  column: number;
}

export interface ModFileLine {
  verb: string;
  args: ModFileToken[];
  /** 1-based line number. */
  line: number;
  /** Column of the first token (the verb, or the first argument inside a block). */
  column: number;
}

/** The directives of a go.mod or go.work text, in order; block lines carry their block's verb. */
export function modFileLines(source: string): ModFileLine[] {
  const result: ModFileLine[] = [];
  let blockVerb: string | undefined;
  source.split('\n').forEach((raw, i) => {
    const comment = raw.indexOf('//');
    const tokens = tokenize(comment >= 0 ? raw.slice(0, comment) : raw);
    if (tokens.length === 0) return;
    const line = i + 1;
    if (blockVerb !== undefined) {
      if (tokens.length === 1 && tokens[0]!.text === ')') blockVerb = undefined;
      else result.push({ verb: blockVerb, args: tokens, line, column: tokens[0]!.column });
      return;
    }
    if (tokens.length === 2 && tokens[1]!.text === '(') {
      blockVerb = tokens[0]!.text;
      return;
    }
    result.push({ verb: tokens[0]!.text, args: tokens.slice(1), line, column: tokens[0]!.column });
  });
  return result;
}

/** Splits a line into tokens, keeping a quoted string (with its quotes) as one token. */
function tokenize(line: string): ModFileToken[] {
  const tokens: ModFileToken[] = [];
  for (const m of line.matchAll(/"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+/g)) {
    const text = goTrimSpace(m[0]);
    if (text !== '') tokens.push({ text, column: m.index + 1 });
  }
  return tokens;
}
