import type { Finding, Severity } from '../model.js';

export type Counts = Record<Severity, number> & { fixable: number };

export function countFindings(findings: readonly Finding[]): Counts {
  const counts: Counts = { error: 0, warning: 0, info: 0, fixable: 0 };
  for (const f of findings) {
    counts[f.severity]++;
    if (f.fix) counts.fixable++;
  }
  return counts;
}
