import type { Readable } from 'node:stream';
import { matchPrefixPatterns } from '../gomod/patterns.js';
import type { NewVersionsListener, Source } from './source.js';

/**
 * Sends each module to the source for its kind: modules matching the private patterns (GOPRIVATE syntax) to
 * the private source, every other module to the public one. A private module path therefore never reaches a
 * public upstream, not even as a probe for a path prefix (go asks for `a/b/c`, `a/b`, `a` in turn, and each
 * is routed on its own).
 */
export class RoutedSource implements Source {
  readonly name: string;

  constructor(
    private readonly privatePatterns: string,
    private readonly publicSource: Source,
    private readonly privateSource: Source,
  ) {
    this.name = `${publicSource.name} (private modules: ${privateSource.name})`;
  }

  list(module: string): Promise<string> {
    return this.for(module).list(module);
  }

  latest(module: string): Promise<Buffer> {
    return this.for(module).latest(module);
  }

  info(module: string, query: string): Promise<Buffer> {
    return this.for(module).info(module, query);
  }

  mod(module: string, version: string): Promise<Buffer> {
    return this.for(module).mod(module, version);
  }

  zip(module: string, version: string): Promise<Readable> {
    return this.for(module).zip(module, version);
  }

  buildsLocally(module: string): boolean {
    return this.for(module).buildsLocally?.(module) ?? false;
  }

  /** A source shared by both routes (one git source for all) keeps one registration of a listener. */
  watchNewVersions(listener: NewVersionsListener): void {
    this.publicSource.watchNewVersions?.(listener);
    this.privateSource.watchNewVersions?.(listener);
  }

  private for(module: string): Source {
    return matchPrefixPatterns(this.privatePatterns, module) ? this.privateSource : this.publicSource;
  }
}
