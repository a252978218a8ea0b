import type { ProjectView } from '../../model.js';
import { parseYamlFile, type YamlFile } from './yaml-file.js';
import { asMap, child, scalarList, text, type YMap, type YNode, type YScalar } from './yaml-tree.js';

/**
 * .gitlab-ci.yml as GitLab runs it, within one file: `extends:` is resolved with GitLab's deep merge of
 * mappings (up to 11 levels, cycles refused), then `default:` (and the old top-level image/cache/scripts)
 * fills keys a job lacks, then top-level `variables:` sit under the job's, all honouring `inherit:`.
 *
 * Not resolved: `include:` (local, project, remote, template and component files are not read), and
 * `!reference` tags. A job that extends a template this file does not define is marked `incomplete`, and
 * so is every job of a file with `include:`, so rules that need the whole picture can stay quiet.
 */

export interface GitlabCi {
  readonly file: YamlFile;
  readonly root: YMap;
  /** Jobs GitLab would run: top-level mappings that are not keywords and whose names do not start with `.`. */
  readonly jobs: readonly GitlabJob[];
  /**
   * Hidden jobs (`.name`) resolved as if they ran, plus `(default)`: a job with nothing of its own, which
   * shows what `default:` and top-level keys give every job, including jobs from included files.
   */
  readonly templates: readonly GitlabJob[];
  readonly hasInclude: boolean;
}

export interface GitlabJob {
  readonly name: string;
  readonly keyRange: readonly [number, number];
  /** The job as GitLab sees it after extends, default and inherit. Merged mappings carry `viaAlias`. */
  readonly config: YMap;
  /** Variables the job sees: top-level, then templates, then its own (later wins). */
  readonly variables: ReadonlyMap<string, GitlabVariable>;
  readonly caches: readonly GitlabCache[];
  /** Something this file does not say (an include, an unknown template) may change the job. */
  readonly incomplete: boolean;
}

export interface GitlabVariable {
  readonly name: string;
  readonly value?: YScalar;
}

export interface GitlabCache {
  readonly node: YMap;
  readonly paths: readonly YScalar[];
  readonly key?: YNode;
  readonly policy: string;
}

/** Top-level keys that are not jobs (docs.gitlab.com/ci/yaml). */
const KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
  'spec',
]);
/** Keys `default:` (and, for the first five, the legacy top level) supplies to jobs that lack them. */
const DEFAULTABLE = [
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'artifacts',
  'tags',
  'retry',
];
const LEGACY_GLOBAL = ['image', 'services', 'cache', 'before_script', 'after_script'];
const MAX_EXTENDS_DEPTH = 11;

const GITLAB_CI_FILE = '.gitlab-ci.yml';

export function gitlabCi(project: ProjectView): { ci?: GitlabCi; unreadable?: YamlFile } {
  return project.memo('ci:gitlab-ci', () => {
    const source = project.text(GITLAB_CI_FILE);
    if (source === undefined) return {};
    const file = parseYamlFile(GITLAB_CI_FILE, source, 'last-wins');
    return file.root ? { ci: readGitlabCi(file, file.root) } : { unreadable: file };
  });
}

function readGitlabCi(file: YamlFile, root: YMap): GitlabCi {
  const hasInclude = root.entries.has('include');
  const resolver = new ExtendsResolver(root);
  const jobs: GitlabJob[] = [];
  const templates: GitlabJob[] = [];
  for (const [name, entry] of root.entries) {
    if (KEYWORDS.has(name) || entry.value.kind !== 'map') continue;
    const job = readJob(root, name, entry.keyRange, resolver.resolve(name, 0, new Set()), hasInclude);
    (name.startsWith('.') ? templates : jobs).push(job);
  }
  const nothing: YMap = { kind: 'map', range: [0, 0], viaAlias: true, flow: false, entries: new Map() };
  templates.push(readJob(root, '(default)', [0, 0], { map: nothing, unresolved: false }, hasInclude));
  return { file, root, jobs, templates, hasInclude };
}

