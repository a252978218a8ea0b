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

/** Whole fixes, in finding order, none overlapping another. */
export function chooseFixes(fixes: readonly Fix[]): Fix[] {
  const taken: TextEdit[] = [];
  const chosen: Fix[] = [];
  for (const fix of fixes) {
    const fresh = fix.edits.filter((e) => !taken.some((t) => sameEdit(t, e)));
    if (fresh.some((e) => taken.some((t) => overlaps(t, e)))) continue;
    if (fresh.some((e, i) => fresh.some((o, j) => i !== j && overlaps(e, o)))) continue;
    taken.push(...fresh);
    chosen.push({ ...fix, edits: fresh });
  }
  return chosen;
}

function byFile(edits: readonly TextEdit[]): Map<string, TextEdit[]> {
  const groups = new Map<string, TextEdit[]>();
  for (const e of edits) groups.set(e.file, [...(groups.get(e.file) ?? []), e]);
  return groups;
}

/** Applies non-overlapping edits to a text (from the last to the first, so offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    result = result.slice(0, e.start) + e.replacement + result.slice(e.end);
  }
  return result;
}
