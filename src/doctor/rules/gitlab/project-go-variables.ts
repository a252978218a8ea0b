import type { TextEdit } from '../../model.js';
import { type GitlabCi, writtenIn } from '../../parsers/ci/gitlab-ci.js';
import { setChildEntries } from '../../parsers/ci/yaml-edits.js';

/**
 * Go cache locations inside the project directory, under a dot directory so `./...` never walks them:
 * the layout of GitLab's documented Go caching pattern, plus GOCACHE beside the modules.
 */
export const PROJECT_GO_DIRS = {
  GOPATH: '$CI_PROJECT_DIR/.go',
  GOMODCACHE: '$CI_PROJECT_DIR/.go/pkg/mod',
  GOCACHE: '$CI_PROJECT_DIR/.go/cache',
} as const;

export const PROJECT_CACHE_PATHS = { modcache: '.go/pkg/mod/', buildcache: '.go/cache/' } as const;

export type GoDirVariable = keyof typeof PROJECT_GO_DIRS;

export function isGoDirVariable(name: string): name is GoDirVariable {
  return name in PROJECT_GO_DIRS;
}

/**
 * Sets variables next to the node at `offset`: in the `variables:` of the job or template that holds it,
 * or in the top-level `variables:` when it sits in `default:` or a top-level keyword (`default:` cannot
 * hold variables).
 */
export function setVariablesBeside(
  ci: GitlabCi,
  offset: number,
  names: readonly GoDirVariable[],
): TextEdit[] | undefined {
  const owner = writtenIn(ci, offset);
  const target = owner?.global ? ci.root : owner?.map;
  if (!target) return undefined;
  return setChildEntries(
    ci.file,
    target,
    'variables',
    names.map((name) => [name, PROJECT_GO_DIRS[name]]),
  );
}
