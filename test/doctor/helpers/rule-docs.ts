import { readFileSync } from 'node:fs';

/**
 * The examples of docs/rules/<ID>.md: fenced blocks with a `file=` info string under "## Failing example"
 * and "## Passing example". Each section is a whole small project: a page shows every file its rule reads.
 */
export interface RuleDocExamples {
  readonly markdown: string;
  readonly failing: Record<string, string>;
  readonly passing: Record<string, string>;
}

const DOCS = new URL('../../../../docs/rules/', import.meta.url);

export function ruleDocExamples(id: string): RuleDocExamples {
  const markdown = readFileSync(new URL(`${id}.md`, DOCS), 'utf8');
  return {
    markdown,
    failing: section(markdown, 'Failing example'),
    passing: section(markdown, 'Passing example'),
  };
}

function section(markdown: string, heading: string): Record<string, string> {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const next = markdown.indexOf('\n## ', start + 1);
  const body = markdown.slice(start, next < 0 ? undefined : next);
  const files: Record<string, string> = {};
  for (const match of body.matchAll(/^```\w* file=(\S+)\n([\s\S]*?)^```$/gm)) {
    files[match[1]!] = match[2]!;
  }
  if (Object.keys(files).length === 0) throw new Error(`"## ${heading}" has no \`\`\`lang file=... block`);
  return files;
}
