import type { Rule } from '../../model.js';
import { goCacheSteps, setupGoCaches } from '../../parsers/ci/github-go-caching.js';
import { runsOnText } from '../../parsers/ci/github-workflow.js';
import { ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G9: Rule = {
  id: 'G9',
  family: 'github',
  defaultSeverity: 'warning',
  title: 'Go caches extracted on the slow C: drive of Windows runners',
  check(project) {
    return eachGithubJob(project, (workflow, job) => {
      const windows =
        /windows/i.test(runsOnText(job)) ||
        /windows/i.test(matrixText(workflow.file.text, job.matrix?.range));
      const caches = setupGoCaches(job).length > 0 || goCacheSteps(workflow.file, job).length > 0;
      const relocated = job.envMaps.some(
        (env) => env.entries.has('GOMODCACHE') || env.entries.has('GOCACHE'),
      );
      if (!windows || !caches || relocated || !job.runsOn) return [];
      return [
        ciFinding(G9, workflow.file, {
          range: job.runsOn.range,
          message:
            'This job caches Go on a Windows runner, where GOMODCACHE and GOCACHE sit on C:, whose small-file writes are slow: restoring a large Go cache there takes 10 minutes or more (actions/setup-go#495).',
          advice:
            'Point GOMODCACHE and GOCACHE at the D: drive in the job env (e.g. `GOMODCACHE: D:\\gomodcache`, `GOCACHE: D:\\gocache`) and cache those paths (setup-go PR #515 does the same).',
        }),
      ];
    });
  },
};

/** The matrix text, where `os: [ubuntu-latest, windows-latest]` shows that some legs run on Windows. */
function matrixText(text: string, range: readonly [number, number] | undefined): string {
  return range ? text.slice(range[0], range[1]) : '';
}
