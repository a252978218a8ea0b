import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVE_SETTINGS } from '../../src/cli/settings.js';
import { settingValue } from './serve-args.js';
import { artifactsDir, TEST_NAME } from './suite-artifacts.js';

/**
 * Every credential the suite configures, so that the secret scan after the suite knows what to look for. The
 * helpers that make or hand out credentials register them; tests rarely need to.
 */
export const SECRET_KINDS = [
  'client token',
  'password in a URL',
  'git token',
  'ssh private key',
  'tls private key',
  's3 secret key',
  'redis password',
] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export interface RegisteredSecret {
  kind: SecretKind;
  value: string;
  /** The test file that configured it. */
  origin: string;
}

/** Shorter secrets would match by chance somewhere in megabytes of zips and logs. */
export const MIN_SECRET_LENGTH = 6;
const REGISTRY_FILE = 'secrets.jsonl';

export function registerSecret(kind: SecretKind, value: string): void {
  if (value.length < MIN_SECRET_LENGTH)
    throw new Error(
      `a ${kind} of ${value.length} characters is too short for the suite's secret scan to look for without false alarms: configure one of at least ${MIN_SECRET_LENGTH}`,
    );
  const dir = artifactsDir();
  if (!dir) return;
  const entry: RegisteredSecret = { kind, value, origin: TEST_NAME };
  appendFileSync(join(dir, REGISTRY_FILE), `${JSON.stringify(entry)}\n`);
}

/** The secrets registered in an artifacts directory, none when no test registered one. */
export function readSecretRegistry(dir: string): RegisteredSecret[] {
  const path = join(dir, REGISTRY_FILE);
  return (existsSync(path) ? readFileSync(path, 'utf8') : '')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RegisteredSecret);
}

/**
 * A private key file (SSH or TLS, PEM-armoured): each line of its base64 body but the first is a secret, as
 * the first is a header every key of its type shares. Whole lines are what a leaked key file shows.
 */
export function registerPrivateKey(kind: 'ssh private key' | 'tls private key', pem: string): void {
  const body = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
  for (const line of body.slice(1)) if (line.length >= MIN_SECRET_LENGTH) registerSecret(kind, line);
}

/**
 * Registers the credentials in a modgate command line and environment, as tests hand them to modgate: user
 * passwords inside URLs (upstreams, redis, s3://), every token of the secret settings (git tokens) and the
 * S3 secret key. (The .netrc files of the suite hold client tokens and git passwords, registered where made.)
 */
export function registerModgateCredentials(
  args: readonly string[],
  env: Record<string, string | undefined>,
): void {
  const values = [...args, ...Object.values(env)].filter((v): v is string => v !== undefined);
  for (const value of values)
    for (const match of value.matchAll(/([a-z][a-z0-9+.-]*):\/\/[^/@\s:]*:([^/@\s]+)@/gi)) {
      const scheme = match[1]!.toLowerCase();
      const kind = scheme.startsWith('redis')
        ? 'redis password'
        : scheme === 's3'
          ? 's3 secret key'
          : 'password in a URL';
      registerSecret(kind, decodeURIComponent(match[2]!));
    }
  for (const token of gitTokens(settingValue(args, env, SERVE_SETTINGS.gitTokens.key)))
    registerSecret('git token', token);
  if (env.AWS_SECRET_ACCESS_KEY) registerSecret('s3 secret key', env.AWS_SECRET_ACCESS_KEY);
}

/**
 * The tokens of a `URL-prefix=token,URL-prefix=user:token` value, read leniently: tests also hand modgate
 * malformed values, whose tokens must not leak either.
 */
function gitTokens(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.slice(entry.indexOf('=') + 1).trim())
    .map((secret) => secret.slice(secret.indexOf(':') + 1))
    .filter((token) => token !== '');
}
