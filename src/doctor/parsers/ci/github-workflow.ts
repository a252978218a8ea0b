import type { ProjectView } from '../../model.js';
import { parseYamlFile, type YamlFile } from './yaml-file.js';
import {
  asMap,
  asScalar,
  child,
  scalarList,
  text,
  type YMap,
  type YNode,
  type YScalar,
  type YSeq,
} from './yaml-tree.js';

/**
 * GitHub Actions workflows as doctor's rules need them: jobs, their runner, container, env, matrix and
 * steps, with `uses:` split into action name and version. Only what the cache rules read is modelled; the
 * YAML tree stays reachable for the rest.
 */

export interface ActionRef {
  /** `owner/repo` or `owner/repo/path`, lower-cased (GitHub treats them case-insensitively). */
  readonly name: string;
  readonly ref: string;
  /** Major and minor version from a `vN[.M]` ref, or from a `# vN.M` comment after a SHA pin. */
  readonly major?: number;
  readonly minor?: number;
  readonly node: YScalar;
}

export interface GithubStep {
  readonly index: number;
  readonly node: YMap;
  readonly uses?: ActionRef;
  readonly with?: YMap;
  readonly run?: YScalar;
  readonly id?: string;
}

export interface GithubJob {
  readonly id: string;
  readonly node: YMap;
  readonly keyOffset: number;
  readonly runsOn?: YNode;
  readonly container?: YNode;
  /** `env:` of the workflow then of the job; later maps win. */
  readonly envMaps: readonly YMap[];
  /** `strategy.matrix` when it is written as a mapping (a `${{ fromJSON(...) }}` matrix is opaque). */
  readonly matrix?: YMap;
  readonly steps: readonly GithubStep[];
  readonly stepsNode?: YSeq;
}

export interface GithubWorkflow {
  readonly file: YamlFile;
  readonly root: YMap;
  /** Event names from `on:` (string, list or mapping form). */
  readonly events: ReadonlySet<string>;
  /** `on: push: tags:` is present: the workflow runs for tags, usually to release. */
  readonly onTagPush: boolean;
  readonly jobs: readonly GithubJob[];
}

export interface GithubWorkflows {
  readonly workflows: readonly GithubWorkflow[];
  /** Workflow files that could not be analysed, with the reason. */
  readonly unreadable: readonly YamlFile[];
}

const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

export function githubWorkflows(project: ProjectView): GithubWorkflows {
  return project.memo('ci:github-workflows', () => {
    const workflows: GithubWorkflow[] = [];
    const unreadable: YamlFile[] = [];
    for (const path of project.files.filter((f) => WORKFLOW_FILE.test(f))) {
      const source = project.text(path);
      if (source === undefined) continue;
      const file = parseYamlFile(path, source);
      if (file.root) workflows.push(readWorkflow(file, file.root));
      else unreadable.push(file);
    }
    return { workflows, unreadable };
  });
}

function readWorkflow(file: YamlFile, root: YMap): GithubWorkflow {
  const on = child(root, 'on');
  const events = new Set(on?.kind === 'map' ? on.entries.keys() : scalarList(on).map((s) => s.text));
  const workflowEnv = asMap(child(root, 'env'));
  const jobs: GithubJob[] = [];
  for (const [id, entry] of asMap(child(root, 'jobs'))?.entries ?? []) {
    const node = asMap(entry.value);
    if (node) jobs.push(readJob(file, id, entry.keyRange[0], node, workflowEnv));
  }
  return { file, root, events, onTagPush: child(child(on, 'push'), 'tags') !== undefined, jobs };
}

function readJob(file: YamlFile, id: string, keyOffset: number, node: YMap, workflowEnv?: YMap): GithubJob {
  const stepsNode = child(node, 'steps');
  const seq = stepsNode?.kind === 'seq' ? stepsNode : undefined;
  const steps = (seq?.items ?? []).flatMap((item, index) => {
    const step = asMap(item);
    return step ? [readStep(file, index, step)] : [];
  });
  const envMaps = [workflowEnv, asMap(child(node, 'env'))].filter((m): m is YMap => m !== undefined);
  return {
    id,
    node,
    keyOffset,
    runsOn: child(node, 'runs-on'),
    container: child(node, 'container'),
    envMaps,
    matrix: asMap(child(child(node, 'strategy'), 'matrix')),
    steps,
    stepsNode: seq,
  };
}

function readStep(file: YamlFile, index: number, node: YMap): GithubStep {
  const uses = asScalar(child(node, 'uses'));
  return {
    index,
    node,
    uses: uses && uses.value !== null ? parseActionRef(file, uses) : undefined,
    with: asMap(child(node, 'with')),
    run: asScalar(child(node, 'run')),
    id: text(child(node, 'id')),
  };
}

function parseActionRef(file: YamlFile, node: YScalar): ActionRef | undefined {
  const match = /^([^@\s]+)@(\S+)$/.exec(node.text.trim());
  if (!match || node.text.startsWith('docker://') || node.text.startsWith('.')) return undefined;
  const [, name = '', ref = ''] = match;
  // SHA pins carry their version in a trailing comment by convention: `@8f4b7f8... # v4.1.0`.
  const lineEnd = file.text.indexOf('\n', node.range[1]);
  const rest = file.text.slice(node.range[1], lineEnd < 0 ? undefined : lineEnd);
  const version = /^v?(\d+)(?:\.(\d+))?(?:\.\d+)?$/.exec(ref) ?? /#\s*v?(\d+)(?:\.(\d+))?/.exec(rest);
  return {
    name: name.toLowerCase(),
    ref,
    major: version?.[1] === undefined ? undefined : Number(version[1]),
    minor: version?.[2] === undefined ? undefined : Number(version[2]),
    node,
  };
}

/** A step's `with:` input as a scalar. */
export function stepInput(step: GithubStep, name: string): YScalar | undefined {
  return asScalar(child(step.with, name));
}

export function usesAction(step: GithubStep, ...names: string[]): boolean {
  return step.uses !== undefined && names.includes(step.uses.name);
}

/** `runs-on` as text: a label, labels joined by spaces, or a runner group name. */
export function runsOnText(job: GithubJob): string {
  const runsOn = job.runsOn;
  if (runsOn?.kind === 'seq') return runsOn.items.map((item) => text(item) ?? '').join(' ');
  return (
    text(runsOn) ??
    text(child(runsOn, 'group')) ??
    scalarList(child(runsOn, 'labels'))
      .map((s) => s.text)
      .join(' ')
  );
}
