import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitError } from './git-runner.js';

/**
 * Credentials for private repositories. None of them is ever put in a URL, in git's argv, in a file modgate
 * writes, or in a log line: tokens travel as an HTTP header in git's environment (GIT_CONFIG_VALUE_n).
 */
export interface GitCredentialOptions {
  /**
   * HTTPS tokens by URL prefix (`https://git.corp.example/`), sent as Basic authorization with `username`
   * (default `x-access-token`, which GitHub wants; Bitbucket wants `x-token-auth`, GitLab takes any).
   * Plain `http://` prefixes are refused, loopback hosts aside.
   */
  tokens?: Readonly<Record<string, string | { token: string; username?: string }>>;
  /** A .netrc file for git (through curl) to read; by default the one in HOME is used, as go does. */
  netrc?: string;
  /** SSH: a known_hosts file (hosts are checked strictly) and private keys by host (`*` for any host). */
  ssh?: { knownHosts: string; keys: Readonly<Record<string, string>> };
}

/** What GitRunner needs (settings and environment), and the files they refer to, written by `write`. */
export interface CredentialSettings {
  config: Record<string, string>;
  env: Record<string, string>;
  write(): Promise<void>;
}

/**
 * Turns the options into git settings (one extraHeader per token prefix) and environment (HOME holding the
 * .netrc, an ssh command with its own config). `dir` is a private directory for the ssh config and the
 * .netrc link; neither holds a secret. Throws for a token key that is not an https URL prefix.
 */
export function credentialSettings(options: GitCredentialOptions, dir: string): CredentialSettings {
  const config: Record<string, string> = {};
  for (const [prefix, value] of Object.entries(options.tokens ?? {})) {
    const url = tokenPrefix(prefix);
    const { token, username } = typeof value === 'string' ? { token: value, username: undefined } : value;
    const basic = Buffer.from(`${username ?? 'x-access-token'}:${token}`).toString('base64');
    config[`http.${url}.extraHeader`] = `Authorization: Basic ${basic}`;
  }
  const env: Record<string, string> = {};
  // curl reads $HOME/.netrc; a private HOME pointing at the given file keeps the operator's own out.
  if (options.netrc !== undefined) env.HOME = dir;
  const sshConfigFile = join(dir, 'ssh_config');
  if (options.ssh !== undefined) env.GIT_SSH_COMMAND = `ssh -F ${shellQuote(sshConfigFile)}`;
  const write = async () => {
    if (options.netrc === undefined && options.ssh === undefined) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (options.netrc !== undefined) {
      await rm(join(dir, '.netrc'), { force: true });
      await symlink(options.netrc, join(dir, '.netrc'));
    }
    if (options.ssh !== undefined) await writeFile(sshConfigFile, sshConfig(options.ssh), { mode: 0o600 });
  };
  return { config, env, write };
}

function tokenPrefix(prefix: string): string {
  let url: URL;
  try {
    url = new URL(prefix);
  } catch {
    throw new Error(
      `git token key ${JSON.stringify(prefix)}: give a URL prefix such as https://git.corp.example/`,
    );
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`git token key ${JSON.stringify(prefix)}: tokens are only sent over https`);
  }
  if (url.username || url.password)
    throw new Error(`git token key ${JSON.stringify(url.origin)}: no credentials in the key`);
  return url.href;
}

function sshConfig(ssh: NonNullable<GitCredentialOptions['ssh']>): string {
  const q = (s: string) => `"${s.replaceAll('"', '')}"`;
  const keyed = Object.entries(ssh.keys)
    .sort(([a], [b]) => (a === '*' ? 1 : b === '*' ? -1 : 0))
    .map(([host, key]) => `Host ${host}\n\tIdentityFile ${q(key)}\n\tIdentitiesOnly yes\n`);
  return `${keyed.join('')}Host *\n\tUserKnownHostsFile ${q(ssh.knownHosts)}\n\tGlobalKnownHostsFile /dev/null\n\tStrictHostKeyChecking yes\n\tBatchMode yes\n\tConnectTimeout 30\n`;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * A refused or impossible login, said in terms of the host and what is missing, or undefined when the
 * failure is something else. git's own words are kept out: they may quote the URL.
 */
export function explainAuthFailure(err: GitError, options: GitCredentialOptions): string | undefined {
  const url = parseUrl(err.repo);
  const host = url?.host ?? err.repo;
  const stderr = err.stderr;
  if (
    /could not read (Username|Password)|terminal prompts disabled|Authentication failed|returned error: 40[13]/i.test(
      stderr,
    )
  ) {
    const configured = Object.keys(options.tokens ?? {}).some((prefix) =>
      err.repo.startsWith(tokenPrefixOrEmpty(prefix)),
    );
    return configured
      ? `${host} refused the configured token for ${err.repo}: check that it is valid and may read the repository`
      : `${host} wants credentials for ${err.repo} and none are configured: give a token for https://${host}/ or a .netrc entry for ${url?.hostname ?? host}`;
  }
  if (/Permission denied \(publickey|Permission denied, please try again/i.test(stderr)) {
    const keyed = options.ssh && (options.ssh.keys[url?.hostname ?? ''] ?? options.ssh.keys['*']);
    return keyed
      ? `${host} refused the SSH key ${keyed} for ${err.repo}`
      : `${host} wants an SSH key for ${err.repo} and none is configured for ${url?.hostname ?? host}`;
  }
  if (/Host key verification failed|No .* host key is known/i.test(stderr)) {
    return options.ssh
      ? `the SSH host key of ${host} is not in ${options.ssh.knownHosts}: add it (ssh-keyscan) after checking it`
      : `the SSH host key of ${host} is unknown: configure a known_hosts file that lists it`;
  }
  return undefined;
}

function tokenPrefixOrEmpty(prefix: string): string {
  try {
    return new URL(prefix).href;
  } catch {
    return '\0';
  }
}

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}
