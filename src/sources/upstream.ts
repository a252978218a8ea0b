import type { Dispatcher } from 'undici';
import { parseProxyList } from '../gomod/proxy-list.js';
import { type ChainEntry, ChainSource } from './chain-source.js';
import { NotFoundError } from './errors.js';
import { FileProxySource } from './file-proxy-source.js';
import { HttpProxySource } from './http-proxy-source.js';
import type { Source } from './source.js';

/** GOPROXY=off: nothing comes from upstream, modgate serves only what it has stored. */
class OffSource implements Source {
  readonly name = 'off';
  constructor(private readonly reason: string) {}
  private refuse(): Promise<never> {
    return Promise.reject(new NotFoundError(this.reason));
  }
  list = () => this.refuse();
  latest = () => this.refuse();
  info = () => this.refuse();
  mod = () => this.refuse();
  zip = () => this.refuse();
}

/**
 * Builds the upstream chain from a GOPROXY-syntax list (`https://a|https://b,file:///srv/tree,off`).
 * Throws an Error naming the bad entry; callers report it as a configuration error.
 */
export function createUpstream(
  list: string,
  dispatcher: Dispatcher,
  userAgent: string,
  offReason = 'module lookup disabled by upstream "off"',
): Source {
  const entries: ChainEntry[] = [];
  for (const entry of parseProxyList(list)) {
    if (entry.kind === 'direct') {
      throw new Error(
        '"direct" is not available as an upstream: modgate fetches from GOPROXY servers and file:// trees; list only those',
      );
    }
    const source =
      entry.kind === 'off'
        ? new OffSource(offReason)
        : entry.url.startsWith('file:')
          ? new FileProxySource(entry.url)
          : new HttpProxySource(entry.url, dispatcher, userAgent);
    entries.push({ source, fallBackOnError: entry.fallBackOnError });
  }
  if (entries.length === 0)
    throw new Error('the upstream list is empty: give at least one GOPROXY URL or "off"');
  return entries.length === 1 ? entries[0]!.source : new ChainSource(entries);
}
