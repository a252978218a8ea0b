/**
 * GOPROXY list parsing, as cmd/go/internal/modfetch's proxyList and newProxyRepo do it (Go 1.23), including
 * the net/url.Parse checks that decide whether an entry is acceptable. What the entries mean is the caller's.
 */
import { goQuote, goTrimSpace } from './errors.js';

export type ProxyEntry =
  | { kind: 'proxy'; url: string; fallBackOnError: boolean }
  | { kind: 'direct'; fallBackOnError: boolean }
  | { kind: 'off'; fallBackOnError: boolean };

/**
 * Splits on `,` (fall through only on 404/410) and `|` (fall through on any error); the separator after an
 * entry sets its fallBackOnError. `off` and `direct` end the list. '' gives []; a non-empty list without
 * entries (`,`) and an entry Go would reject throw an Error naming the problem.
 */
export function parseProxyList(value: string): ProxyEntry[] {
  const list: ProxyEntry[] = [];
  let rest = value;
  while (rest !== '') {
    let entry: string;
    let fallBackOnError = false;
    const i = rest.search(/[,|]/);
    if (i >= 0) {
      entry = rest.slice(0, i);
      fallBackOnError = rest[i] === '|';
      rest = rest.slice(i + 1);
    } else {
      entry = rest;
      rest = '';
    }
    entry = goTrimSpace(entry);
    if (entry === '') continue;
    if (entry === 'off') {
      list.push({ kind: 'off', fallBackOnError });
      break;
    }
    if (entry === 'direct') {
      // Go reserves what follows "direct" for future use and ignores it.
      list.push({ kind: 'direct', fallBackOnError });
      break;
    }
    // Single words are reserved for built-in behaviours; anything else without a scheme is an https host.
    if (/[.:/]/.test(entry) && !entry.includes(':/') && !entry.startsWith('/')) entry = `https://${entry}`;
    checkProxyURL(entry);
    list.push({ kind: 'proxy', url: entry, fallBackOnError });
  }
  if (value !== '' && list.length === 0) {
    throw new Error(`GOPROXY list is not the empty string, but contains no entries: ${goQuote(value)}`);
  }
  return list;
}

/** newProxyRepo's checks: http, https, or a file URL that is nothing but a path. */
function checkProxyURL(raw: string): void {
  const u = parseURL(raw);
  const shown = redact(raw);
  switch (u.scheme) {
    case 'http':
    case 'https':
      return;
    case 'file':
      if (
        u.opaque !== '' ||
        u.hasUser ||
        u.host !== '' ||
        u.rawQuery !== '' ||
        u.forceQuery ||
        u.fragment !== '' ||
        u.omitHost
      ) {
        throw new Error(`invalid file:// proxy URL with non-path elements: ${shown}`);
      }
      return;
    case '':
      throw new Error(`invalid proxy URL missing scheme: ${shown}`);
    default:
      throw new Error(`invalid proxy URL scheme (must be https, http, file): ${shown}`);
  }
}

interface GoURL {
  scheme: string;
  opaque: string;
  hasUser: boolean;
  host: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
  omitHost: boolean;
}

/** The parts of Go's net/url.Parse that matter here, with its errors (`parse "u": invalid port ":x" after host`). */
function parseURL(raw: string): GoURL {
  const fail = (reason: string): never => {
    throw new Error(`parse ${goQuote(redact(raw))}: ${reason}`);
  };
  const hash = raw.indexOf('#');
  const main = hash >= 0 ? raw.slice(0, hash) : raw;
  const fragment = hash >= 0 ? raw.slice(hash + 1) : '';
  const u: GoURL = {
    scheme: '',
    opaque: '',
    hasUser: false,
    host: '',
    rawQuery: '',
    forceQuery: false,
    fragment: '',
    omitHost: false,
  };
  if ([...main].some((c) => c < ' ' || c === '\x7f')) fail('net/url: invalid control character in URL');
  if (main === '*') return u;
  let rest = main;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(main);
  if (main.startsWith(':')) fail('missing protocol scheme');
  if (scheme) {
    u.scheme = scheme[1]!.toLowerCase();
    rest = main.slice(scheme[0].length);
  }
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else if (rest.includes('?')) {
    u.rawQuery = rest.slice(rest.indexOf('?') + 1);
    rest = rest.slice(0, rest.indexOf('?'));
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return withFragment(u, fragment, fail);
    }
    if (rest.split('/', 1)[0]!.includes(':')) fail('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    u.host = parseHost(at < 0 ? authority : authority.slice(at + 1), fail);
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) fail('net/url: invalid userinfo');
      for (const part of userinfo.split(':', 2)) checkEscapes(part, fail);
      u.hasUser = true;
    }
  } else if (u.scheme !== '' && rest.startsWith('/')) {
    u.omitHost = true;
  }
  checkEscapes(rest, fail);
  return withFragment(u, fragment, fail);
}

function withFragment(u: GoURL, fragment: string, fail: (reason: string) => never): GoURL {
  checkEscapes(fragment, fail);
  u.fragment = fragment;
  return u;
}

function parseHost(host: string, fail: (reason: string) => never): string {
  let port = '';
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) fail("missing ']' in host");
    port = host.slice(close + 1);
  } else if (host.includes(':')) {
    port = host.slice(host.lastIndexOf(':'));
  }
  if (port !== '' && !/^:[0-9]*$/.test(port)) fail(`invalid port ${goQuote(port)} after host`);
  // Hosts may %-encode only non-ASCII bytes (and %25 in an IPv6 zone), and must not hold other punctuation.
  for (let i = 0; i < host.length; i++) {
    const c = host[i]!;
    if (c === '%') {
      const esc = host.slice(i, i + 3);
      if (!/^%[0-9A-Fa-f]{2}$/.test(esc) || (Number.parseInt(esc[1]!, 16) < 8 && esc !== '%25')) {
        fail(`invalid URL escape ${goQuote(esc)}`);
      }
      i += 2;
    } else if (c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~]/.test(c)) {
      fail(`invalid character ${goQuote(c)} in host name`);
    }
  }
  return host;
}

/** Every `%` must start a two-digit hex escape. */
function checkEscapes(s: string, fail: (reason: string) => never): void {
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 3)) {
    if (!/^%[0-9A-Fa-f]{2}/.test(s.slice(i))) fail(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
  }
}

/** url.Redacted: a password in the URL is shown as xxxxx, so errors can be logged. */
function redact(raw: string): string {
  return raw.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*@)?/,
    (whole, prefix: string, userinfo?: string) => {
      if (!userinfo) return whole;
      const colon = userinfo.indexOf(':');
      return colon < 0 ? whole : `${prefix}${userinfo.slice(0, colon)}:xxxxx@`;
    },
  );
}
