import { readFileSync } from 'node:fs';

/**
 * The examples of docs/rules/<ID>.md: fenced blocks with a `file=` info string under "## Failing example"
 * and "## Passing example". Each section is a small project; go.mod and go.sum are added when the section
 * names neither, since nearly every rule is about a Go module.
 */
export interface RuleDocExamples {
  readonly failing: Record<string, string>;
  readonly passing: Record<string, string>;
}

const DOCS = new URL('../../../../docs/rules/', import.meta.url);
const DEFAULT_MODULE = {
  'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire golang.org/x/text v0.14.0\n',
  'go.sum': 'golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n',
};

export function ruleDocExamples(id: string): RuleDocExamples {
  const markdown = readFileSync(new URL(`${id}.md`, DOCS), 'utf8');
  return { failing: section(markdown, 'Failing example'), passing: section(markdown, 'Passing example') };
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
  const namesModule = Object.keys(files).some((f) => /(^|\/)go\.(mod|sum)$/.test(f));
  return namesModule ? files : { ...DEFAULT_MODULE, ...files };
}