function readJob(
  root: YMap,
  name: string,
  keyRange: readonly [number, number],
  resolved: Resolved,
  hasInclude: boolean,
): GitlabJob {
  const inherit = child(resolved.map, 'inherit');
  const entries = new Map(resolved.map.entries);
  const defaults = asMap(child(root, 'default'));
  for (const key of DEFAULTABLE) {
    if (entries.has(key) || !inherits(inherit, 'default', key)) continue;
    const fromDefault = defaults?.entries.get(key);
    const fromRoot = LEGACY_GLOBAL.includes(key) ? root.entries.get(key) : undefined;
    const winner = fromDefault ?? fromRoot;
    if (!winner) continue;
    entries.set(key, winner);
  }
  const config: YMap = { ...resolved.map, entries };
  const variables = new Map<string, GitlabVariable>();
  for (const [key, variable] of asMap(child(root, 'variables'))?.entries ?? []) {
    if (inherits(inherit, 'variables', key)) variables.set(key, readVariable(key, variable.value));
  }
  for (const [key, variable] of asMap(child(config, 'variables'))?.entries ?? []) {
    variables.set(key, readVariable(key, variable.value));
  }
  return {
    name,
    keyRange,
    config,
    variables,
    caches: readCaches(config),
    incomplete: hasInclude || resolved.unresolved,
  };
}

/** `inherit: { default: false | [keys], variables: false | [names] }`; the default is to inherit. */
function inherits(inherit: YNode | undefined, kind: 'default' | 'variables', key: string): boolean {
  const setting = child(inherit, kind);
  if (setting === undefined) return true;
  if (setting.kind === 'scalar') return setting.value !== false && setting.text !== 'false';
  return scalarList(setting).some((s) => s.text === key);
}

function readVariable(name: string, node: YNode): GitlabVariable {
  // A variable is `NAME: value` or `NAME: { value: ..., description: ... }`.
  const value = node.kind === 'map' ? child(node, 'value') : node;
  return value?.kind === 'scalar' && value.value !== null ? { name, value } : { name };
}

function readCaches(config: YMap): GitlabCache[] {
  const cache = child(config, 'cache');
  if (!cache) return [];
  const nodes = cache.kind === 'seq' ? cache.items : [cache];
  return nodes.flatMap((node) => {
    if (node.kind !== 'map') return [];
    return [
      {
        node,
        paths: scalarList(child(node, 'paths')),
        key: child(node, 'key'),
        policy: text(child(node, 'policy')) ?? 'pull-push',
      },
    ];
  });
}

interface Resolved {
  map: YMap;
  unresolved: boolean;
}

/** GitLab `extends:`: parents in order, later parents and then the job itself override, mappings merged deeply. */
class ExtendsResolver {
  constructor(private readonly root: YMap) {}

  resolve(name: string, depth: number, seen: ReadonlySet<string>): Resolved {
    const own = asMap(child(this.root, name))!;
    const parents = scalarList(child(own, 'extends')).map((s) => s.text);
    let merged: Resolved | undefined;
    let unresolved = false;
    for (const parent of parents) {
      const known = asMap(child(this.root, parent));
      if (!known || seen.has(parent) || depth >= MAX_EXTENDS_DEPTH) {
        unresolved = true;
        continue;
      }
      const resolved = this.resolve(parent, depth + 1, new Set([...seen, name]));
      merged = merged
        ? { map: deepMerge(merged.map, resolved.map), unresolved: merged.unresolved }
        : resolved;
      unresolved ||= resolved.unresolved;
    }
    return {
      map: merged ? deepMerge(merged.map, own) : own,
      unresolved: unresolved || Boolean(merged?.unresolved),
    };
  }
}

/** GitLab's extends merge: mappings merge key by key, anything else is replaced by the overriding value. */
function deepMerge(base: YMap, over: YMap): YMap {
  const entries = new Map(base.entries);
  for (const [key, entry] of over.entries) {
    const under = entries.get(key);
    if (under?.value.kind === 'map' && entry.value.kind === 'map' && key !== 'extends') {
      entries.set(key, { ...entry, value: deepMerge(under.value, entry.value) });
    } else {
      entries.set(key, entry);
    }
  }
  // The merged mapping exists in no single place in the text: mark it so edits go to its entries instead.
  return { ...over, entries, viaAlias: true };
}

/**
 * The top-level entry whose text holds `offset`: the job, hidden template, `default:` or root keyword a
 * node was written in. `global` is true for `default:` and root keywords, whose settings every job gets.
 */
export function writtenIn(
  ci: GitlabCi,
  offset: number,
): { name: string; map?: YMap; global: boolean } | undefined {
  for (const [name, entry] of ci.root.entries) {
    const [start, end] = entry.value.range;
    if (offset >= start && offset < end) {
      const global = KEYWORDS.has(name);
      return { name, map: entry.value.kind === 'map' ? entry.value : undefined, global };
    }
  }
  return undefined;
}
