import { parseDuration, parseSize } from './units.js';

/** One configurable setting of `modgate serve`: a YAML key, a MODGATE_* variable and a --flag. */
export interface Setting<T> {
  key: string;
  description: string;
  default: T;
  /** What a valid value looks like, for error messages. */
  expected: string;
  parse: (raw: string | number | boolean) => T | undefined;
}

const integer = (min: number, max: number) => (raw: string | number | boolean) => {
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};
const text = (raw: string | number | boolean) =>
  typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
const duration = (raw: string | number | boolean) =>
  typeof raw === 'boolean' ? undefined : parseDuration(raw);
const size = (raw: string | number | boolean) => (typeof raw === 'boolean' ? undefined : parseSize(raw));
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: string | number | boolean) =>
    values.find((v) => v === raw);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every setting, with its embedded default: `modgate serve` with no configuration at all runs with these. */
export const SERVE_SETTINGS = {
  port: {
    key: 'port',
    description: 'TCP port to listen on (0 picks a free one)',
    default: 3000,
    expected: 'an integer from 0 to 65535',
    parse: integer(0, 65535),
  },
  host: {
    key: 'host',
    description: 'address to listen on',
    default: '0.0.0.0',
    expected: 'an IP address or host name',
    parse: text,
  },
  tlsCert: {
    key: 'tlsCert',
    description:
      'PEM certificate (chain) file to serve HTTPS, with tlsKey; go sends .netrc credentials only over HTTPS',
    default: '',
    expected: 'a file path',
    parse: text,
  },
  tlsKey: {
    key: 'tlsKey',
    description: 'PEM private key file for tlsCert',
    default: '',
    expected: 'a file path',
    parse: text,
  },
  data: {
    key: 'data',
    description: 'storage directory, laid out like $GOMODCACHE/cache/download',
    default: './modgate-data',
    expected: 'a directory path',
    parse: text,
  },
  upstream: {
    key: 'upstream',
    description:
      'upstream GOPROXY list: URLs and file:// trees separated by "," (fall through on not-found) or "|" (on any error), or "off"',
    default: 'https://proxy.golang.org',
    expected:
      'a GOPROXY-style list such as "https://proxy.golang.org" or "https://a|https://b,file:///srv/tree"',
    parse: text,
  },
  sumdb: {
    key: 'sumdb',
    description:
      'checksum databases proxied at /sumdb/<name>/ so builds verify without reaching them: "off", or a comma-separated list of name or name=URL',
    default: 'sum.golang.org',
    expected: 'off, or names such as "sum.golang.org" or "sum.example.com=https://sum.example.com"',
    parse: text,
  },
  checksumDb: {
    key: 'checksumDb',
    description:
      'checksum database every public module is verified against before it is stored, written like GOSUMDB: a known name, "<name>+<hash>+<key> [URL]", or "off"',
    default: 'sum.golang.org',
    expected:
      'off, sum.golang.org, or a verifier key such as "sum.example.com+1234abcd+AbC... https://sum.example.com"',
    parse: text,
  },
  private: {
    key: 'private',
    description:
      'private module path patterns, written like GOPRIVATE: never sent to the public checksum database, and hidden from logs',
    default: '',
    expected: 'comma-separated glob patterns such as "git.corp.example,github.com/acme/*"',
    parse: (raw: string | number | boolean) => (typeof raw === 'string' ? raw.trim() : undefined),
  },
  privateUpstream: {
    key: 'privateUpstream',
    description:
      'where modules matching "private" come from, in the upstream list syntax ("off": nowhere); they are never sent to "upstream"',
    default: 'off',
    expected: 'a GOPROXY-style list such as "https://athens.corp.example" or "off"',
    parse: text,
  },
  privateChecksumDb: {
    key: 'privateChecksumDb',
    description:
      'name of the checksum database modgate serves at /sumdb/<name>/ for every module it serves, private ones included ("off" for none); `modgate sumdb key` prints its GOSUMDB value',
    default: 'off',
    expected: 'off, or a name such as "sum.corp.example"',
    parse: text,
  },
  auth: {
    key: 'auth',
    description:
      'modules that need a client token, as GOPRIVATE-style patterns ("*" for all), or "off"; tokens come from `modgate token create`',
    default: 'off',
    expected: 'off, *, or patterns such as "corp.example,github.com/acme/*"',
    parse: text,
  },
  authDeniedStatus: {
    key: 'authDeniedStatus',
    description:
      'status for a valid token without the scope for a module: 403, or 404 to hide that it exists',
    default: 403 as 403 | 404,
    expected: '403 or 404',
    parse: (raw: string | number | boolean) => ([403, 404] as const).find((s) => String(s) === String(raw)),
  },
  rateLimit: {
    key: 'rateLimit',
    description:
      'requests per minute per token (per client address without one), answered 429 beyond; 0 for none',
    default: 0,
    expected: 'an integer from 0 to 1000000',
    parse: integer(0, 1_000_000),
  },
  logLevel: {
    key: 'logLevel',
    description: 'log level',
    default: 'info',
    expected: LOG_LEVELS.join(', '),
    parse: oneOf(LOG_LEVELS),
  },
  listTtl: {
    key: 'listTtl',
    description: 'how long @v/list, @latest and query answers are served without asking upstream',
    default: 60_000,
    expected: 'a duration such as 60s or 5m',
    parse: duration,
  },
  staleWhileRevalidate: {
    key: 'staleWhileRevalidate',
    description: 'after listTtl, how long a stale answer is served while refreshing in the background',
    default: 600_000,
    expected: 'a duration such as 10m',
    parse: duration,
  },
  notFoundTtl: {
    key: 'notFoundTtl',
    description: 'how long a not-found answer is remembered',
    default: 30_000,
    expected: 'a duration such as 30s (0 disables)',
    parse: duration,
  },
  upstreamConnectTimeout: {
    key: 'upstreamConnectTimeout',
    description: 'time to connect to an upstream',
    default: 10_000,
    expected: 'a duration such as 10s',
    parse: duration,
  },
  upstreamResponseTimeout: {
    key: 'upstreamResponseTimeout',
    description: 'time for an upstream to start answering',
    default: 30_000,
    expected: 'a duration such as 30s',
    parse: duration,
  },
  upstreamIdleTimeout: {
    key: 'upstreamIdleTimeout',
    description: 'longest silence while an upstream sends a body',
    default: 60_000,
    expected: 'a duration such as 60s',
    parse: duration,
  },
  upstreamRetries: {
    key: 'upstreamRetries',
    description: 'retries on network errors, 429 and 5xx (never on 404/410)',
    default: 2,
    expected: 'an integer from 0 to 10',
    parse: integer(0, 10),
  },
  workers: {
    key: 'workers',
    description: 'HTTP worker processes sharing the data directory (still one upstream fetch per artifact)',
    default: 1,
    expected: 'an integer from 1 to 64',
    parse: integer(1, 64),
  },
  memoryCache: {
    key: 'memoryCache',
    description: 'memory per worker for hot artifacts (objects up to 1 MiB)',
    default: 64 << 20,
    expected: 'a size such as 64MiB',
    parse: size,
  },
} satisfies Record<string, Setting<unknown>>;

export type ServeConfig = { [K in keyof typeof SERVE_SETTINGS]: (typeof SERVE_SETTINGS)[K]['default'] };

export const envName = (key: string) => `MODGATE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
export const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
