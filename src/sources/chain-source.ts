import type { Readable } from 'node:stream';
import { NotFoundError, UpstreamError } from './errors.js';
import type { NewVersionsListener, Source } from './source.js';

export interface ChainEntry {
  source: Source;
  /** `|` after the entry in GOPROXY syntax: fall through on any error, not only on not-found. */
  fallBackOnError: boolean;
}

/**
 * An ordered list of sources with the go command's GOPROXY semantics (modfetch TryProxies): the next entry
 * is tried after a not-found answer, or after any error when the entry was followed by `|`. The error
 * reported is the last one of the highest rank seen (not-found ranks below any other error), as go does.
 */
export class ChainSource implements Source {
  readonly name: string;

  constructor(private readonly entries: readonly ChainEntry[]) {
    if (entries.length === 0) throw new Error('an upstream chain needs at least one source');
    this.name = entries
      .map((e, i) => e.source.name + (i < entries.length - 1 ? (e.fallBackOnError ? '|' : ',') : ''))
      .join('');
  }

  list(module: string): Promise<string> {
    return this.try((s) => s.list(module));
  }

  latest(module: string): Promise<Buffer> {
    return this.try((s) => s.latest(module));
  }

  info(module: string, query: string): Promise<Buffer> {
    return this.try((s) => s.info(module, query));
  }

  mod(module: string, version: string): Promise<Buffer> {
    return this.try((s) => s.mod(module, version));
  }

  zip(module: string, version: string): Promise<Readable> {
    return this.try((s) => s.zip(module, version));
  }

  /**
   * Not buildsLocally: which entry will answer a version's `.mod` and `.zip` is known only by asking. Its git
   * source still reports what it finds.
   */
  watchNewVersions(listener: NewVersionsListener): void {
    for (const { source } of this.entries) source.watchNewVersions?.(listener);
  }

  private async try<T>(call: (source: Source) => Promise<T>): Promise<T> {
    let best: { error: Error; rank: number } | undefined;
    for (const entry of this.entries) {
      try {
        return await call(entry.source);
      } catch (err) {
        const error =
          err instanceof NotFoundError || err instanceof UpstreamError ? err : new UpstreamError(String(err));
        const rank = error instanceof NotFoundError ? 0 : 1;
        if (!best || rank >= best.rank) best = { error, rank };
        if (rank > 0 && !entry.fallBackOnError) break;
      }
    }
    throw best!.error;
  }
}
