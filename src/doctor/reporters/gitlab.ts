/**
 * GitLab Code Quality (`artifacts: reports: codequality:`): a JSON array of Code Climate issues. Fingerprints
 * must be unique per finding or GitLab collapses them, so they hash the rule, place and message.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../model.js';

const SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info' };

export function formatGitlab(findings: readonly Finding[]): string {
  const issues = findings.map((f) => {
    const { file, start } = f.location;
    const fingerprint = createHash('sha256')
      .update([f.ruleId, file, start.line, start.column, f.message].join('\0'))
      .digest('hex');
    return {
      type: 'issue',
      check_name: f.ruleId,
      description: `${f.message} [${f.ruleId}]`,
      content: { body: f.advice },
      categories: ['Bug Risk'],
      severity: SEVERITY[f.severity],
      fingerprint,
      location: { path: file, lines: { begin: start.line } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
