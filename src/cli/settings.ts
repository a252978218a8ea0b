import { parseDuration, parseSize } from './units.js';

/** One configurable setting of `modgate serve`: a YAML key, a MODGATE_* variable and a --flag. */
export interface Setting<T> {
  key: string;
  description: string;
  default: T;
  /** What a valid value looks like, for error messages. */
  expected: string;
  parse: (raw: string | number | boolean) => T | undefined;
  /** A credential: refused on the command line (argv is visible to every user) and never echoed. */
  secret?: boolean;
}

const integer = (min: number, max: number) => (raw: string | number | boolean) => {
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};
const text = (raw: string | number | boolean) =>
  typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
/** Text that may be empty (an empty list of patterns, an unset path). */
const optionalText = (raw: string | number | boolean) => (typeof raw === 'string' ? raw.trim() : undefined);
const duration = (raw: string | number | boolean) =>
  typeof raw === 'boolean' ? undefined : parseDuration(raw);
const size = (raw: string | number | boolean) => (typeof raw === 'boolean' ? undefined : parseSize(raw));
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: string | number | boolean) =>
    values.find((v) => v === raw);

const boolean = (raw: string | number | boolean) =>
  typeof raw === 'boolean' ? raw : raw === 'true' ? true : raw === 'false' ? false : undefined;
/** A key prefix: slashes around it are dropped and one is put back at the end; no empty, . or .. segments. */
const keyPrefix = (raw: string | number | boolean) => {
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  return trimmed.split('/').some((part) => part === '' || part === '.' || part === '..')
    ? undefined
    : `${trimmed}/`;
};
const httpUrl = (raw: string | number | boolean) =>
  typeof raw === 'string' && /^https?:\/\/[^\s/]+(\/\S*)?$/.test(raw.trim()) ? raw.trim() : undefined;

