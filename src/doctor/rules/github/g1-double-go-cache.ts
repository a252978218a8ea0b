import type { Finding, Rule } from '../../model.js';
import {
  goCacheSteps,
  golangciCachesModules,
  type SetupGoCache,
  setupGoCaches,
} from '../../parsers/ci/github-go-caching.js';
import type { GithubJob, GithubStep } from '../../parsers/ci/github-workflow.js';
import { setChildEntries } from '../../parsers/ci/yaml-edits.js';
import type { YamlFile } from '../../parsers/ci/yaml-file.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G1: Rule = {
  id: 'G1',
  family: 'github',
  defaultSeverity: 'error',
  title: 'Two steps restore the same Go cache',
  check(project) {
    return eachGithubJob(project, (workflow, job) =>
      setupGoCaches(job).flatMap((setupGo) => check(workflow.file, job, setupGo)),
    );
  },
};

function check(file: YamlFile, job: GithubJob, setupGo: SetupGoCache): Finding[] {
  const findings: Finding[] = [];
  const caches = goCacheSteps(file, job).filter((c) => c.restores);
  if (caches.length > 0) {
    const lines = caches.map((c) => file.locate(c.step.node.range[0]).line).join(', ');
    findings.push(
      ciFinding(G1, file, {
        range: (setupGo.input ?? setupGo.step.uses!.node).range,
        message: `actions/setup-go restores the module and build caches with its built-in cache, and the actions/cache step on line ${lines} restores Go caches again. Extracting a module cache over another fails with "tar: ...: Cannot open: File exists" (module directories are read-only), and both copies are saved.`,
        advice:
          'Keep one owner of the Go caches: set `cache: false` on actions/setup-go when you manage them with actions/cache, or drop the actions/cache step.',
        fix: allEdits('turn off the setup-go built-in cache (actions/cache owns the Go caches)', [
          setChildEntries(file, setupGo.step.node, 'with', [['cache', 'false']]),
        ]),
      }),
    );
  }
  for (const lint of job.steps.filter(golangciCachesModules))
    findings.push(golangciFinding(file, setupGo, lint));
  return findings;
}

function golangciFinding(file: YamlFile, setupGo: SetupGoCache, lint: GithubStep): Finding {
  const setupGoLine = file.locate(setupGo.step.node.range[0]).line;
  return ciFinding(G1, file, {
    range: lint.uses!.node.range,
    message: `golangci-lint-action ${lint.uses!.ref} restores its own copy of ~/go/pkg/mod over the module cache actions/setup-go (line ${setupGoLine}) already restored: the extraction fails with "tar: ...: Cannot open: File exists" because module directories are read-only.`,
    advice:
      'Upgrade to golangci/golangci-lint-action@v6 or later (v5 removed its module cache because setup-go handles it), or set `skip-pkg-cache: true`.',
    fix: allEdits('let setup-go alone restore the module cache (skip-pkg-cache: true)', [
      setChildEntries(file, lint.node, 'with', [['skip-pkg-cache', 'true']]),
    ]),
  });
}
