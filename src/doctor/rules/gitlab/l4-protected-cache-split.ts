import type { Rule } from '../../model.js';
import { child, text } from '../../parsers/ci/yaml-tree.js';
import { ciFinding } from '../ci/finding.js';
import { distinctCaches } from './each-cache.js';

export const L4: Rule = {
  id: 'L4',
  family: 'gitlab',
  defaultSeverity: 'info',
  title: "Merge request pipelines cannot reuse the default branch's cache",
  check(project) {
    return distinctCaches(project).flatMap(({ ci, cache }) => {
      if (!/merge_request_event|merge_requests/.test(ci.file.text)) return [];
      if (text(child(cache.node, 'unprotect')) === 'true' || child(cache.node, 'fallback_keys')) return [];
      return [
        ciFinding(L4, ci.file, {
          range: (cache.key ?? cache.node).range,
          message:
            'This pipeline runs for merge requests, and since GitLab 15.0 caches of protected and unprotected refs are kept apart (keys end in -protected / -non_protected): merge request pipelines on unprotected branches never see the cache the default branch built, so each starts cold.',
          advice:
            'Accept it, or set `unprotect: true` on the cache (anyone who can push a branch can then write what the default branch restores). fallback_keys cannot reach across the split either.',
        }),
      ];
    });
  },
};
