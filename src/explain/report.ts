import type { Classification, Failure } from './classify.js';

export const NOTHING_FOUND = 'no Go module download failure found';

export function formatText(result: Classification, source: string): string {
  if (result.failures.length === 0) return `${source}: ${NOTHING_FOUND} (${result.linesRead} lines read)\n`;
  const n = result.failures.length;
  const out = [`${source}: ${n} Go module download failure${n === 1 ? '' : 's'} found\n`];
  for (const f of result.failures) out.push(formatFailure(f));
  return out.join('\n');
}

function formatFailure(f: Failure): string {
  const lines = [
    `[${f.id}] ${f.title} (${f.transient ? 'transient: a retry may succeed' : 'permanent: retrying will not help'})`,
    `  line ${f.evidence.line}: ${f.evidence.text}`,
  ];
  if (f.occurrences > 1) {
    const more = f.occurrences > f.lines.length ? ', …' : '';
    lines.push(`  seen ${f.occurrences} times (lines ${f.lines.join(', ')}${more})`);
  }
  if (f.module) lines.push(`  module: ${f.module}${f.version ? `@${f.version}` : ''}`);
  lines.push(`  cause: ${f.cause}`, `  fix: ${f.fix}`);
  if (f.inferred.length > 0) {
    lines.push('  inferred:');
    for (const fact of f.inferred) lines.push(`    - ${fact}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatJson(result: Classification, source: string): string {
  return `${JSON.stringify({ source, linesRead: result.linesRead, failures: result.failures }, null, 2)}\n`;
}
