import { posix } from 'node:path';
import type { ProjectView } from '../../model.js';
import {
  type GithubJob,
  type GithubStep,
  githubWorkflows,
  runsOnText,
  stepInput,
  usesAction,
} from './github-workflow.js';
import { gitlabCi } from './gitlab-ci.js';
import { scalarLines } from './scalar-lines.js';
import {
  buildContext,
  checkoutPath,
  commandRange,
  flagValues,
  type ShellCommand,
  shellCommands,
} from './shell-commands.js';
import type { YamlFile } from './yaml-file.js';
import { child, scalarList, text, type YScalar, type YSeq } from './yaml-tree.js';

/**
 * Image builds in CI jobs, wherever they are written: docker/build-push-action (and Depot's drop-in) in
 * GitHub workflows, and `docker build` / `docker buildx build` commands in GitHub `run:` steps and GitLab
 * scripts. Each carries its cache exports and imports, the Dockerfile it builds, and what the job does
 * around it (a cache-capable builder, persistent cache mounts), which is what rules D13-D16 judge.
 */

export interface CacheSpec {
  readonly text: string;
  /** `type=` of the spec; a bare `name:tag` is a registry reference. */
  readonly type: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly start: number;
  readonly end: number;
}

export interface BuildStep {
  readonly file: YamlFile;
  readonly platform: 'github' | 'gitlab';
  readonly jobName: string;
  /** Where to report when no cache spec fits: the `uses:` value or the build command. */
  readonly anchor: readonly [number, number];
  readonly cacheTo: readonly CacheSpec[];
  readonly cacheFrom: readonly CacheSpec[];
  /** `build-args:` lines and `--build-arg` flags. */
  readonly buildArgs: readonly BuildArg[];
  /** The Dockerfile built, relative to the project root; undefined when a variable hides it. */
  readonly dockerfile?: string;
  /** The build context directory, relative to the project root (`.` for the root); undefined when a variable or URL. */
  readonly context?: string;
  /** Where the context is written: the `context:` input, else the action's `uses:` or the whole command. */
  readonly contextAnchor: readonly [number, number];
  /** A builder that can export caches was set up first (setup-buildx-action, `docker buildx create`, `--builder`). */
  readonly exportCapableBuilder: boolean;
  /** Cache mounts outlive the job: a persistent builder (Depot, Namespace, self-hosted runner) or buildkit-cache-dance. */
  readonly persistentMounts: boolean;
  /** GitLab: the job builds in a `docker:dind` service, a fresh daemon each time. */
  readonly dind: boolean;
  /** The build runs on the host's network (`--network host`, `network: host`): its loopback is the runner's. */
  readonly hostNetwork: boolean;
  readonly github?: { readonly job: GithubJob; readonly step: GithubStep };
  /** GitLab: the script list holding the command and the command's index in it, when it is a list. */
  readonly gitlab?: { readonly script: YSeq; readonly index: number };
}

/** `NAME=value`, or `NAME` alone, which passes the job's own value of NAME. */
export interface BuildArg {
  readonly name: string;
  readonly value?: string;
  readonly start: number;
  readonly end: number;
}

const BUILD_ACTIONS = ['docker/build-push-action', 'depot/build-push-action'];
const PERSISTENT_BUILDER_ACTIONS = [
  'depot/build-push-action',
  'depot/setup-action',
  'namespacelabs/nscloud-setup-buildx-action',
];
const CACHE_DANCE = ['reproducible-containers/buildkit-cache-dance', 'overmindtech/buildkit-cache-dance'];
const BUILD_COMMAND = /\bdocker\s+(?:buildx\s+)?build\b/;
const CREATES_BUILDER = /\bdocker\s+buildx\s+create\b|\bdocker\s+buildx\s+use\b/;

export function buildSteps(project: ProjectView): BuildStep[] {
  return project.memo('ci:build-steps', () => [...githubBuildSteps(project), ...gitlabBuildSteps(project)]);
}

function githubBuildSteps(project: ProjectView): BuildStep[] {
  return githubWorkflows(project).workflows.flatMap(({ file, jobs }) =>
    jobs.flatMap((job) => {
      const persistentMounts =
        /self-hosted|nscloud|namespace-profile|depot-/.test(runsOnText(job)) ||
        job.steps.some((s) => usesAction(s, ...CACHE_DANCE, ...PERSISTENT_BUILDER_ACTIONS));
      const base = { file, platform: 'github' as const, jobName: job.id, persistentMounts, dind: false };
      const steps: BuildStep[] = [];
      let builder = false;
      for (const step of job.steps) {
        if (usesAction(step, 'docker/setup-buildx-action', ...PERSISTENT_BUILDER_ACTIONS)) {
          builder ||= stepInput(step, 'driver')?.text.trim() !== 'docker';
        }
        if (usesAction(step, ...BUILD_ACTIONS)) {
          steps.push({
            ...base,
            ...actionBuild(project, file, step),
            // Depot's action builds on Depot's own builders, which export caches.
            exportCapableBuilder: builder || usesAction(step, 'depot/build-push-action'),
            github: { job, step },
          });
        }
        for (const command of step.run ? shellCommands(file, step.run) : []) {
          if (CREATES_BUILDER.test(command.text)) builder = true;
          if (BUILD_COMMAND.test(command.text)) {
            steps.push({
              ...base,
              ...commandBuild(command),
              exportCapableBuilder: builder || /--builder\b/.test(command.text),
              github: { job, step },
            });
          }
        }
      }
      return steps;
    }),
  );
}

