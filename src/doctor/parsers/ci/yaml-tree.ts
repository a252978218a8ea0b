import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, Scalar } from 'yaml';

/**
 * A YAML node with aliases and `<<` merge keys followed. `range` is [start, end) in the source text of the
 * node's value; `viaAlias` marks nodes reached through an alias or a merge, whose text is shared with
 * other places, so fixes must not edit them.
 */
export type YNode = YMap | YSeq | YScalar;

interface YBase {
  readonly range: readonly [number, number];
  readonly viaAlias: boolean;
  /** `{...}` / `[...]` flow style rather than block style. */
  readonly flow: boolean;
}

export interface YEntry {
  readonly key: string;
  readonly keyRange: readonly [number, number];
  readonly value: YNode;
  /** True when the entry comes from a `<<` merge rather than being written in this mapping. */
  readonly merged: boolean;
}

export interface YMap extends YBase {
  readonly kind: 'map';
  readonly entries: ReadonlyMap<string, YEntry>;
}

export interface YSeq extends YBase {
  readonly kind: 'seq';
  readonly items: readonly YNode[];
}

export interface YScalar extends YBase {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  /** The value as a string (`''` for null), as GitHub and GitLab read scalars in string positions. */
  readonly text: string;
  /** The yaml library's scalar style: PLAIN, QUOTE_SINGLE, QUOTE_DOUBLE, BLOCK_LITERAL or BLOCK_FOLDED. */
  readonly style: string;
}

/** Nesting beyond this is not a CI file; refusing it keeps recursion bounded. */
const MAX_DEPTH = 256;

export function buildTree(doc: Document, node: Node): YNode {
  return build(doc, node, false, 0);
}

function build(doc: Document, node: unknown, viaAlias: boolean, depth: number): YNode {
  if (depth > MAX_DEPTH) throw new RangeError(`nested deeper than ${MAX_DEPTH} levels`);
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return target ? build(doc, target, true, depth + 1) : nullScalar(node.range?.[0] ?? 0, true);
  }
  const range = rangeOf(node);
  const flow = Boolean((node as { flow?: boolean }).flow);
  if (isMap(node)) {
    const entries = new Map<string, YEntry>();
    const merges: YNode[] = [];
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = pair.key;
      if (typeof key.value === 'symbol' || key.source === '<<') {
        merges.push(build(doc, pair.value, true, depth + 1));
        continue;
      }
      const keyRange = rangeOf(key);
      const value = pair.value
        ? build(doc, pair.value, viaAlias, depth + 1)
        : nullScalar(keyRange[1], viaAlias);
      entries.set(String(key.value), { key: String(key.value), keyRange, value, merged: false });
    }
    // YAML merge semantics: keys written in the mapping win, then earlier merge sources win over later ones.
    for (const source of merges.flatMap((m) => (m.kind === 'seq' ? m.items : [m]))) {
      if (source.kind !== 'map') continue;
      for (const [key, entry] of source.entries) {
        if (!entries.has(key)) entries.set(key, { ...entry, merged: true });
      }
    }
    return { kind: 'map', range, viaAlias, flow, entries };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) => build(doc, item, viaAlias, depth + 1));
    return { kind: 'seq', range, viaAlias, flow, items };
  }
  if (isScalar(node)) {
    const value = node.value;
    const plain = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    return {
      kind: 'scalar',
      range,
      viaAlias,
      flow,
      value: plain ? value : null,
      text: plain ? String(value) : '',
      style: node.type ?? Scalar.PLAIN,
    };
  }
  return nullScalar(range[0], viaAlias);
}

function rangeOf(node: unknown): [number, number] {
  const range = (node as { range?: [number, number, number] | null }).range;
  return range ? [range[0], range[1]] : [0, 0];
}

function nullScalar(offset: number, viaAlias: boolean): YScalar {
  return {
    kind: 'scalar',
    range: [offset, offset],
    viaAlias,
    flow: false,
    value: null,
    text: '',
    style: 'PLAIN',
  };
}

/** The value under `key` when `node` is a mapping. */
export function child(node: YNode | undefined, key: string): YNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value : undefined;
}

export function asMap(node: YNode | undefined): YMap | undefined {
  return node?.kind === 'map' ? node : undefined;
}

export function asScalar(node: YNode | undefined): YScalar | undefined {
  return node?.kind === 'scalar' ? node : undefined;
}

/** A scalar's string form, or undefined for mappings, sequences and missing nodes. */
export function text(node: YNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.value !== null ? node.text : undefined;
}

/** A scalar or every scalar of a sequence: the shape of `branches:`, `paths:`, `extends:` and the like. */
export function scalarList(node: YNode | undefined): YScalar[] {
  if (node?.kind === 'scalar') return node.value === null ? [] : [node];
  if (node?.kind === 'seq') return node.items.filter((item): item is YScalar => item.kind === 'scalar');
  return [];
}
