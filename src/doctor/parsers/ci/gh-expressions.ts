import { Lexer, Parser } from '@actions/expressions';
import {
  Binary,
  ContextAccess,
  type Expr,
  FunctionCall,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Unary,
} from '@actions/expressions/ast';

/**
 * GitHub Actions `${{ ... }}` templates, read with GitHub's own expression parser (@actions/expressions), so
 * that cache keys can be reasoned about: what hashFiles() hashes, which contexts a key depends on, and
 * which part of a key is fixed text.
 */

export type TemplatePart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'expr'; readonly source: string; readonly facts: ExprFacts };

export interface ExprFacts {
  /** String arguments of every hashFiles() call. */
  readonly hashFiles: readonly string[];
  /** Context references as dotted paths: `runner.os`, `matrix.go-version`, `steps.go.outputs.go-version`, `matrix`. */
  readonly refs: readonly string[];
  /**
   * `ref` for a bare context reference, `hashFiles` for a hashFiles() call of string literals, `other` for
   * anything else (format(), operators...) whose value cannot be reasoned about as text, or unparseable.
   */
  readonly shape: 'ref' | 'hashFiles' | 'other';
}

const CONTEXTS = ['github', 'env', 'vars', 'job', 'jobs', 'steps', 'runner', 'secrets', 'strategy', 'matrix'];
const MORE_CONTEXTS = ['needs', 'inputs'];
// hashFiles is available in steps but not in the parser's built-in function list.
const HASH_FILES = { name: 'hashFiles', minArgs: 1, maxArgs: 255 };

/** Splits `a-${{ x }}-b` into literal and expression parts. An unterminated `${{` stays literal text. */
export function splitTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('${{', i);
    const close = open < 0 ? -1 : findClose(template, open + 3);
    if (open < 0 || close < 0) {
      literal += template.slice(i);
      break;
    }
    literal += template.slice(i, open);
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    literal = '';
    const source = template.slice(open + 3, close).trim();
    parts.push({ kind: 'expr', source, facts: exprFacts(source) });
    i = close + 2;
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** The `}}` closing an expression, skipping `}}` inside single-quoted strings (`''` escapes a quote). */
function findClose(template: string, from: number): number {
  let inString = false;
  for (let i = from; i < template.length; i++) {
    const c = template[i];
    if (c === "'") inString = !inString;
    else if (!inString && c === '}' && template[i + 1] === '}') return i;
  }
  return -1;
}

function exprFacts(source: string): ExprFacts {
  let expr: Expr;
  try {
    expr = new Parser(new Lexer(source).lex().tokens, [...CONTEXTS, ...MORE_CONTEXTS], [HASH_FILES]).parse();
  } catch {
    return { hashFiles: [], refs: [], shape: 'other' };
  }
  const facts = { hashFiles: [] as string[], refs: [] as string[] };
  collect(expr, facts);
  return { ...facts, shape: shapeOf(expr) };
}

function shapeOf(expr: Expr): ExprFacts['shape'] {
  if (refPath(expr) !== undefined) return 'ref';
  const hashFiles =
    expr instanceof FunctionCall &&
    expr.functionName.lexeme.toLowerCase() === 'hashfiles' &&
    expr.args.every((arg) => arg instanceof Literal);
  return hashFiles ? 'hashFiles' : 'other';
}

function collect(expr: Expr, facts: { hashFiles: string[]; refs: string[] }): void {
  const path = refPath(expr);
  if (path !== undefined) {
    facts.refs.push(path);
    return;
  }
  if (expr instanceof FunctionCall) {
    if (expr.functionName.lexeme.toLowerCase() === 'hashfiles') {
      for (const arg of expr.args)
        if (arg instanceof Literal) facts.hashFiles.push(String(literalValue(arg)));
    }
    for (const arg of expr.args) collect(arg, facts);
  } else if (expr instanceof Logical) {
    for (const arg of expr.args) collect(arg, facts);
  } else if (expr instanceof Binary) {
    collect(expr.left, facts);
    collect(expr.right, facts);
  } else if (expr instanceof Unary) {
    collect(expr.expr, facts);
  } else if (expr instanceof Grouping) {
    collect(expr.group, facts);
  } else if (expr instanceof IndexAccess) {
    collect(expr.expr, facts);
    collect(expr.index, facts);
  }
}

/** `matrix.os` and `matrix['os']` both read as `matrix.os`; anything with a computed index is not a path. */
function refPath(expr: Expr): string | undefined {
  if (expr instanceof ContextAccess) return expr.name.lexeme;
  if (expr instanceof IndexAccess && expr.index instanceof Literal) {
    const parent = refPath(expr.expr);
    return parent === undefined ? undefined : `${parent}.${String(literalValue(expr.index))}`;
  }
  return undefined;
}

function literalValue(literal: Literal): unknown {
  return (literal.literal as unknown as { value: unknown }).value;
}

/** Every hashFiles() argument and context reference in a template. */
export function templateFacts(parts: readonly TemplatePart[]): { hashFiles: string[]; refs: string[] } {
  const exprs = parts.flatMap((part) => (part.kind === 'expr' ? [part.facts] : []));
  return { hashFiles: exprs.flatMap((f) => f.hashFiles), refs: exprs.flatMap((f) => f.refs) };
}

/** Renders parts back to template text, normalising expression spacing to `${{ x }}`. */
export function renderTemplate(parts: readonly TemplatePart[]): string {
  return parts.map((part) => (part.kind === 'literal' ? part.text : expression(part.source))).join('');
}

/** `source` wrapped as a template expression: `${{ source }}`. */
export function expression(source: string): string {
  return `\${{ ${source} }}`;
}
