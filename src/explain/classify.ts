import { cleanLine } from './clean-line.js';
import type { FailurePattern, MatchContext } from './pattern.js';
import { PATTERNS } from './patterns.js';
import { type NumberedLine, readLines } from './read-lines.js';
import { subjectOf } from './subject.js';

export interface Failure {
  id: string;
  title: string;
  transient: boolean;
  /** The first line that shows this failure, as printed (CI prefixes and colours removed). */
  evidence: { line: number; text: string };
  module?: string;
  version?: string;
  url?: string;
  cause: string;
  fix: string;
  inferred: string[];
  /** How often the same failure (same class, module and version) was seen, and where (first 20 lines). */
  occurrences: number;
  lines: number[];
}

export interface Classification {
  failures: Failure[];
  linesRead: number;
}

/** Lines after go's error line that still belong to it: indented detail, and the hint texts go prints unindented. */
const CONTINUATION =
  /^(?:\s|$)|^(?:SECURITY (?:ERROR|WARNING)|This download |The bits may |have intercepted |For more information, see|Confirm the import path|If this is a private repository|fatal: |error: |remote: |but was required as:)/;
const MAX_BLOCK_LINES = 40;
const MAX_LINES_PER_FAILURE = 20;

interface Block {
  lines: NumberedLine[];
}

/** Finds every Go module download failure in a log, reading it as a stream. */
export async function classifyLog(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): Promise<Classification> {
  const groups = new Map<string, Failure>();
  let block: Block | undefined;
  let linesRead = 0;
  const flush = () => {
    if (block) record(groups, explainBlock(block));
    block = undefined;
  };
  for await (const raw of readLines(chunks)) {
    linesRead = raw.line;
    const line = { line: raw.line, text: cleanLine(raw.text) };
    if (block && block.lines.length < MAX_BLOCK_LINES && CONTINUATION.test(line.text)) {
      block.lines.push(line);
      continue;
    }
    flush();
    block = { lines: [line] };
  }
  flush();
  return { failures: [...groups.values()], linesRead };
}

export function classifyText(text: string): Promise<Classification> {
  return classifyLog([text]);
}

function record(groups: Map<string, Failure>, failure: Failure | undefined): void {
  if (!failure) return;
  const key = [failure.id, failure.module ?? failure.evidence.text, failure.version ?? ''].join('\0');
  const seen = groups.get(key);
  if (!seen) {
    groups.set(key, failure);
    return;
  }
  seen.occurrences++;
  if (seen.lines.length < MAX_LINES_PER_FAILURE) seen.lines.push(failure.evidence.line);
}

function explainBlock(block: Block): Failure | undefined {
  const head = block.lines[0];
  if (!head?.text.trim()) return undefined;
  for (const pattern of PATTERNS) {
    const candidates = pattern.where === 'head' ? [head] : block.lines;
    for (const candidate of candidates) {
      const match = pattern.match.exec(candidate.text);
      if (match) return describe(pattern, match, candidate, block);
    }
  }
  return undefined;
}

function describe(
  pattern: FailurePattern,
  match: RegExpExecArray,
  evidence: NumberedLine,
  block: Block,
): Failure {
  const head = block.lines[0]!.text;
  const subject = subjectOf(head);
  const groups = match.groups ?? {};
  const ctx: MatchContext = {
    groups,
    module: subject.module,
    version: subject.version,
    url: groups.url ?? subject.url,
    block: block.lines.map((l) => l.text),
  };
  return {
    id: pattern.id,
    title: pattern.title,
    transient: pattern.transient,
    evidence: { line: evidence.line, text: evidence.text.trim() },
    ...(ctx.module ? { module: ctx.module } : {}),
    ...(ctx.version ? { version: ctx.version } : {}),
    ...(ctx.url ? { url: ctx.url } : {}),
    cause: pattern.cause(ctx),
    fix: pattern.fix(ctx),
    inferred: pattern.infer?.(ctx) ?? [],
    occurrences: 1,
    lines: [evidence.line],
  };
}
