import type { Finding, Rule } from '../../model.js';
import { expression } from '../../parsers/ci/gh-expressions.js';
import { cacheSteps, setupGoCaches } from '../../parsers/ci/github-go-caching.js';
import { distinguishes, templateRefs, varyingDimensions } from '../../parsers/ci/github-matrix.js';
import { type GithubJob, runsOnText, stepInput } from '../../parsers/ci/github-workflow.js';
import { setMapEntry, yamlString } from '../../parsers/ci/yaml-edits.js';
import type { YamlFile } from '../../parsers/ci/yaml-file.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G5: Rule = {
  id: 'G5',
  family: 'github',
  defaultSeverity: 'warning',
  title: 'Matrix legs save the same cache key',
  check(project) {
    return eachGithubJob(project, (workflow, job) => (job.matrix ? check(workflow.file, job) : []));
  },
};

const RUNNER_REFS = ['runner.os', 'runner.arch'];

function check(file: YamlFile, job: GithubJob): Finding[] {
  const dims = varyingDimensions(job.matrix!);
  if (dims.length === 0) return [];
  // Dimensions that choose the runner are told apart by keys that include the runner's OS or arch.
  const runnerDims = dims.filter((dim) => distinguishes(templateRefs(job, runsOnText(job)), dim));
  const findings: Finding[] = [];
  for (const cache of cacheSteps(file, job).filter((c) => c.saves && c.key && c.paths.some((p) => p.kind))) {
    const refs = templateRefs(job, cache.key!.text);
    const runnerInKey = refs.some((ref) => RUNNER_REFS.includes(ref));
    const missing = dims.filter(
      (dim) => !distinguishes(refs, dim) && !(runnerInKey && runnerDims.includes(dim)),
    );
    if (missing.length === 0) continue;
    const inputs = cache.step.with!;
    const newKey = `${cache.key!.text}${missing.map((dim) => `-${expression(`matrix.${dim}`)}`).join('')}`;
    findings.push(
      ciFinding(G5, file, {
        range: cache.key!.range,
        message: `${legs(missing)} compute the same cache key, so they race to save it: one wins and the others wait on "Unable to reserve cache with key ..., another job may be creating this cache" or fail with 409 Conflict.`,
        advice: `Add the matrix dimensions to the key (${missing.map((d) => `matrix.${d}`).join(', ')}), or save the cache from one leg only and use actions/cache/restore in the others.`,
        fix: allEdits('add the matrix dimensions to the cache key', [
          setMapEntry(file, inputs, 'key', yamlString(newKey, inputs.flow)),
        ]),
      }),
    );
  }
  for (const { step } of setupGoCaches(job)) {
    // setup-go's key is OS, arch, runner image, Go version and the dependency-file hash: nothing else.
    const inputs = ['go-version', 'go-version-file', 'architecture', 'cache-dependency-path'];
    const refs = inputs.flatMap((name) => templateRefs(job, stepInput(step, name)?.text ?? ''));
    const missing = dims.filter((dim) => !distinguishes(refs, dim) && !runnerDims.includes(dim));
    if (missing.length === 0) continue;
    findings.push(
      ciFinding(G5, file, {
        range: step.uses!.node.range,
        message: `actions/setup-go's cache key holds the OS, arch, Go version and dependency-file hash only, so ${legs(missing).toLowerCase()} share one key and race to save it ("Unable to reserve cache", a hang of about two minutes per losing leg).`,
        advice: `Turn the built-in cache on in one leg only (e.g. \`cache: ${expression("matrix.<dim> == '<first value>'")}\`), or use actions/cache with the matrix dimensions in its key.`,
      }),
    );
  }
  return findings;
}

function legs(dims: readonly string[]): string {
  return `Matrix legs that differ only in ${dims.map((d) => `"${d}"`).join(', ')}`;
}
