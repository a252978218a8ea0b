import type { Finding, Rule } from '../../model.js';
import { type GitlabCache, type GitlabJob, gitlabCi } from '../../parsers/ci/gitlab-ci.js';
import { child, text, type YNode } from '../../parsers/ci/yaml-tree.js';
import { ciFinding } from '../ci/finding.js';

export const L6: Rule = {
  id: 'L6',
  family: 'gitlab',
  defaultSeverity: 'warning',
  title: 'Several jobs upload the same cache',
  check(project) {
    const { ci } = gitlabCi(project);
    if (!ci) return [];
    const pushers = new Map<string, { job: GitlabJob; cache: GitlabCache }[]>();
    for (const job of ci.jobs) {
      for (const cache of job.caches) {
        if (cache.policy !== 'pull-push' && cache.policy !== 'push') continue;
        const key = keyText(cache.key);
        pushers.set(key, [...(pushers.get(key) ?? []), { job, cache }]);
      }
    }
    const findings: Finding[] = [];
    for (const [key, uses] of pushers) {
      if (uses.length < 2) continue;
      const jobs = uses.map((u) => u.job.name).join(', ');
      const nodes = new Map(uses.map((u) => [u.cache.node.range[0], u.cache]));
      for (const cache of nodes.values()) {
        const policy = child(cache.node, 'policy');
        findings.push(
          ciFinding(L6, ci.file, {
            range: (policy ?? cache.node).range,
            message: `Jobs ${jobs} all upload the cache "${key}" (policy ${cache.policy}${policy ? '' : ", GitLab's default"}): each job spends time archiving and uploading it, and the last one to finish overwrites the others. Leaving pull-push on every job "to keep the cache fresh" is common advice that costs an upload per job.`,
            advice:
              'Let one job fill the cache (e.g. a job that runs `go mod download` with `policy: pull-push` or `push`) and give every other job `policy: pull`.',
          }),
        );
      }
    }
    return findings;
  },
};

/** The key as written: the same text means the same cache for every job of a pipeline. */
function keyText(key: YNode | undefined): string {
  if (!key) return 'default';
  if (key.kind === 'scalar') return key.text;
  if (key.kind === 'map') {
    const files = child(key, 'files');
    const list = files?.kind === 'seq' ? files.items.map((i) => text(i) ?? '') : [text(files) ?? ''];
    return `${text(child(key, 'prefix')) ?? ''}-files:${list.join(',')}`;
  }
  return 'default';
}
