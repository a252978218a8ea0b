import type { Finding, Rule } from '../../model.js';
import { type BuildStep, buildSteps } from '../../parsers/ci/build-steps.js';
import { stepInput, usesAction } from '../../parsers/ci/github-workflow.js';
import { insertSeqItemBefore, replaceNode } from '../../parsers/ci/yaml-edits.js';
import { allEdits, ciFinding } from './finding.js';

const CREATE_BUILDER = 'docker buildx create --use --driver docker-container';

export const D16: Rule = {
  id: 'D16',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'Cache export with the default docker driver',
  check(project) {
    return buildSteps(project).flatMap((step): Finding[] => {
      const exported = step.cacheTo.find((spec) => spec.type !== 'inline');
      if (!exported || step.exportCapableBuilder) return [];
      return [
        ciFinding(D16, step.file, {
          range: exported,
          message: `cache-to type=${exported.type} needs a BuildKit builder that can export caches, and this ${step.platform === 'github' ? 'job' : 'job script'} builds with the default "docker" driver: the build fails with "ERROR: failed to build: Cache export is not supported for the docker driver. Switch to a different driver, or turn on the containerd image store, and try again."`,
          advice:
            step.platform === 'github'
              ? 'Add a `docker/setup-buildx-action` step (it creates a docker-container builder) before the build.'
              : `Create a docker-container builder before building: \`${CREATE_BUILDER}\`.`,
          fix: step.platform === 'github' ? addBuildxBuilder(step) : createBuilderCommand(step),
        }),
      ];
    });
  },
};

/** Switches an existing setup-buildx-action from `driver: docker`, or inserts one before the build step. */
function addBuildxBuilder(step: BuildStep) {
  const { job, step: build } = step.github!;
  const setup = job.steps.find((s) => s.index < build.index && usesAction(s, 'docker/setup-buildx-action'));
  const driver = setup && stepInput(setup, 'driver');
  if (driver) {
    return allEdits('use the docker-container driver', [replaceNode(step.file, driver, 'docker-container')]);
  }
  if (!job.stepsNode) return undefined;
  const lines = ['name: Set up Docker Buildx', 'uses: docker/setup-buildx-action@v4'];
  return allEdits('add docker/setup-buildx-action before the build', [
    insertSeqItemBefore(step.file, job.stepsNode, build.index, lines),
  ]);
}

/** GitLab: a `docker buildx create` command inserted before the build command in the same script list. */
function createBuilderCommand(step: BuildStep) {
  if (!step.gitlab) return undefined;
  return allEdits('create a docker-container builder before the build', [
    insertSeqItemBefore(step.file, step.gitlab.script, step.gitlab.index, [CREATE_BUILDER]),
  ]);
}
