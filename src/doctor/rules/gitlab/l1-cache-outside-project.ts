import type { Finding, Rule } from '../../model.js';
import type { GitlabCache, GitlabCi } from '../../parsers/ci/gitlab-ci.js';
import { expandVariables, isInsideProject } from '../../parsers/ci/gitlab-variables.js';
import { goCacheKind } from '../../parsers/ci/go-cache-paths.js';
import { replaceNode } from '../../parsers/ci/yaml-edits.js';
import type { YScalar } from '../../parsers/ci/yaml-tree.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { type CachePathVisit, eachCachePath } from './each-cache-path.js';
import { type GoDirVariable, PROJECT_CACHE_PATHS, setVariablesBeside } from './project-go-variables.js';

export const L1: Rule = {
  id: 'L1',
  family: 'gitlab',
  defaultSeverity: 'error',
  title: 'Cache path outside the project directory',
  check(project) {
    return eachCachePath(project, { templates: true }, check);
  },
};

function check({ ci, job, cache, path }: CachePathVisit): Finding[] {
  if (!isOutside(path, job.variables)) return [];
  const go = goCacheKind(path.text);
  const outsideGoPaths = cache.paths.filter((p) => goCacheKind(p.text) && isOutside(p, job.variables));
  return [
    ciFinding(L1, ci.file, {
      range: path.range,
      message: go
        ? `"${path.text}" is outside the project directory. GitLab caches only paths inside $CI_PROJECT_DIR: the runner logs "${path.text}: not supported: outside build directory", caches nothing, and every job downloads all modules again. Caching /go/pkg/mod/ (or $GOPATH/pkg/mod) with the golang image is widespread advice, and it is wrong on GitLab (gitlab#14151).`
        : `"${path.text}" is outside the project directory. GitLab caches only paths inside $CI_PROJECT_DIR: the runner logs "not supported: outside build directory" and caches nothing.`,
      advice: go
        ? 'Move the Go caches into the project: `variables: { GOPATH: $CI_PROJECT_DIR/.go, GOCACHE: $CI_PROJECT_DIR/.go/cache }` and cache the relative paths `.go/pkg/mod/` and `.go/cache/`.'
        : 'Point the tool at a directory inside the project and cache that relative path.',
      // One fix per cache moves all its Go paths and sets the variables; attached to the first such path.
      fix: outsideGoPaths[0] === path ? moveIntoProject(ci, cache, outsideGoPaths) : undefined,
    }),
  ];
}

/** An unknown leading variable is L2's finding (the runner expands it to nothing); L1 stays quiet there. */
function isOutside(path: YScalar, variables: CachePathVisit['job']['variables']): boolean {
  const { expanded, unknown } = expandVariables(path.text, variables);
  return !isInsideProject(expanded) && !(expanded.startsWith('$') && unknown.length > 0);
}

function moveIntoProject(ci: GitlabCi, cache: GitlabCache, paths: readonly YScalar[]) {
  const kinds = new Set(paths.map((p) => goCacheKind(p.text)!));
  const variables: GoDirVariable[] = [];
  if (kinds.has('modcache')) variables.push('GOPATH');
  if (kinds.has('buildcache')) variables.push('GOCACHE');
  const edits = [
    ...paths.map((p) => replaceNode(ci.file, p, PROJECT_CACHE_PATHS[goCacheKind(p.text)!])),
    setVariablesBeside(ci, cache.paths[0]!.range[0], variables),
  ];
  return allEdits(
    `cache ${[...kinds].map((k) => PROJECT_CACHE_PATHS[k]).join(' and ')} inside the project and set ${variables.join(', ')} to match`,
    edits,
  );
}
