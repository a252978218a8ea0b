import assert from 'node:assert/strict';
import type { Finding, ProjectView, Rule, TextEdit } from '../../../src/doctor/model.js';

/** A ProjectView over files held in memory, so rule tests need no disk and --fix can be replayed on text. */
export function memoryProject(files: Readonly<Record<string, string>>): ProjectView {
  const memo = new Map<string, unknown>();
  return {
    root: '/memory',
    files: Object.keys(files).sort(),
    text: (file) => files[file],
    memo<T>(key: string, make: () => T): T {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    },
  };
}

export function run(rule: Rule, files: Readonly<Record<string, string>>): Finding[] {
  return rule.check(memoryProject(files));
}

/** Applies one fix's edits to the files, refusing overlapping edits as `doctor --fix` must. */
export function applyEdits(
  files: Readonly<Record<string, string>>,
  edits: readonly TextEdit[],
): Record<string, string> {
  const out = { ...files };
  for (const file of new Set(edits.map((edit) => edit.file))) {
    const fileEdits = edits.filter((edit) => edit.file === file);
    let text = out[file];
    assert.ok(text !== undefined, `edit for a file that does not exist: ${file}`);
    const sorted = [...fileEdits].sort((a, b) => b.start - a.start || b.end - a.end);
    for (let i = 1; i < sorted.length; i++) {
      const [later, earlier] = [sorted[i - 1]!, sorted[i]!];
      // Two insertions at one point would land in an arbitrary order: as much a conflict as an overlap.
      const samePoint =
        later.start === later.end && earlier.start === earlier.end && later.start === earlier.start;
      assert.ok(earlier.end <= later.start && !samePoint, `overlapping edits in ${file}`);
    }
    for (const edit of sorted) text = text.slice(0, edit.start) + edit.replacement + text.slice(edit.end);
    out[file] = text;
  }
  return out;
}

/**
 * Applies the rules' fixes one at a time, re-checking after each, until no finding offers a fix. Fails if
 * that takes more rounds than there were findings at first: a fix that does not remove its finding loops.
 */
export function fixUntilStable(
  rules: Rule | readonly Rule[],
  files: Readonly<Record<string, string>>,
): Record<string, string> {
  const all = Array.isArray(rules) ? rules : [rules as Rule];
  const findings = (current: Record<string, string>) => all.flatMap((rule) => run(rule, current));
  let current = { ...files };
  const limit = findings(current).length + 1;
  for (let round = 0; round < limit; round++) {
    const fix = findings(current).find((finding) => finding.fix)?.fix;
    if (!fix) return current;
    current = applyEdits(current, fix.edits);
  }
  assert.fail(`${all.map((r) => r.id).join(',')}: fixes did not converge after ${limit} rounds`);
}

/** The text at a finding's start, for asserting that a location points at the offending node. */
export function textAt(files: Readonly<Record<string, string>>, finding: Finding, length: number): string {
  const text = files[finding.location.file] ?? '';
  const lines = text.split('\n');
  const line = lines[finding.location.start.line - 1] ?? '';
  return line.slice(finding.location.start.column - 1, finding.location.start.column - 1 + length);
}
