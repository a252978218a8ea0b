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
 * Builds the upstream chain from a GOPROXY-syntax list (`https://a|https://b,file:///srv/tree,direct`).
 * `direct` is the git source, as in GOPROXY it is the origin repositories. Throws an Error naming the bad
 * entry; callers report it as a configuration error.
 */
export function createUpstream(
  list: string,
  dispatcher: Dispatcher,
  userAgent: string,
  options: { offReason?: string; direct?: Source } = {},
): Source {
  const entries: ChainEntry[] = [];
  for (const entry of parseProxyList(list)) {
    let source: Source;
    if (entry.kind === 'direct') {
      if (!options.direct) throw new Error('"direct" (fetching from git) is not available here');
      source = options.direct;
    } else if (entry.kind === 'off') {
      source = new OffSource(options.offReason ?? 'module lookup disabled by upstream "off"');
    } else {
      source = entry.url.startsWith('file:')
        ? new FileProxySource(entry.url)
        : new HttpProxySource(entry.url, dispatcher, userAgent);
    }
    entries.push({ source, fallBackOnError: entry.fallBackOnError });
  }
  if (entries.length === 0)
    throw new Error('the upstream list is empty: give at least one GOPROXY URL, direct or "off"');
  return entries.length === 1 ? entries[0]!.source : new ChainSource(entries);
}
