import { splitTemplate, templateFacts } from './gh-expressions.js';
import type { GithubJob } from './github-workflow.js';
import { child, scalarList, type YMap, type YNode } from './yaml-tree.js';

/**
 * The dimensions of a job's matrix and which of them a cache key can tell apart. Legs that differ only in
 * dimensions a key ignores compute the same key and race to save it.
 */

/** Matrix dimensions that take more than one value (from the mapping and from `include:` entries). */
export function varyingDimensions(matrix: YMap): string[] {
  const values = new Map<string, Set<string>>();
  const add = (dim: string, node: YNode) => {
    const set = values.get(dim) ?? new Set<string>();
    set.add(JSON.stringify(node.kind === 'scalar' ? node.text : node.range));
    values.set(dim, set);
  };
  for (const [dim, entry] of matrix.entries) {
    if (dim === 'include' || dim === 'exclude') continue;
    const items = entry.value.kind === 'seq' ? entry.value.items : [entry.value];
    for (const item of items) add(dim, item);
  }
  const include = child(matrix, 'include');
  for (const leg of include?.kind === 'seq' ? include.items : []) {
    if (leg.kind === 'map') for (const [dim, entry] of leg.entries) add(dim, entry.value);
  }
  return [...values].filter(([, set]) => set.size > 1).map(([dim]) => dim);
}

/**
 * Context references a template depends on, following `env.NAME` into the job's and workflow's `env:` so
 * that `key: ${{ env.TARGET }}` with `TARGET: ${{ matrix.os }}` counts as depending on `matrix.os`.
 */
export function templateRefs(job: GithubJob, template: string): string[] {
  const refs = templateFacts(splitTemplate(template)).refs;
  const viaEnv = refs.flatMap((ref) => {
    if (!ref.startsWith('env.')) return [];
    const value = job.envMaps.map((env) => scalarList(child(env, ref.slice(4)))[0]?.text).findLast(Boolean);
    return value ? templateFacts(splitTemplate(value)).refs : [];
  });
  return [...refs, ...viaEnv];
}

/** Whether the references tell the legs of dimension `dim` apart. */
export function distinguishes(refs: readonly string[], dim: string): boolean {
  return refs.some((ref) => ref === 'matrix' || ref === `matrix.${dim}` || ref.startsWith(`matrix.${dim}.`));
}
