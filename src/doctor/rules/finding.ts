/**
 * Building findings: a rule gives a span in a file's text and its words; this fills in the rule's ID, default
 * severity and the 1-based location.
 */
import type { Finding, Fix, Location, Rule, TextEdit } from '../model.js';
import type { Span } from '../parsers/dockerfile.js';
import type { TextIndex } from '../text-index.js';

export interface FindingInput {
  file: string;
  index: TextIndex;
  span: Span;
  message: string;
  advice: string;
  fix?: Fix | undefined;
}

export function finding(rule: Rule, input: FindingInput): Finding {
  return findingAt(rule, {
    location: {
      file: input.file,
      start: input.index.position(input.span.start),
      end: input.index.position(input.span.end),
    },
    message: input.message,
    advice: input.advice,
    fix: input.fix,
  });
}

/** A finding of the rule at a location already worked out; a fix with no edits is dropped. */
export function findingAt(
  rule: Rule,
  input: { location: Location; message: string; advice: string; fix?: Fix | undefined },
): Finding {
  const result: Finding = {
    ruleId: rule.id,
    severity: rule.defaultSeverity,
    message: input.message,
    location: input.location,
    advice: input.advice,
  };
  if (input.fix && input.fix.edits.length > 0) result.fix = input.fix;
  return result;
}

/** Findings of one rule in one file, for rules that report several kinds of problem there. */
export function reporter(rule: Rule, file: string, index: TextIndex) {
  return (span: Span, message: string, advice: string, fix?: Fix): Finding =>
    finding(rule, { file, index, span, message, advice, fix });
}

export function insert(file: string, at: number, text: string): TextEdit {
  return { file, start: at, end: at, replacement: text };
}

export function replace(file: string, span: Span, text: string): TextEdit {
  return { file, start: span.start, end: span.end, replacement: text };
}

/** The line break a file already uses, so inserted lines match it. */
export function lineBreak(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
