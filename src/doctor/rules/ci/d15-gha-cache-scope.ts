import { posix } from 'node:path';
import type { Finding, Rule, TextEdit } from '../../model.js';
import { type BuildStep, buildSteps, type CacheSpec } from '../../parsers/ci/build-steps.js';
import { expression } from '../../parsers/ci/gh-expressions.js';
import { varyingDimensions } from '../../parsers/ci/github-matrix.js';
import { replaceRange } from '../../parsers/ci/yaml-edits.js';
import { allEdits, ciFinding } from './finding.js';

export const D15: Rule = {
  id: 'D15',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'Several images share the default gha cache scope',
  check(project) {
    const ghaSteps = buildSteps(project).filter(
      (step) => step.platform === 'github' && step.cacheTo.some((spec) => spec.type === 'gha'),
    );
    return ghaSteps.flatMap((step): Finding[] => {
      const matrixDims = step.github?.job.matrix ? varyingDimensions(step.github.job.matrix) : [];
      if (ghaSteps.length < 2 && matrixDims.length === 0) return [];
      const unscoped = (spec: CacheSpec) => spec.type === 'gha' && !spec.attrs.has('scope');
      const spec = step.cacheTo.find(unscoped);
      if (!spec) return [];
      const scope = scopeName(step, matrixDims);
      const edits = [...step.cacheTo, ...step.cacheFrom]
        .filter(unscoped)
        .map((s) => addScope(step, s, scope));
      return [
        ciFinding(D15, step.file, {
          range: spec,
          message: `type=gha without scope= writes to the default scope "buildkit", which ${matrixDims.length > 0 ? 'all legs of this matrix job' : `the ${ghaSteps.length} image builds of this repository`} share: each build overwrites the previous one's cache, so every image mostly rebuilds, Go module download included.`,
          advice:
            'Give each image its own scope, the same on cache-from and cache-to: type=gha,scope=<image>,mode=max.',
          fix: allEdits(`scope the gha cache as "${scope}"`, edits),
        }),
      ];
    });
  },
};

function scopeName(step: BuildStep, matrixDims: readonly string[]): string {
  // Workflow file, job and Dockerfile directory: unique across the repository, stable across runs.
  const workflow = posix.basename(step.file.file).replace(/\.ya?ml$/, '');
  const dir = step.dockerfile?.split('/').slice(0, -1).join('-');
  const base = [...new Set([workflow, step.jobName, dir].filter(Boolean))].join('-');
  return [base, ...matrixDims.map((dim) => expression(`matrix.${dim}`))].join('-');
}

function addScope(step: BuildStep, spec: CacheSpec, scope: string): TextEdit | undefined {
  const text = step.file.text.slice(spec.start, spec.end);
  // A spec whose source text differs from its value (escapes) is not edited.
  return text === spec.text ? replaceRange(step.file, spec, `${text},scope=${scope}`) : undefined;
}
