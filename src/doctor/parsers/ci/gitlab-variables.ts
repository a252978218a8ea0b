import type { GitlabVariable } from './gitlab-ci.js';

/**
 * How the GitLab runner reads variables in `cache:paths`: it expands `$NAME` and `${NAME}` from CI/CD
 * variables only (the job's `variables:`, the project's settings, predefined `CI_*`), never from the
 * image's environment, and an unknown name expands to nothing.
 */

const REFERENCE = /\$(?:\{(\w+)\}|(\w+))/g;

interface VariableReference {
  readonly name: string;
  /** Offset of the `$` within the string. */
  readonly index: number;
}

export function variableReferences(value: string): VariableReference[] {
  return [...value.matchAll(REFERENCE)].map((m) => ({ name: (m[1] ?? m[2])!, index: m.index }));
}

/** Variables GitLab or the runner define for every job. */
export function isPredefined(name: string): boolean {
  return /^(CI|GITLAB|RUNNER|CHAT|TRIGGER)_\w*$|^CI$|^GITLAB_CI$/.test(name);
}

/**
 * The path with known variables substituted (up to a few levels, as values may reference others).
 * `$CI_PROJECT_DIR` is kept as the marker of "inside the project"; unknown names are listed.
 */
export function expandVariables(
  value: string,
  variables: ReadonlyMap<string, GitlabVariable>,
): { expanded: string; unknown: string[] } {
  const unknown = new Set<string>();
  let expanded = value;
  for (let round = 0; round < 5; round++) {
    const next = expanded.replace(REFERENCE, (whole, braced?: string, bare?: string) => {
      const name = (braced ?? bare)!;
      if (name === 'CI_PROJECT_DIR' || name === 'CI_BUILDS_DIR') return '$CI_PROJECT_DIR';
      const defined = variables.get(name)?.value?.text;
      if (defined !== undefined) return defined;
      if (!isPredefined(name)) unknown.add(name);
      return whole;
    });
    if (next === expanded) break;
    expanded = next;
  }
  return { expanded, unknown: [...unknown] };
}

/** Where a cache path points after expansion: inside the project directory, or not. */
export function isInsideProject(expanded: string): boolean {
  const rest = expanded.startsWith('$CI_PROJECT_DIR') ? expanded.slice('$CI_PROJECT_DIR'.length) : undefined;
  if (rest !== undefined) return !/(^|\/)\.\.(\/|$)/.test(rest);
  return !/^([/~\\]|[A-Za-z]:|\$)/.test(expanded) && !/(^|\/)\.\.(\/|$)/.test(expanded);
}
