import type { Finding, Rule, TextEdit } from '../../model.js';
import { type GitlabCi, gitlabCi } from '../../parsers/ci/gitlab-ci.js';
import type { YScalar } from '../../parsers/ci/yaml-tree.js';
import { allEdits, ciFinding } from '../ci/finding.js';

export const L3: Rule = {
  id: 'L3',
  family: 'gitlab',
  defaultSeverity: 'warning',
  title: 'Go cache directory inside the project is walked by ./...',
  check(project) {
    const { ci } = gitlabCi(project);
    if (!ci) return [];
    const seen = new Set<number>();
    const findings: Finding[] = [];
    for (const job of [...ci.jobs, ...ci.templates]) {
      for (const name of ['GOPATH', 'GOMODCACHE']) {
        const value = job.variables.get(name)?.value;
        if (!value || seen.has(value.range[0])) continue;
        seen.add(value.range[0]);
        findings.push(...check(ci, name, value));
      }
    }
    return findings;
  },
};

const IN_PROJECT = /^(?:\$CI_PROJECT_DIR|\$\{CI_PROJECT_DIR\})\/([^/]+)/;

function check(ci: GitlabCi, name: string, value: YScalar): Finding[] {
  const dir = IN_PROJECT.exec(value.text)?.[1];
  if (!dir || dir.startsWith('.') || dir.startsWith('_') || value.style.startsWith('BLOCK')) return [];
  const at = textOffset(value) + value.text.indexOf(`/${dir}`) + 1;
  return [
    ciFinding(L3, ci.file, {
      range: [at, at + dir.length],
      message: `${name} puts the Go module cache in "${dir}/" inside the project. The go command skips only directories starting with "." or "_" when it expands "./...", so "go vet ./...", "go test ./..." and golangci-lint walk the downloaded module sources, and a Docker build context ships them too.`,
      advice: `Rename the directory to ".${dir}" (GitLab's documented pattern uses $CI_PROJECT_DIR/.go), in the variable and in cache:paths.`,
      fix: allEdits(`rename ${dir}/ to .${dir}/ in variables and cache paths`, renameEdits(ci, dir)),
    }),
  ];
}

/** Every variable value and cache path of the file that names the directory gets a leading dot. */
function renameEdits(ci: GitlabCi, dir: string): (TextEdit | undefined)[] {
  const scalars = new Map<number, YScalar>();
  for (const job of [...ci.jobs, ...ci.templates]) {
    for (const variable of job.variables.values())
      if (variable.value) scalars.set(variable.value.range[0], variable.value);
    for (const cache of job.caches) for (const path of cache.paths) scalars.set(path.range[0], path);
  }
  const names = new RegExp(`(^|\\$CI_PROJECT_DIR/|\\$\\{CI_PROJECT_DIR\\}/|^\\./)${escapeRegExp(dir)}(/|$)`);
  return [...scalars.values()].flatMap((scalar) => {
    const match = names.exec(scalar.text);
    if (!match || scalar.style.startsWith('BLOCK')) return [];
    if (scalar.viaAlias) return [undefined];
    const at = textOffset(scalar) + match.index + (match[1]?.length ?? 0);
    return [{ file: ci.file.file, start: at, end: at, replacement: '.' }];
  });
}

function textOffset(scalar: YScalar): number {
  return scalar.range[0] + (scalar.style.startsWith('QUOTE') ? 1 : 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
