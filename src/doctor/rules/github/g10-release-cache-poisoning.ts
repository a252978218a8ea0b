import type { Finding, Rule } from '../../model.js';
import { cacheSteps, setupGoCaches } from '../../parsers/ci/github-go-caching.js';
import type { GithubWorkflow } from '../../parsers/ci/github-workflow.js';
import { setChildEntries } from '../../parsers/ci/yaml-edits.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G10: Rule = {
  id: 'G10',
  family: 'github',
  defaultSeverity: 'warning',
  title: 'Release workflow restores caches other runs could have poisoned',
  check(project) {
    return eachGithubJob(project, (workflow, job) => {
      const trigger = releaseTrigger(workflow);
      if (!trigger) return [];
      const file = workflow.file;
      const why = `This workflow publishes (${trigger}) and restores a Go cache that any workflow run on the default branch can write: a poisoned module or build cache ends up in the release (the cache-poisoning finding of zizmor).`;
      const findings: Finding[] = setupGoCaches(job).map(({ step, input }) =>
        ciFinding(G10, file, {
          range: (input ?? step.uses!.node).range,
          message: why,
          advice: 'Build releases from a clean cache: `cache: false` on actions/setup-go.',
          fix: allEdits('turn off the setup-go cache in the release job', [
            setChildEntries(file, step.node, 'with', [['cache', 'false']]),
          ]),
        }),
      );
      for (const cache of cacheSteps(file, job).filter((c) => c.restores && c.paths.some((p) => p.kind))) {
        findings.push(
          ciFinding(G10, file, {
            range: cache.step.uses!.node.range,
            message: why,
            advice:
              'Remove the cache step from release jobs: go trusts what is in its module and build caches without checking go.sum again, so only a clean download is safe to release from.',
          }),
        );
      }
      return findings;
    });
  },
};

function releaseTrigger(workflow: GithubWorkflow): string | undefined {
  if (workflow.events.has('release')) return 'on: release';
  return workflow.onTagPush ? 'on: push: tags' : undefined;
}
