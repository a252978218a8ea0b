/** The findings as JSON, with counts, for scripts. */
import type { Finding } from '../model.js';
import { countFindings } from './summary.js';

export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify({ findings, summary: countFindings(findings) }, null, 2)}\n`;
}
