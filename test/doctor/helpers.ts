import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DoctorConfig, EMPTY_CONFIG } from '../../src/doctor/config.js';
import { runRules } from '../../src/doctor/engine.js';
import type { Finding, ProjectView } from '../../src/doctor/model.js';
import { memoryProject, type ProjectOptions } from '../../src/doctor/project.js';
import { ALL_RULES } from '../../src/doctor/rules/index.js';

export type Files = Record<string, string | Uint8Array>;

/** The repository root (tests run from dist/test/doctor). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function project(files: Files, options: ProjectOptions = {}): ProjectView {
  return memoryProject(files, options);
}

export function check(
  files: Files,
  options: ProjectOptions = {},
  config: DoctorConfig = EMPTY_CONFIG,
): Finding[] {
  return runRules(project(files, options), ALL_RULES, config);
}

/** The findings of one rule. */
export function findingsOf(id: string, files: Files, options: ProjectOptions = {}): Finding[] {
  return check(files, options).filter((f) => f.ruleId === id);
}

export interface DocExample {
  files: Files;
  goEnv?: Record<string, string>;
}

/** The example pairs of a page: `` for "## Failing example" (always), ` (CI)` for "## Failing example (CI)"... */
export function exampleVariants(markdown: string): string[] {
  return [...new Set(['', ...[...markdown.matchAll(/^## Failing example(.*)$/gm)].map((m) => m[1]!)])];
}

/** The files of a docs/rules page section: "`path`:" lines, each followed by a fenced block. */
export function docExample(
  markdown: string,
  section: `${'Failing' | 'Passing'} example${string}`,
): DocExample | undefined {
  const heading = `\n## ${section}\n`;
  const at = markdown.indexOf(heading);
  if (at < 0) return undefined;
  const start = at + 1;
  const end = markdown.indexOf('\n## ', start + 3);
  const body = markdown.slice(start, end < 0 ? undefined : end);
  const example: DocExample = { files: {} };
  for (const m of body.matchAll(/^`([^`]+)`:\n```[^\n]*\n([\s\S]*?)^```$/gm)) {
    const [, name, text] = m as unknown as [string, string, string];
    if (name === 'go env -json') example.goEnv = JSON.parse(text) as Record<string, string>;
    // U+FFFD in a page stands for the byte 0xFF, which is not UTF-8.
    else example.files[name] = text.includes('\uFFFD') ? notUtf8(text) : text;
  }
  return Object.keys(example.files).length > 0 ? example : undefined;
}

function notUtf8(text: string): Uint8Array {
  return Uint8Array.from(
    text.split('\uFFFD').flatMap((part, i) => [...(i > 0 ? [0xff] : []), ...Buffer.from(part)]),
  );
}

export function readDoc(id: string): string {
  return readFileSync(`${REPO_ROOT}docs/rules/${id}.md`, 'utf8');
}
