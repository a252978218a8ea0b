import { resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import type { GitCredentialOptions } from '../sources/git/credentials.js';
import { GitSource } from '../sources/git/git-source.js';
import type { RepoMapping } from '../sources/git/repo-root.js';
import { PrivateNetworkGuard } from '../sources/private-network-guard.js';
import type { ServeConfig } from './settings.js';

type GitSettings = Pick<
  ServeConfig,
  | 'gitMappings'
  | 'gitInsecure'
  | 'gitAllowHosts'
  | 'gitTokens'
  | 'gitNetrc'
  | 'gitSshKey'
  | 'gitKnownHosts'
  | 'gitRefreshInterval'
  | 'gitWatch'
>;

/** `pattern=URL,pattern=URL`: where module paths that go cannot resolve itself live. */
export function parseGitMappings(value: string): RepoMapping[] {
  return entries(value).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1)
      throw new Error(
        `${JSON.stringify(entry)} is not pattern=URL (e.g. git.corp.example/*=https://git.corp.example/{path}.git)`,
      );
    return { pattern: entry.slice(0, eq), url: entry.slice(eq + 1) };
  });
}

/** `URL-prefix=token` or `URL-prefix=user:token`. Errors never quote the token. */
export function parseGitTokens(value: string): NonNullable<GitCredentialOptions['tokens']> {
  const tokens: Record<string, string | { token: string; username: string }> = {};
  for (const entry of entries(value)) {
    const eq = entry.indexOf('=');
    const prefix = eq < 0 ? '' : entry.slice(0, eq);
    const secret = eq < 0 ? '' : entry.slice(eq + 1);
    if (!/^https?:\/\//.test(prefix) || secret === '')
      throw new Error(
        `each entry must be URL-prefix=token or URL-prefix=user:token (entry ${Object.keys(tokens).length + 1} is not)`,
      );
    const colon = secret.indexOf(':');
    tokens[prefix] =
      colon > 0 ? { username: secret.slice(0, colon), token: secret.slice(colon + 1) } : secret;
  }
  return tokens;
}

/** The git source (`direct` in an upstream list), with its mirrors in the data directory. */
export function createGitSource(config: GitSettings, dataDir: string, dispatcher: Dispatcher): GitSource {
  if ((config.gitSshKey === '') !== (config.gitKnownHosts === ''))
    throw new Error('gitSshKey and gitKnownHosts go together: SSH host keys are always checked');
  const guard = new PrivateNetworkGuard(config.gitAllowHosts);
  const credentials: GitCredentialOptions = {
    tokens: parseGitTokens(config.gitTokens),
    ...(config.gitNetrc ? { netrc: resolve(config.gitNetrc) } : {}),
    ...(config.gitSshKey
      ? { ssh: { knownHosts: resolve(config.gitKnownHosts), keys: { '*': resolve(config.gitSshKey) } } }
      : {}),
  };
  return new GitSource({
    dataDir,
    mappings: parseGitMappings(config.gitMappings),
    insecure: config.gitInsecure,
    refreshIntervalMs: config.gitRefreshInterval,
    watchMs: config.gitWatch,
    dispatcher,
    credentials,
    checkHost: (host) => guard.check(host),
  });
}

function entries(value: string): string[] {
  return value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}