function gitlabBuildSteps(project: ProjectView): BuildStep[] {
  const { ci } = gitlabCi(project);
  if (!ci) return [];
  return ci.jobs.flatMap((job) => {
    const services = child(job.config, 'services');
    const serviceNames = (services?.kind === 'seq' ? services.items : []).map(
      (s) => text(s) ?? text(child(s, 'name')) ?? '',
    );
    const dind = serviceNames.some((name) => /docker:.*dind/.test(name));
    // Each script item with where it sits, so a fix can insert a command before it.
    const items = ['before_script', 'script'].flatMap((key): ScriptItem[] => {
      const node = child(job.config, key);
      if (node?.kind !== 'seq') return scalarList(node).map((scalar) => ({ scalar }));
      return node.items.flatMap((item, index) =>
        item.kind === 'scalar' ? [{ scalar: item, place: { script: node, index } }] : [],
      );
    });
    const steps: BuildStep[] = [];
    let builder = false;
    for (const { scalar, place } of items) {
      for (const command of shellCommands(ci.file, scalar)) {
        if (CREATES_BUILDER.test(command.text)) builder = true;
        if (!BUILD_COMMAND.test(command.text)) continue;
        steps.push({
          file: ci.file,
          platform: 'gitlab',
          jobName: job.name,
          ...commandBuild(command),
          exportCapableBuilder: builder || /--builder\b/.test(command.text),
          persistentMounts: false,
          dind,
          gitlab: place,
        });
      }
    }
    return steps;
  });
}

interface ScriptItem {
  readonly scalar: YScalar;
  readonly place?: { readonly script: YSeq; readonly index: number };
}

function actionBuild(project: ProjectView, file: YamlFile, step: GithubStep) {
  const specs = (name: string) => {
    const input = stepInput(step, name);
    return input ? scalarLines(file, input).map((line) => parseCacheSpec(line.text, line.start)) : [];
  };
  const contextInput = stepInput(step, 'context');
  const buildArgs = stepInput(step, 'build-args');
  // Without `context:` the action builds the Git context: the repository at the ref, i.e. the checkout root.
  const context = contextInput?.text.trim() || '.';
  const dockerfileInput = stepInput(step, 'file')?.text.trim();
  return {
    anchor: step.uses!.node.range,
    cacheTo: specs('cache-to'),
    cacheFrom: specs('cache-from'),
    buildArgs: (buildArgs ? scalarLines(file, buildArgs) : []).map((l) => parseBuildArg(l.text, l.start)),
    dockerfile: projectPath(project, dockerfileInput ?? posix.join(context, 'Dockerfile')),
    context: checkoutPath(context),
    contextAnchor: contextInput?.range ?? step.uses!.node.range,
    hostNetwork: stepInput(step, 'network')?.text.trim() === 'host',
  };
}

function commandBuild(command: ShellCommand) {
  const specs = (flag: string) => flagValues(command, flag).map((v) => parseCacheSpec(v.value, v.start));
  const file = flagValues(command, '(?:-f|--file)')[0]?.value;
  const context = buildContext(command.text, BUILD_COMMAND);
  const anchor = commandRange(command);
  return {
    anchor,
    cacheTo: specs('--cache-to'),
    cacheFrom: specs('--cache-from'),
    buildArgs: flagValues(command, '--build-arg').map((v) => parseBuildArg(v.value, v.start)),
    dockerfile: checkoutPath(file ?? posix.join(context, 'Dockerfile')),
    context: checkoutPath(context),
    contextAnchor: anchor,
    hostNetwork: flagValues(command, '--network')[0]?.value === 'host',
  };
}

function projectPath(project: ProjectView, path: string): string | undefined {
  const normal = checkoutPath(path);
  return normal && !project.files.includes(normal) && project.files.includes(`${normal}/Dockerfile`)
    ? `${normal}/Dockerfile`
    : normal;
}

function parseBuildArg(argText: string, start: number): BuildArg {
  const eq = argText.indexOf('=');
  const end = start + argText.length;
  return eq < 0
    ? { name: argText, start, end }
    : { name: argText.slice(0, eq), value: argText.slice(eq + 1), start, end };
}

/** `type=gha,mode=max,scope=app` or a bare registry reference `user/app:cache`. */
function parseCacheSpec(specText: string, start: number): CacheSpec {
  const attrs = new Map<string, string>();
  for (const part of specText.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) attrs.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const type = attrs.get('type') ?? (attrs.size === 0 && specText.trim() !== '' ? 'registry' : 'local');
  return { text: specText, type, attrs, start, end: start + specText.length };
}
