import { type GithubJob, type GithubStep, stepInput, usesAction } from './github-workflow.js';
import { type GoCacheKind, goCacheKind } from './go-cache-paths.js';
import { type ScalarLine, scalarLines } from './scalar-lines.js';
import type { YamlFile } from './yaml-file.js';
import type { YScalar } from './yaml-tree.js';

/**
 * What the Go-related caching actions of a job do, from their documented defaults:
 * actions/setup-go (built-in cache on by default since v4, exact-match key, go.mod as the default hash
 * file since v6.3.0), actions/cache and its restore/save halves, and golangci-lint-action (its own module
 * cache before v5).
 */

const SETUP_GO = 'actions/setup-go';
const CACHE_ACTIONS = ['actions/cache', 'actions/cache/restore', 'actions/cache/save'];

export interface SetupGoCache {
  readonly step: GithubStep;
  /** The `cache:` input when written; undefined when the default applies. */
  readonly input?: YScalar;
}

/** setup-go steps whose built-in cache is on: `cache: true`, or no `cache:` on v4 or later (or an unknown version). */
export function setupGoCaches(job: GithubJob): SetupGoCache[] {
  return job.steps.flatMap((step) => {
    if (!usesAction(step, SETUP_GO)) return [];
    const input = stepInput(step, 'cache');
    const written = input?.text.trim().toLowerCase();
    const enabled =
      written === undefined || written === '' ? (step.uses?.major ?? 99) >= 4 : written !== 'false';
    return enabled ? [{ step, input }] : [];
  });
}

/** The file setup-go hashes by default: go.sum before v6.3.0, go.mod from then on (actions/setup-go#705). */
export function setupGoDefaultHashFile(step: GithubStep): 'go.mod' | 'go.sum' {
  const major = step.uses?.major;
  const minor = step.uses?.minor;
  if (major === undefined || major > 6) return 'go.mod';
  if (major === 6) return minor === undefined || minor >= 3 ? 'go.mod' : 'go.sum';
  return 'go.sum';
}

export interface CacheStep {
  readonly step: GithubStep;
  readonly restores: boolean;
  readonly saves: boolean;
  readonly paths: readonly (ScalarLine & { kind?: GoCacheKind })[];
  readonly key?: YScalar;
  readonly restoreKeys?: YScalar;
}

/** actions/cache (and /restore, /save) steps of a job, with their paths classified. */
export function cacheSteps(file: YamlFile, job: GithubJob): CacheStep[] {
  return job.steps.flatMap((step) => {
    if (!usesAction(step, ...CACHE_ACTIONS)) return [];
    const path = stepInput(step, 'path');
    const paths = (path ? scalarLines(file, path) : []).map((line) => ({
      ...line,
      kind: goCacheKind(line.text),
    }));
    return [
      {
        step,
        restores: step.uses?.name !== 'actions/cache/save',
        saves: step.uses?.name !== 'actions/cache/restore',
        paths,
        key: stepInput(step, 'key'),
        restoreKeys: stepInput(step, 'restore-keys'),
      },
    ];
  });
}

/** Cache steps that hold a Go cache of the given kind. */
export function goCacheSteps(file: YamlFile, job: GithubJob, kind?: GoCacheKind): CacheStep[] {
  return cacheSteps(file, job).filter((c) =>
    c.paths.some((p) => p.kind !== undefined && (!kind || p.kind === kind)),
  );
}

/** golangci-lint-action before v5 restores its own copy of ~/go/pkg/mod unless told to skip it. */
export function golangciCachesModules(step: GithubStep): boolean {
  if (!usesAction(step, 'golangci/golangci-lint-action')) return false;
  if ((step.uses?.major ?? 99) >= 5) return false;
  const skipped = (name: string) => stepInput(step, name)?.text.trim().toLowerCase() === 'true';
  return !skipped('skip-pkg-cache') && !skipped('skip-cache');
}
