/**
 * Percent-encodes a path the way the go command does (url.PathEscape per segment, `/` kept), so upstreams
 * see the same request lines they would see from go itself: `!` in case-encoded paths becomes `%21`.
 */
export function goPathEscape(path: string): string {
  return path
    .split('/')
    .map((segment) => segment.replace(/[^A-Za-z0-9\-._~$&+:=@]/gu, (c) => percentEncode(c)))
    .join('/');
}

function percentEncode(char: string): string {
  return [...Buffer.from(char, 'utf8')]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** A URL fit for logs and error messages: no user, no password. */
export function redactUrl(url: URL | string): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.toString().replace(/\/$/, '');
}

/** Hides the user and password of every URL inside a piece of text, such as a configuration value. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s"]*@/gi, '$1***@');
}
