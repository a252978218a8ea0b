/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`): printed in a job log, they become
 * annotations on the pull request. Values are escaped as the runner's command parser expects.
 */
import type { Finding, Severity } from '../model.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function escapeData(s: string): string {
  return s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export function formatGithub(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const { file, start, end } = f.location;
      const props = [
        `file=${escapeProperty(file)}`,
        `line=${start.line}`,
        `col=${start.column}`,
        ...(end ? [`endLine=${end.line}`, `endColumn=${end.column}`] : []),
        `title=${escapeProperty(`modgate doctor ${f.ruleId}`)}`,
      ];
      return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(`${f.message} ${f.advice}`)}\n`;
    })
    .join('');
}
