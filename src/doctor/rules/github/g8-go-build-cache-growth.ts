import type { Finding, Rule } from '../../model.js';
import { isPerRunRef } from '../../parsers/ci/gh-cache-keys.js';
import { splitTemplate, templateFacts } from '../../parsers/ci/gh-expressions.js';
import { goCacheSteps, setupGoCaches } from '../../parsers/ci/github-go-caching.js';
import { stepInput } from '../../parsers/ci/github-workflow.js';
import { ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G8: Rule = {
  id: 'G8',
  family: 'github',
  defaultSeverity: 'info',
  title: 'Go build cache frozen, or saved anew every run',
  check(project) {
    return eachGithubJob(project, (workflow, job) => {
      const findings: Finding[] = [];
      for (const cache of goCacheSteps(workflow.file, job, 'buildcache').filter((c) => c.saves && c.key)) {
        if (!templateFacts(splitTemplate(cache.key!.text)).refs.some(isPerRunRef)) continue;
        findings.push(
          ciFinding(G8, workflow.file, {
            range: cache.key!.range,
            message:
              "This Go build cache is saved under a new key on every commit or run. Build caches grow to hundreds of megabytes; a copy per run fills the repository's 10 GB cache limit and GitHub evicts other caches, the module cache included.",
            advice:
              'Bucket the key by time (e.g. a week number computed in an earlier step) after the go.sum hash, keep a restore-key, save only on the default branch, and prune with `go clean -cache` when it grows.',
          }),
        );
      }
      for (const { step } of setupGoCaches(job)) {
        if (/\*\.go\b/.test(stepInput(step, 'cache-dependency-path')?.text ?? '')) continue;
        findings.push(
          ciFinding(G8, workflow.file, {
            range: step.uses!.node.range,
            message:
              'actions/setup-go saves its cache only when the key missed, and its key changes only with go.mod/go.sum: after the first hit the build cache (GOCACHE) is never saved again, so it goes stale and builds recompile more and more packages until a dependency changes.',
            advice:
              'Use `cache: false` and actions/cache for GOCACHE with a time-bucketed key and restore-keys, or add `**/*.go` to cache-dependency-path (a new cache per source change, at the price of churn).',
          }),
        );
      }
      return findings;
    });
  },
};
