import type { ProjectView } from '../model.js';
import { type BuildStep, buildSteps } from '../parsers/ci/build-steps.js';
import type { DockerfileAnalysis } from './analysis.js';

/**
 * The CI build steps that build a Dockerfile with a known context (docker/build-push-action `context:`,
 * `docker build <dir>`): what the context really is, where doctor would otherwise have to assume it.
 */
export function ciBuildsOf(project: ProjectView, dockerfile: string): Array<BuildStep & { context: string }> {
  return buildSteps(project).filter(
    (step): step is BuildStep & { context: string } =>
      step.dockerfile === dockerfile && step.context !== undefined,
  );
}

/**
 * A Dockerfile's analysis once per context it is built with: those CI uses, each with its step, when CI says;
 * else the one doctor assumes (the nearest directory up with go.mod or go.work), with no step.
 */
export function builtWith(
  project: ProjectView,
  analysis: DockerfileAnalysis,
): Array<{ analysis: DockerfileAnalysis; step?: BuildStep }> {
  const steps = ciBuildsOf(project, analysis.file);
  if (steps.length === 0) return [{ analysis }];
  return steps.map((step) => ({ analysis: { ...analysis, context: step.context }, step }));
}
