import type { ProjectView } from '../../model.js';
import { githubWorkflows } from './github-workflow.js';
import { type GitlabCi, type GitlabJob, gitlabCi, writtenIn } from './gitlab-ci.js';
import { expandVariables } from './gitlab-variables.js';
import type { YamlFile } from './yaml-file.js';
import { asMap, asScalar, child, scalarList, type YNode, type YScalar } from './yaml-tree.js';

/**
 * The environment CI sets for the commands it runs, scope by scope: GitHub `env:` of the workflow, then the
 * job, then the step (later wins, and a step's env is that step's alone); GitLab `variables:` at the top
 * level, from templates through `extends:`, then the job's own, as gitlab-ci.ts resolves them.
 *
 * Not read: values written to $GITHUB_ENV, `container.env`, GitLab project and group CI/CD settings, and
 * `include:`d files. Those can only add variables, so what is read here is what the files say for sure.
 */

export interface CiVariable {
  readonly name: string;
  /**
   * The value the job's processes see, or undefined when it is decided elsewhere: a `${{ }}` expression, a
   * `$VAR` reference this file does not define, or a value that is not a plain scalar. Such a value still
   * hides the same name set at an outer level.
   */
  readonly value: string | undefined;
  readonly file: YamlFile;
  /** The written value, where findings point. */
  readonly node: YScalar | undefined;
  /** Where it is written, as a YAML path: `env`, `jobs.build.env`, `variables`, `.go.variables`. */
  readonly where: string;
}

/** One place commands run with one environment: a GitHub step (or a job without steps) or a GitLab job. */
export interface CiEnvScope {
  readonly file: string;
  readonly job: string;
  /** GitHub: the index of the step in the job's steps. */
  readonly step?: number;
  readonly env: ReadonlyMap<string, CiVariable>;
  /**
   * Whether the step's `run:` (GitHub) or the job's scripts (GitLab) run a go command; undefined where doctor
   * cannot see the scripts (jobs of included files, or still to be written).
   */
  readonly runsGo?: boolean;
}

/** A go command in a script: `go build`, `go test`..., at a command's start or after a separator. */
const GO_COMMAND = /(?:^|[\s;&|(])go\s+[a-z]/m;

export function ciEnvScopes(project: ProjectView): CiEnvScope[] {
  return project.memo('ci:env-scopes', () => [...githubScopes(project), ...gitlabScopes(project)]);
}

function githubScopes(project: ProjectView): CiEnvScope[] {
  return githubWorkflows(project).workflows.flatMap(({ file, root, jobs }) => {
    const workflowEnv = githubEnv(file, child(root, 'env'), 'env');
    return jobs.flatMap((job) => {
      const jobEnv = new Map([
        ...workflowEnv,
        ...githubEnv(file, child(job.node, 'env'), `jobs.${job.id}.env`),
      ]);
      const base = { file: file.file, job: job.id };
      if (job.steps.length === 0) return [{ ...base, env: jobEnv }];
      return job.steps.map((step) => {
        const where = `jobs.${job.id}.steps[${step.index}].env`;
        const stepEnv = githubEnv(file, child(step.node, 'env'), where);
        const runsGo = GO_COMMAND.test(step.run?.text ?? '');
        return { ...base, step: step.index, env: new Map([...jobEnv, ...stepEnv]), runsGo };
      });
    });
  });
}

function githubEnv(file: YamlFile, node: YNode | undefined, where: string): Map<string, CiVariable> {
  const env = new Map<string, CiVariable>();
  for (const [name, entry] of asMap(node)?.entries ?? []) {
    const scalar = asScalar(entry.value);
    // GitHub sets the text as it is: `$HOME` stays `$HOME`, which go would not read as meant either.
    const literal = scalar && !scalar.text.includes('$') ? scalar.text : undefined;
    env.set(name, { name, value: literal, file, node: scalar, where });
  }
  return env;
}

function gitlabScopes(project: ProjectView): CiEnvScope[] {
  const { ci } = gitlabCi(project);
  if (!ci) return [];
  // Jobs of included files get the top-level variables too; `(default)` stands for them, and for the jobs
  // still to be written in a file that has none yet.
  const others = ci.hasInclude || ci.jobs.length === 0;
  const jobs = others ? [...ci.jobs, ci.templates.find((t) => t.name === '(default)')!] : ci.jobs;
  return jobs.map((job) => ({
    file: ci.file.file,
    job: job.name,
    env: gitlabEnv(ci, job),
    runsGo:
      job.name === '(default)'
        ? undefined
        : ['before_script', 'script'].some((key) =>
            scalarList(child(job.config, key)).some((line) => GO_COMMAND.test(line.text)),
          ),
  }));
}

function gitlabEnv(ci: GitlabCi, job: GitlabJob): Map<string, CiVariable> {
  const env = new Map<string, CiVariable>();
  for (const [name, variable] of job.variables) {
    const node = variable.value;
    // The runner expands `$NAME` from CI/CD variables; what stays unexpanded is decided outside this file.
    const expanded = node ? expandVariables(node.text, job.variables).expanded : undefined;
    const value = expanded !== undefined && !expanded.includes('$') ? expanded : undefined;
    const written = node ? writtenIn(ci, node.range[0]) : undefined;
    const where = !written || written.name === 'variables' ? 'variables' : `${written.name}.variables`;
    env.set(name, { name, value, file: ci.file, node, where });
  }
  return env;
}
