import { posix } from 'node:path';
import type { ProjectView } from '../../model.js';
import { ciEnvScopes } from './ci-env.js';
import { type GithubStep, githubWorkflows, runsOnText, usesAction } from './github-workflow.js';
import { gitlabCi } from './gitlab-ci.js';
import type { ShellCommand } from './shell-commands.js';
import { buildContext, checkoutPath, commandRange, flagValues, shellCommands } from './shell-commands.js';
import type { YamlFile } from './yaml-file.js';
import { asScalar, child, scalarList, text } from './yaml-tree.js';

/**
 * CI jobs that build images with a builder lacking BuildKit's RUN --mount: kaniko (GoogleContainerTools'
 * executor implements no mounts: older releases stop at `Unknown flag: mount`, later ones run the command
 * without them), and podman before 4 / buildah before 1.24, which stop at a cache mount with
 * `invalid mount type "cache"`. podman's version is known from an image tag or a pinned runner image
 * (ubuntu-20.04 and ubuntu-22.04 ship podman 3 and buildah 1.2x); a podman whose version cannot be told is
 * not listed.
 */
export interface MountlessBuilder {
  readonly file: YamlFile;
  readonly jobName: string;
  readonly kind: 'kaniko' | 'podman';
  /** The builder in words: `kaniko (gcr.io/kaniko-project/executor:v1.23.2)`, `podman 3 (the ubuntu-22.04 runner's)`. */
  readonly builder: string;
  readonly anchor: readonly [number, number];
  /** The Dockerfile built, relative to the project root; undefined when the job does not say plainly. */
  readonly dockerfile?: string;
}

const KANIKO_IMAGE = /(?:^|\/)(?:kaniko-project\/executor|kaniko)(?:[:@]|$)/;
const KANIKO_COMMAND = /\/kaniko\/executor\b|kaniko-project\/executor\b/;
const KANIKO_ACTIONS = ['aevea/action-kaniko', 'int128/kaniko-action'];
const PODMAN_BUILD = /\bpodman\s+(?:image\s+)?build\b|\bbuildah\s+(?:bud|build(?:-using-dockerfile)?)\b/;
/** GitHub runner images whose apt podman is 3.4 (buildah 1.2x); ubuntu-24.04 has podman 4.9. */
const OLD_PODMAN_RUNNER = /\bubuntu-(?:20|22)\.04\b/;

export function mountlessBuilders(project: ProjectView): MountlessBuilder[] {
  return project.memo('ci:mountless-builders', () => [
    ...githubBuilders(project),
    ...gitlabBuilders(project),
  ]);
}

function gitlabBuilders(project: ProjectView): MountlessBuilder[] {
  const { ci } = gitlabCi(project);
  if (!ci) return [];
  return ci.jobs.flatMap((job): MountlessBuilder[] => {
    const imageNode =
      asScalar(child(job.config, 'image')) ?? asScalar(child(child(job.config, 'image'), 'name'));
    const image = imageNode?.text ?? '';
    const commands = ['before_script', 'script'].flatMap((key) =>
      scalarList(child(job.config, key)).flatMap((s) => shellCommands(ci.file, s)),
    );
    const base = { file: ci.file, jobName: job.name };
    const kanikoCommand = commands.find((c) => KANIKO_COMMAND.test(c.text));
    if (
      (KANIKO_IMAGE.test(image) || kanikoCommand) &&
      !kanikoMountsEnabled(project, ci.file.file, job.name)
    ) {
      const anchor = kanikoCommand ? commandRange(kanikoCommand) : imageNode!.range;
      const dockerfile = kanikoCommand ? kanikoDockerfile(project, kanikoCommand) : undefined;
      return [
        { ...base, kind: 'kaniko', builder: `kaniko (${image || 'its executor'})`, anchor, dockerfile },
      ];
    }
    const version = oldPodmanImage(image);
    if (!version) return [];
    return commands
      .filter((c) => PODMAN_BUILD.test(c.text))
      .map((c) => ({
        ...base,
        kind: 'podman' as const,
        builder: `${version} (${image})`,
        anchor: commandRange(c),
        dockerfile: podmanDockerfile(project, c),
      }));
  });
}

