/** `file:line:col: severity: message [ID]`, as compilers and actionlint print it, each with its advice below. */
import type { Finding } from '../model.js';
import { countFindings } from './summary.js';

export function formatText(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no problems found\n';
  const lines = findings.map((f) => {
    const { file, start } = f.location;
    return `${file}:${start.line}:${start.column}: ${f.severity}: ${f.message} [${f.ruleId}]\n    ${f.advice}\n`;
  });
  const c = countFindings(findings);
  const total = `${findings.length} problem${findings.length === 1 ? '' : 's'}`;
  const fixable = c.fixable > 0 ? `; ${c.fixable} fixable with --fix` : '';
  return `${lines.join('')}${total} (${c.error} error, ${c.warning} warning, ${c.info} info)${fixable}\n`;
}
