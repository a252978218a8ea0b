/**
 * --fix: applies the findings' edits in rounds. A round takes whole fixes whose edits do not overlap edits
 * already taken (identical edits from two findings count once), applies them per file from the end backwards,
 * then re-runs the rules on the edited texts, until nothing is left to fix. A Dockerfile a round would leave
 * with more parse problems than before is not changed by that round.
 */

import type { DoctorConfig } from './config.js';
import { isDockerfile } from './docker/analysis.js';
import { runRules } from './engine.js';
import type { Fix, ProjectView, Rule, TextEdit } from './model.js';
import { parseDockerfile } from './parsers/dockerfile.js';
import { overlayProject } from './project.js';

const MAX_ROUNDS = 5;

export interface FixResult {
  /** New texts of the files that changed (files that did not exist are created). */
  changed: Map<string, string>;
  /** How many fixes were applied, over all rounds. */
  applied: number;
  /** Files whose fixes were refused because the result would not parse as well as the original. */
  refused: string[];
}

export function fixProject(project: ProjectView, rules: readonly Rule[], config: DoctorConfig): FixResult {
  const changed = new Map<string, string>();
  const refused = new Set<string>();
  let applied = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const view = overlayProject(project, changed);
    const fixes = runRules(view, rules, config).flatMap((f) => (f.fix ? [f.fix] : []));
    const chosen = chooseFixes(fixes.filter((fix) => !fix.edits.some((e) => refused.has(e.file))));
    if (chosen.length === 0) break;
    let progressed = false;
    for (const [file, edits] of byFile(chosen.flatMap((f) => f.edits))) {
      const before = view.text(file) ?? '';
      const after = applyEdits(before, edits);
      if (after === before) continue;
      if (isDockerfile(file) && parseProblems(after) > parseProblems(before)) {
        refused.add(file);
        continue;
      }
      changed.set(file, after);
      progressed = true;
    }
    if (!progressed) break;
    applied += chosen.length;
  }
  return { changed, applied, refused: [...refused] };
}

function parseProblems(text: string): number {
  return parseDockerfile(text).problems.length;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end && a.replacement === b.replacement;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  // Two insertions at one point would be ordered arbitrarily, so they conflict too.
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/** The edits taken so far, per file, sorted by start: overlap checks look only at the neighbours. */
class TakenEdits {
  private readonly byFile = new Map<string, TextEdit[]>();

  /** Index of the first edit of the file starting at or after `start`. */
  private lowerBound(list: TextEdit[], start: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The taken edits that could overlap or equal `e` (taken edits never overlap each other). */
  private near(e: TextEdit): TextEdit[] {
    const list = this.byFile.get(e.file) ?? [];
    const i = this.lowerBound(list, e.start);
    const result: TextEdit[] = [];
    // Before e: the edits sharing the last start (an insertion and a replacement can both begin there).
    for (let j = i - 1; j >= 0 && list[j]!.start === list[i - 1]!.start; j--) result.push(list[j]!);
    // From e on: every edit starting inside e's range, or exactly where e starts.
    for (let j = i; j < list.length && list[j]!.start <= e.end; j++) result.push(list[j]!);
    return result;
  }

  has(e: TextEdit): boolean {
    return this.near(e).some((t) => sameEdit(t, e));
  }

  conflicts(e: TextEdit): boolean {
    return this.near(e).some((t) => !sameEdit(t, e) && overlaps(t, e));
  }

  add(e: TextEdit): void {
    const list = this.byFile.get(e.file) ?? [];
    list.splice(this.lowerBound(list, e.start), 0, e);
    this.byFile.set(e.file, list);
  }
}

/** Whole fixes, in finding order, none overlapping another. */
export function chooseFixes(fixes: readonly Fix[]): Fix[] {
  const taken = new TakenEdits();
  const chosen: Fix[] = [];
  for (const fix of fixes) {
    const fresh = fix.edits.filter((e) => !taken.has(e));
    if (fresh.some((e) => taken.conflicts(e))) continue;
    if (fresh.some((e, i) => fresh.some((o, j) => i !== j && overlaps(e, o)))) continue;
    for (const e of fresh) taken.add(e);
    chosen.push({ ...fix, edits: fresh });
  }
  return chosen;
}

function byFile(edits: readonly TextEdit[]): Map<string, TextEdit[]> {
  const groups = new Map<string, TextEdit[]>();
  for (const e of edits) {
    const group = groups.get(e.file);
    if (group) group.push(e);
    else groups.set(e.file, [e]);
  }
  return groups;
}

/** Applies non-overlapping edits to a text in one pass (insertions at one point keep their given order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  const parts: string[] = [];
  let at = 0;
  for (const { e } of sorted) {
    parts.push(text.slice(at, e.start), e.replacement);
    at = Math.max(at, e.end);
  }
  parts.push(text.slice(at));
  return parts.join('');
}
