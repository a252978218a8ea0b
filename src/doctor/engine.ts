/**
 * Runs rules over a project view: configured rules off, severity overrides, inline ignores, a stable order,
 * and a rule that throws reported as an internal error finding instead of ending the run.
 */
import type { DoctorConfig, FailOn } from './config.js';
import { applyInlineIgnores } from './ignores.js';
import type { Finding, ProjectView, Rule, Severity } from './model.js';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function runRules(project: ProjectView, rules: readonly Rule[], config: DoctorConfig): Finding[] {
  const disabled = new Set(config.disable.map((id) => id.toUpperCase()));
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (disabled.has(rule.id.toUpperCase())) continue;
    const severity = config.severity[rule.id] ?? config.severity[rule.id.toLowerCase()];
    let produced: Finding[];
    try {
      produced = rule.check(project);
    } catch (err) {
      // One broken rule must not hide every other finding; the error is reported where users will see it.
      produced = [internalError(rule, err)];
    }
    for (const f of produced) findings.push(severity ? { ...f, severity } : f);
  }
  return sortFindings(applyInlineIgnores(project, findings));
}

function internalError(rule: Rule, err: unknown): Finding {
  return {
    ruleId: rule.id,
    severity: 'error',
    message: `internal error in rule ${rule.id}: ${err instanceof Error ? err.message : String(err)}`,
    location: { file: '.', start: { line: 1, column: 1 } },
    advice: 'Please report this with the file that triggers it; other rules still ran.',
  };
}

/** File, then line, then column, then rule ID: the same input always prints the same report. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compare(a.location.file, b.location.file) ||
      a.location.start.line - b.location.start.line ||
      a.location.start.column - b.location.start.column ||
      compare(a.ruleId, b.ruleId) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the findings reach the failure threshold. */
export function failsThreshold(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}
