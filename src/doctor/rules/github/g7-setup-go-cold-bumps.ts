import type { Rule } from '../../model.js';
import { setupGoCaches } from '../../parsers/ci/github-go-caching.js';
import { ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

const RENOVATE = /^(\.github\/|\.gitlab\/)?(renovate\.json5?|\.renovaterc(\.json5?)?)$/;

export const G7: Rule = {
  id: 'G7',
  family: 'github',
  defaultSeverity: 'info',
  title: 'Every dependency bump is a cold setup-go cache',
  check(project) {
    const bot = dependencyBot(project.files, (f) => project.text(f));
    if (!bot) return [];
    return eachGithubJob(project, (workflow, job) =>
      setupGoCaches(job).map(({ step }) =>
        ciFinding(G7, workflow.file, {
          range: step.uses!.node.range,
          message: `actions/setup-go restores its cache only on an exact key match (no restore-keys, by design: actions/setup-go#404), and ${bot} changes go.sum often here: after every dependency bump the first runs start from an empty module and build cache.`,
          advice:
            'Use `cache: false` and actions/cache with restore-keys, keeping the module cache (keyed on go.sum) and the build cache separate.',
        }),
      ),
    );
  },
};

function dependencyBot(
  files: readonly string[],
  text: (f: string) => string | undefined,
): string | undefined {
  const dependabot = files.find((f) => /^\.github\/dependabot\.ya?ml$/.test(f));
  if (dependabot && /package-ecosystem:\s*["']?gomod/.test(text(dependabot) ?? '')) return 'Dependabot';
  return files.some((f) => RENOVATE.test(f)) ? 'Renovate' : undefined;
}
