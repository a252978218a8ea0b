import type { Readable } from 'node:stream';
import { matchPrefixPatterns } from '../gomod/patterns.js';
import { ChainSource } from './chain-source.js';
import type { Source } from './source.js';

/** Where modules can come from: the upstream GOPROXY chain, or their git repositories. */
export type RouteTarget = 'upstream' | 'git';

/**
 * Modules matching `patterns` (GOPRIVATE syntax: comma-separated globs over leading path elements) come from
 * `from`, in order: a not-found answer from one falls through to the next, as in `GOPROXY=...,direct`.
 */
export interface Route {
  patterns: string;
  from: readonly RouteTarget[];
}

/**
 * Picks the source of each module by the first route whose patterns match, else the default. A module is
 * only ever asked of the sources its route names, so modules routed to git alone (private ones) never reach
 * a public upstream, not even as a lookup that fails.
 */
export class RoutedSource implements Source {
  readonly name: string;
  private readonly chains: Source[];
  private readonly fallback: Source;

  constructor(
    private readonly routes: readonly Route[],
    sources: Readonly<Partial<Record<RouteTarget, Source>>>,
    fallback: readonly RouteTarget[] = ['upstream'],
  ) {
    const chain = (from: readonly RouteTarget[], where: string): Source => {
      if (from.length === 0) throw new Error(`${where}: name at least one of upstream, git`);
      const entries = from.map((target) => {
        const source = sources[target];
        if (!source)
          throw new Error(`${where}: modules are routed to ${target}, but no ${target} source is configured`);
        return { source, fallBackOnError: false };
      });
      return entries.length === 1 ? entries[0]!.source : new ChainSource(entries);
    };
    this.chains = routes.map((route) => chain(route.from, `route ${JSON.stringify(route.patterns)}`));
    this.fallback = chain(fallback, 'default route');
    this.name = [...routes.map((r) => `${r.patterns}→${r.from.join(',')}`), `*→${fallback.join(',')}`].join(
      '; ',
    );
  }

  list(module: string): Promise<string> {
    return this.pick(module).list(module);
  }

  latest(module: string): Promise<Buffer> {
    return this.pick(module).latest(module);
  }

  info(module: string, query: string): Promise<Buffer> {
    return this.pick(module).info(module, query);
  }

  mod(module: string, version: string): Promise<Buffer> {
    return this.pick(module).mod(module, version);
  }

  zip(module: string, version: string): Promise<Readable> {
    return this.pick(module).zip(module, version);
  }

  private pick(module: string): Source {
    const i = this.routes.findIndex((route) => matchPrefixPatterns(route.patterns, module));
    return i < 0 ? this.fallback : this.chains[i]!;
  }
}