function githubBuilders(project: ProjectView): MountlessBuilder[] {
  return githubWorkflows(project).workflows.flatMap(({ file, jobs }) =>
    jobs.flatMap((job) => {
      const containerImage = text(job.container) ?? text(child(job.container, 'image')) ?? '';
      // In a container job the steps run the container's podman, not the runner's.
      const oldRunner = job.container ? undefined : OLD_PODMAN_RUNNER.exec(runsOnText(job))?.[0];
      const base = { file, jobName: job.id };
      return job.steps.flatMap((step): MountlessBuilder[] => {
        const kaniko = kanikoMountsEnabled(project, file.file, job.id)
          ? undefined
          : githubKaniko(project, file, containerImage, step);
        if (kaniko) return [{ ...base, kind: 'kaniko', ...kaniko }];
        if (!oldRunner) return [];
        const builder = `podman 3 / buildah 1.2x (the ${oldRunner} runner's)`;
        if (usesAction(step, 'redhat-actions/buildah-build')) {
          const containerfile = asScalar(child(step.with, 'containerfiles'));
          const first = containerfile?.text.split('\n')[0]?.trim();
          const dockerfile = first ? checkoutPath(first) : undefined;
          return [{ ...base, kind: 'podman', builder, anchor: step.uses!.node.range, dockerfile }];
        }
        return (step.run ? shellCommands(file, step.run) : [])
          .filter((c) => PODMAN_BUILD.test(c.text))
          .map((c) => ({
            ...base,
            kind: 'podman' as const,
            builder,
            anchor: commandRange(c),
            dockerfile: podmanDockerfile(project, c),
          }));
      });
    }),
  );
}

/** kaniko in a GitHub step: `uses: docker://…kaniko…`, a kaniko action, or the executor run by hand. */
function githubKaniko(project: ProjectView, file: YamlFile, container: string, step: GithubStep) {
  const uses = asScalar(child(step.node, 'uses'));
  if (uses?.text.startsWith('docker://') && KANIKO_IMAGE.test(uses.text.slice('docker://'.length))) {
    const args = asScalar(child(step.with, 'args'));
    const command = args ? shellCommands(file, args)[0] : undefined;
    const dockerfile = command ? kanikoDockerfile(project, command) : undefined;
    return { builder: `kaniko (${uses.text.slice('docker://'.length)})`, anchor: uses.range, dockerfile };
  }
  if (usesAction(step, ...KANIKO_ACTIONS)) {
    return { builder: `kaniko (${step.uses!.name})`, anchor: step.uses!.node.range, dockerfile: undefined };
  }
  const command = (step.run ? shellCommands(file, step.run) : []).find((c) => KANIKO_COMMAND.test(c.text));
  if (!command) return undefined;
  const builder = KANIKO_IMAGE.test(container) ? `kaniko (${container})` : 'kaniko';
  return { builder, anchor: commandRange(command), dockerfile: kanikoDockerfile(project, command) };
}

/** The osscontainertools fork of kaniko implements cache mounts when FF_KANIKO_RUN_MOUNT_CACHE is true. */
function kanikoMountsEnabled(project: ProjectView, file: string, job: string): boolean {
  return ciEnvScopes(project).some(
    (scope) =>
      scope.file === file &&
      scope.job === job &&
      /^(?:true|1)$/i.test(scope.env.get('FF_KANIKO_RUN_MOUNT_CACHE')?.value ?? ''),
  );
}

/** `podman 3` or `buildah 1.23` when the image tag names a version without cache mounts. */
function oldPodmanImage(image: string): string | undefined {
  const match = /(?:^|\/)(podman|buildah)(?:\/stable)?:v?(\d+)\.(\d+)/.exec(image);
  if (!match) return undefined;
  const [, tool, major, minor] = match as unknown as [string, string, string, string];
  const old = tool === 'podman' ? Number(major) < 4 : Number(major) === 1 && Number(minor) < 24;
  return old ? `${tool} ${major}.${minor}` : undefined;
}

/** kaniko's `--dockerfile` is tried as given (from the checkout root), then inside `--context`. */
function kanikoDockerfile(project: ProjectView, command: ShellCommand): string | undefined {
  const flag = (pattern: string) => flagValues(command, pattern)[0]?.value;
  const context = checkoutPath((flag('(?:-c|--context)') ?? '.').replace(/^dir:\/\//, ''));
  const dockerfile = flag('(?:-f|--dockerfile)') ?? 'Dockerfile';
  const asGiven = checkoutPath(dockerfile);
  if (asGiven !== undefined && project.files.includes(asGiven)) return asGiven;
  return context === undefined ? undefined : checkoutPath(posix.join(context, dockerfile));
}

/** podman's `-f`, else the context's Containerfile, else its Dockerfile. */
function podmanDockerfile(project: ProjectView, command: ShellCommand): string | undefined {
  const file = flagValues(command, '(?:-f|--file)')[0]?.value;
  if (file !== undefined) return checkoutPath(file);
  const context = checkoutPath(buildContext(command.text, PODMAN_BUILD));
  if (context === undefined) return undefined;
  const containerfile = posix.join(context, 'Containerfile');
  return project.files.includes(containerfile) ? containerfile : posix.join(context, 'Dockerfile');
}
