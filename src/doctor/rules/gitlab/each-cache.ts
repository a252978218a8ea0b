import type { ProjectView } from '../../model.js';
import { type GitlabCache, type GitlabCi, type GitlabJob, gitlabCi } from '../../parsers/ci/gitlab-ci.js';

/** Every cache of every job, once per place in the text (a template's cache is shared by the jobs extending it). */
export function distinctCaches(project: ProjectView): { ci: GitlabCi; job: GitlabJob; cache: GitlabCache }[] {
  const { ci } = gitlabCi(project);
  if (!ci) return [];
  const seen = new Set<number>();
  return ci.jobs.flatMap((job) =>
    job.caches.flatMap((cache) => {
      if (seen.has(cache.node.range[0])) return [];
      seen.add(cache.node.range[0]);
      return [{ ci, job, cache }];
    }),
  );
}
