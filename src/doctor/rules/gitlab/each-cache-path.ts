import type { Finding, ProjectView } from '../../model.js';
import { type GitlabCache, type GitlabCi, type GitlabJob, gitlabCi } from '../../parsers/ci/gitlab-ci.js';
import type { YScalar } from '../../parsers/ci/yaml-tree.js';

export interface CachePathVisit {
  readonly ci: GitlabCi;
  readonly job: GitlabJob;
  readonly cache: GitlabCache;
  readonly path: YScalar;
}

/**
 * Runs a check on every cache path of every job, once per place in the text: a path written in a template
 * or in `default:` is shared by many jobs, and is reported once, as seen by the first job that uses it.
 * With `templates`, paths no job of this file uses (hidden jobs, `default:` for included jobs) are checked
 * too, as seen by the template itself.
 */
export function eachCachePath(
  project: ProjectView,
  options: { templates: boolean },
  check: (visit: CachePathVisit) => Finding[],
): Finding[] {
  const { ci } = gitlabCi(project);
  if (!ci) return [];
  const seen = new Set<number>();
  const findings: Finding[] = [];
  for (const job of options.templates ? [...ci.jobs, ...ci.templates] : ci.jobs) {
    for (const cache of job.caches) {
      for (const path of cache.paths) {
        if (seen.has(path.range[0])) continue;
        seen.add(path.range[0]);
        findings.push(...check({ ci, job, cache, path }));
      }
    }
  }
  return findings;
}
