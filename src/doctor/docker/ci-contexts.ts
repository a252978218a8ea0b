import type { ProjectView } from '../model.js';
import { type BuildStep, buildSteps } from '../parsers/ci/build-steps.js';

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
