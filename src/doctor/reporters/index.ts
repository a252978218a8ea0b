import type { Finding, Rule } from '../model.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif', 'gitlab', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export function formatFindings(
  format: Format,
  findings: readonly Finding[],
  rules: readonly Rule[],
  version: string,
): string {
  switch (format) {
    case 'text':
      return formatText(findings);
    case 'json':
      return formatJson(findings);
    case 'sarif':
      return formatSarif(findings, rules, version);
    case 'gitlab':
      return formatGitlab(findings);
    case 'github':
      return formatGithub(findings);
  }
}
