import { unescapePath, unescapeVersion } from '../gomod/escape.js';
import { BadRequestError } from '../proxy/errors.js';

export type ProxyRequest =
  | { endpoint: 'list' | 'latest'; module: string }
  | { endpoint: 'info' | 'mod' | 'zip'; module: string; version: string };

/** Longer paths cannot name a real module, and their elements would not fit in a file name. */
const MAX_PATH_BYTES = 1024;
const MAX_ELEMENT_BYTES = 200;

/**
 * Turns a GOPROXY request path into a module request. The path is percent-decoded first (the go command
 * sends `!` as `%21`), then the `!x` case-encoding is undone, and the results pass Go's own path and version
 * checks, so nothing hostile (`..`, `%2e%2e`, bad escapes, over-long names) reaches a store or an upstream.
 */
export function parseProxyPath(rawUrl: string): ProxyRequest {
  const rawPath = rawUrl.split('?', 1)[0]!;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new BadRequestError(`malformed percent-encoding in request path ${JSON.stringify(rawPath)}`);
  }
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw new BadRequestError(`request path is longer than ${MAX_PATH_BYTES} bytes`);
  }
  if (path.split('/').some((element) => Buffer.byteLength(element) > MAX_ELEMENT_BYTES)) {
    throw new BadRequestError(`a path element is longer than ${MAX_ELEMENT_BYTES} bytes`);
  }
  if (path.endsWith('/@latest')) {
    return { endpoint: 'latest', module: modulePath(path.slice(1, -'/@latest'.length)) };
  }
  const at = path.indexOf('/@v/');
  if (at < 0) {
    throw new BadRequestError(
      `not a GOPROXY path: expected <module>/@v/list, <module>/@v/<version>.info|.mod|.zip or <module>/@latest`,
    );
  }
  const module = modulePath(path.slice(1, at));
  const rest = path.slice(at + '/@v/'.length);
  if (rest === 'list') return { endpoint: 'list', module };
  const match = /^([^/]+)\.(info|mod|zip)$/.exec(rest);
  if (!match) {
    throw new BadRequestError(
      `unknown file ${JSON.stringify(rest)} under ${module}/@v/: expected list, <version>.info, .mod or .zip`,
    );
  }
  return { endpoint: match[2] as 'info' | 'mod' | 'zip', module, version: version(match[1]!) };
}

function modulePath(escaped: string): string {
  try {
    return unescapePath(escaped);
  } catch (err) {
    throw new BadRequestError((err as Error).message);
  }
}

function version(escaped: string): string {
  try {
    return unescapeVersion(escaped);
  } catch (err) {
    throw new BadRequestError((err as Error).message);
  }
}
