import type { Subject } from '../auth/access-policy.js';
import { checkSumdbPath } from '../proxy/sumdb-backend.js';
import { parseProxyPath } from './request-path.js';

/**
 * What a request path is about, for the access policy: the module a GOPROXY path or a checksum-database
 * lookup names, modgate's own database's data tiles (which list modules), or nothing. A path that does not
 * parse names nothing; its route answers it with the protocol's 404.
 */
export function requestSubject(
  url: string,
  sumdbNames: readonly string[],
  ownDb: string | undefined,
): Subject {
  const path = url.split('?', 1)[0]!;
  if (path === '/metrics') return { kind: 'admin' };
  if (path === '/healthz' || path === '/readyz') return { kind: 'open' };
  try {
    if (path.startsWith('/sumdb/')) {
      const rest = decodeURIComponent(path.slice('/sumdb/'.length));
      const name = sumdbNames.find((n) => rest.startsWith(`${n}/`));
      if (!name) return { kind: 'open' };
      const request = checkSumdbPath(rest.slice(name.length + 1));
      if (request.kind === 'lookup') return { kind: 'module', path: request.module };
      if (request.kind === 'tile' && request.tile.L === -1 && name === ownDb) return { kind: 'all-modules' };
      return { kind: 'open' };
    }
    return { kind: 'module', path: parseProxyPath(path).module };
  } catch {
    return { kind: 'open' };
  }
}
