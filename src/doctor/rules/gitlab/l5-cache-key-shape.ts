import type { Finding, Rule } from '../../model.js';
import { child } from '../../parsers/ci/yaml-tree.js';
import { ciFinding } from '../ci/finding.js';
import { distinctCaches } from './each-cache.js';

export const L5: Rule = {
  id: 'L5',
  family: 'gitlab',
  defaultSeverity: 'warning',
  title: 'Cache key that GitLab rejects or silently prefixes',
  check(project) {
    return distinctCaches(project).flatMap(({ ci, job, cache }): Finding[] => {
      const files = child(cache.key, 'files');
      if (!files) return [];
      if (files.kind === 'seq' && files.items.length > 2) {
        return [
          ciFinding(L5, ci.file, {
            range: files.range,
            message: `cache:key:files lists ${files.items.length} files; GitLab accepts at most two and rejects the pipeline configuration.`,
            advice:
              'Key Go caches on go.sum (and go.work.sum in a workspace) only: go.sum already changes with every dependency change.',
          }),
        ];
      }
      if (job.caches.length > 1 && !child(cache.key, 'prefix')) {
        return [
          ciFinding(L5, ci.file, {
            range: files.range,
            message: `Job ${job.name} has ${job.caches.length} caches, and GitLab prefixes each files-based key with its position in the list (0-, 1-...): the same go.sum gives different keys in jobs that list their caches in another order, so they never share.`,
            advice:
              'Give each cache an explicit `key: { files: [go.sum], prefix: go-mod }` so its name does not depend on its position.',
          }),
        ];
      }
      return [];
    });
  },
};
