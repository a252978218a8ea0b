import type { Finding, ProjectView } from '../../model.js';
import { type GithubJob, type GithubWorkflow, githubWorkflows } from '../../parsers/ci/github-workflow.js';

/** Runs a per-job check over every job of every workflow the project has. */
export function eachGithubJob(
  project: ProjectView,
  check: (workflow: GithubWorkflow, job: GithubJob) => Finding[],
): Finding[] {
  return githubWorkflows(project).workflows.flatMap((workflow) =>
    workflow.jobs.flatMap((job) => check(workflow, job)),
  );
}
