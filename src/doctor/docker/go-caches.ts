/**
 * Which go commands touch which cache, and which RUN mounts are meant as Go caches, so rules can compare mount
 * targets with the effective GOMODCACHE and GOCACHE.
 */
import { posix } from 'node:path';
import { compareGoLang, goVersion } from '../../gomod/modfile.js';
import type { ProjectView } from '../model.js';
import type { DockerInstruction, Mount, MountOption } from '../parsers/dockerfile.js';
import type { DockerfileAnalysis, GoCommand, StageAnalysis } from './analysis.js';
import { hasFile, inContext } from './context.js';
import { expandVariables } from './expand.js';
import { processVariable } from './go-env.js';

/** Subcommands that load the module graph and so may download into GOMODCACHE. */
const MODULE_SUBCOMMANDS = new Set([
  'build',
  'get',
  'install',
  'list',
  'run',
  'test',
  'vet',
  'generate',
  'mod download',
  'mod tidy',
  'mod vendor',
  'mod verify',
  'mod graph',
  'mod why',
  'work sync',
  'work vendor',
]);
/** Subcommands that compile and so read and write GOCACHE. */
const BUILD_SUBCOMMANDS = new Set(['build', 'install', 'run', 'test', 'vet']);

export type CacheKind = 'GOMODCACHE' | 'GOCACHE';

export function usesCache(command: GoCommand, kind: CacheKind): boolean {
  if (kind === 'GOCACHE') return BUILD_SUBCOMMANDS.has(command.sub);
  return MODULE_SUBCOMMANDS.has(command.sub) && !vendorMode(command);
}

/** `-mod=vendor` (in GOFLAGS or the command) reads vendor/ and never touches the module cache. */
export function vendorMode(command: GoCommand): boolean {
  return modFlag(command) === 'vendor';
}

/**
 * Whether go picks `-mod=vendor` by itself for the module in the build context: it does when vendor/modules.txt
 * exists and go.mod says go 1.14 or later, unless -mod says otherwise.
 */
export function vendoredByDefault(project: ProjectView, analysis: DockerfileAnalysis): boolean {
  if (!hasFile(project, inContext(analysis, 'vendor/modules.txt'))) return false;
  const version = goVersion(project.text(inContext(analysis, 'go.mod')) ?? '');
  return version !== undefined && compareGoLang(version, '1.14') >= 0;
}

/** The go commands of a RUN that read or fill the module cache, given whether the module is vendored. */
export function moduleCacheCommands(commands: GoCommand[], vendored: boolean): GoCommand[] {
  return commandsUsing(commands, 'GOMODCACHE').filter((c) => !vendored || modFlag(c) !== undefined);
}

/** The effective `-mod=` of a go command: its own flag wins over GOFLAGS. */
export function modFlag(command: GoCommand): string | undefined {
  const own = command.args.find((a) => /^--?mod=/.test(a));
  const fromEnv = command.env.GOFLAGS.value.split(/\s+/).find((a) => /^--?mod=/.test(a));
  return (own ?? fromEnv)?.split('=')[1];
}

export interface CacheMount {
  mount: Mount;
  /** The target option (absent targets are a BuildKit error, so such mounts are skipped). */
  targetOption: MountOption;
  /** The target with variables expanded and the path cleaned. */
  target: string;
}

/** The `type=cache` mounts of a RUN, with their targets expanded as BuildKit expands them. */
export function cacheMounts(stage: StageAnalysis, instruction: DockerInstruction): CacheMount[] {
  const state = stage.before.get(instruction);
  const lookup = (name: string) => (state ? processVariable(state, name)?.value : undefined);
  return instruction.mounts.flatMap((mount) => {
    const targetOption = mount.option('target') ?? mount.option('dst') ?? mount.option('destination');
    if (mount.type !== 'cache' || !targetOption) return [];
    // A relative target is relative to the WORKDIR, as BuildKit resolves it.
    const target = posix.resolve(state?.workdir ?? '/', expandVariables(targetOption.value, lookup));
    return [{ mount, targetOption, target: cleanPath(target) }];
  });
}

export function cleanPath(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 ? normalized.replace(/\/$/, '') : normalized;
}

/** Whether a cache mount looks meant for a Go cache of this kind (by target or id), whatever its exact path. */
export function looksLike(cache: CacheMount, kind: CacheKind): boolean {
  const id = cache.mount.option('id')?.value ?? '';
  if (kind === 'GOMODCACHE') return /\/pkg\/mod$/.test(cache.target) || /go-?mod|modcache/i.test(id);
  return /go-build|gocache|go-cache/i.test(cache.target) || /go-?build|gocache/i.test(id);
}

/** The go commands of a RUN that use a cache kind, with the first one's environment. */
export function commandsUsing(commands: GoCommand[], kind: CacheKind): GoCommand[] {
  return commands.filter((c) => usesCache(c, kind));
}