const redisUrl = (raw: string | number | boolean) =>
  typeof raw === 'string' && /^(rediss?:\/\/\S+)?$/.test(raw.trim()) ? raw.trim() : undefined;

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
  store: {
    key: 'store',
    description:
      'where artifacts are kept: "fs" (the data directory) or "s3" (a bucket; the data directory then holds only locks and staging files)',
    default: 'fs' as 'fs' | 's3',
    expected: 'fs or s3',
    parse: oneOf(['fs', 's3'] as const),
  },
  s3Bucket: {
    key: 's3Bucket',
    description:
      'bucket for store s3; credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance roles)',
    default: '',
    expected: 'a bucket name',
    parse: text,
  },
  s3Prefix: {
    key: 's3Prefix',
    description: 'key prefix inside the bucket, so that one bucket can hold several caches',
    default: '',
    expected: 'a path such as "modgate/" with no empty, "." or ".." segments',
    parse: keyPrefix,
  },
  s3Endpoint: {
    key: 's3Endpoint',
    description: 'endpoint of an S3-compatible service (MinIO, Ceph RGW, R2, GCS); empty for AWS S3',
    default: '',
    expected: 'an http:// or https:// URL such as "https://minio.example:9000"',
    parse: httpUrl,
  },
  s3Region: {
    key: 's3Region',
    description:
      'bucket region; empty uses AWS_REGION, else us-east-1 (S3-compatible services mostly ignore it)',
    default: '',
    expected: 'a region name such as "eu-west-1" or "auto"',
    parse: text,
  },
  s3ForcePathStyle: {
    key: 's3ForcePathStyle',
    description:
      'address buckets as endpoint/bucket rather than bucket.endpoint, as MinIO and Ceph RGW usually need',
    default: false,
    expected: 'true or false',
    parse: boolean,
  },
  s3ChecksumMode: {
    key: 's3ChecksumMode',
    description:
      'when the AWS SDK adds and checks its CRC checksums: "when_required" (compatible with every service) or "when_supported" (AWS S3 and recent services)',
    default: 'when_required' as 'when_required' | 'when_supported',
    expected: 'when_required or when_supported',
    parse: oneOf(['when_required', 'when_supported'] as const),
  },
  s3ConditionalMultipart: {
    key: 's3ConditionalMultipart',
    description:
      'the service honours If-None-Match on CompleteMultipartUpload (AWS S3, MinIO), so large new zips may go up in parts; otherwise they go up in one request, the only create-if-absent every service honours',
    default: false,
    expected: 'true or false',
    parse: boolean,
  },
  upstream: {
    key: 'upstream',
    description:
      'upstream GOPROXY list: URLs, file:// trees and direct (the modules\' git repositories) separated by "," (fall through on not-found) or "|" (on any error), or "off"',
    default: 'https://proxy.golang.org',
    expected:
      'a GOPROXY-style list such as "https://proxy.golang.org" or "https://a|https://b,file:///srv/tree"',
    parse: text,
  },
  sumdb: {
    key: 'sumdb',
    description:
      'checksum databases proxied at /sumdb/<name>/ so builds verify without reaching them: "off", or a comma-separated list of name or name=URL, where a verifier key name+hash+key may stand for the name so that modgate stores only answers it authenticated',
    default: 'sum.golang.org',
    expected:
      'off, or names such as "sum.golang.org" or "sum.example.com=https://sum.example.com", or verifier keys in place of names',
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
    parse: optionalText,
  },
  privateUpstream: {
    key: 'privateUpstream',
    description:
      'where modules matching "private" come from, in the upstream list syntax (direct: their git repositories); they are never sent to "upstream"',
    default: 'direct',
    expected: 'a GOPROXY-style list such as "direct", "https://athens.corp.example,direct" or "off"',
    parse: text,
  },
  gitMappings: {
    key: 'gitMappings',
    description:
      'repositories for module paths go cannot resolve itself: comma-separated pattern=URL, with {root} or {path} in the URL',
    default: '',
    expected: 'e.g. "git.corp.example/*/*=ssh://git@git.corp.example/{path}.git"',
    parse: optionalText,
  },
  gitInsecure: {
    key: 'gitInsecure',
    description: 'module patterns (GOINSECURE syntax) that may be fetched over http:// and git://',
    default: '',
    expected: 'comma-separated glob patterns',
    parse: optionalText,
  },
  gitAllowHosts: {
    key: 'gitAllowHosts',
    description:
      'hosts (GOPRIVATE-style patterns) that module paths may lead to although they resolve to private or local addresses; others are refused (SSRF)',
    default: '',
    expected: 'comma-separated host patterns such as "git.corp.example,*.internal"',
    parse: optionalText,
  },
  gitTokens: {
    key: 'gitTokens',
    description:
      'HTTPS tokens for private git hosts: comma-separated URL-prefix=token or URL-prefix=user:token; environment or config file only',
    default: '',
    expected: 'e.g. "https://git.corp.example/=glpat-..., https://github.com/acme/=x-access-token:ghp_..."',
    parse: optionalText,
    secret: true,
  },
  gitNetrc: {
    key: 'gitNetrc',
    description: 'a .netrc file with credentials for private git hosts',
    default: '',
    expected: 'a file path',
    parse: optionalText,
  },
  gitSshKey: {
    key: 'gitSshKey',
    description:
      'an SSH private key for ssh:// repositories (with gitKnownHosts; hosts are checked strictly)',
    default: '',
    expected: 'a file path',
    parse: optionalText,
  },
  gitKnownHosts: {
    key: 'gitKnownHosts',
    description: 'the known_hosts file that SSH host keys are checked against',
    default: '',
    expected: 'a file path',
    parse: optionalText,
  },
  gitRefreshInterval: {
    key: 'gitRefreshInterval',
    description: 'how often a repository mirror asks its remote for new tags and branches',
    default: 60_000,
    expected: 'a duration such as 60s',
    parse: duration,
  },
  gitWatch: {
    key: 'gitWatch',
    description:
      'repositories used within this long are refreshed in the background every gitRefreshInterval, and the new versions found there are fetched and stored before anyone asks ("0" to refresh only on requests)',
    default: 3_600_000,
    expected: 'a duration such as 1h, or 0',
    parse: duration,
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
  redis: {
    key: 'redis',
    description:
      'Redis shared by replicas (several modgate serve on one bucket) so they fetch each artifact once between them; empty for none. Credentials go in the URL, best set through MODGATE_REDIS',
    default: '',
    expected: 'a redis:// or rediss:// URL such as "redis://:password@redis.internal:6379/0"',
    parse: redisUrl,
  },
  lockTtl: {
    key: 'lockTtl',
    description:
      'with redis, how long a fetch lock outlives a replica that crashed holding it (a live holder keeps extending it)',
    default: 30_000,
    expected: 'a duration from 1s, such as 30s',
    parse: (raw: string | number | boolean) => {
      const ms = duration(raw);
      return ms !== undefined && ms >= 1000 ? ms : undefined;
    },
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
