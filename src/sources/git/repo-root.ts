/**
 * Module path → git repository, as the go command's vcs.RepoRootForImportPath does it: the hosts it knows
 * (github.com, bitbucket.org...), `.git`-qualified paths, then `?go-get=1` discovery; all preceded by
 * explicit mappings from the configuration, which is how private hosts are reached.
 */

import type { Dispatcher } from 'undici';
import { matchedPrefix, matchPrefixPatterns } from '../../gomod/patterns.js';
import { hasPathPrefix } from './code-repo.js';
import { discoverRepo } from './go-get.js';

export interface RepoRoot {
  /** The module path at the root of the repository. */
  root: string;
  /** The URL git fetches from. */
  url: string;
}

/**
 * A configured repository location: `pattern` (GOPRIVATE syntax: `git.corp.example/*\/*`) matches the
 * leading elements of a module path, which become the repository root; `url` may name it as `{root}`
 * (`git.corp.example/team/repo`) or `{path}` (the root without its host: `team/repo`).
 */
export interface RepoMapping {
  pattern: string;
  url: string;
}

/** The module path cannot be mapped to a repository: a not-found answer. */
export class RepoLookupError extends Error {
  override readonly name = 'RepoLookupError';
}

export interface RepoResolverOptions {
  mappings?: readonly RepoMapping[];
  /** GOINSECURE-style patterns: modules that may be fetched over git:// and http://. */
  insecure?: string;
  /** Whether git can list the repository at a URL (`git ls-remote`), to pick the scheme of a `.git` path. */
  ping: (url: string) => Promise<boolean>;
  /** The HTTP client for `?go-get=1` discovery of other hosts; without one, only the rules above apply. */
  dispatcher?: Dispatcher;
  /**
   * Rejects a host a module path led to that may not be contacted (private addresses: SSRF). Hosts named by
   * explicit mappings are the operator's choice and are not checked.
   */
  checkHost?: (host: string) => Promise<void>;
}

interface KnownHost {
  prefix: string;
  regexp: RegExp;
  /** Refuse a repository name ending in a VCS suffix (github.com/a/b.git). */
  noVcsSuffix: boolean;
}

// vcs.go's vcsPaths (RE2's \w is ASCII, as JavaScript's is).
const KNOWN_HOSTS: readonly KnownHost[] = [
  { prefix: 'github.com', regexp: /^(github\.com\/[\w.-]+\/[\w.-]+)(\/[\w.-]+)*$/, noVcsSuffix: true },
  { prefix: 'bitbucket.org', regexp: /^(bitbucket\.org\/[\w.-]+\/[\w.-]+)(\/[\w.-]+)*$/, noVcsSuffix: true },
  {
    prefix: 'hub.jazz.net/git',
    regexp: /^(hub\.jazz\.net\/git\/[a-z0-9]+\/[\w.-]+)(\/[\w.-]+)*$/,
    noVcsSuffix: true,
  },
  {
    prefix: 'git.apache.org',
    regexp: /^(git\.apache\.org\/[a-z0-9_.-]+\.git)(\/[\w.-]+)*$/,
    noVcsSuffix: false,
  },
  {
    prefix: 'git.openstack.org',
    regexp: /^(git\.openstack\.org\/[\w.-]+\/[\w.-]+)(\.git)?(\/[\w.-]+)*$/,
    noVcsSuffix: false,
  },
];

/** The general `host/path.vcs` rule; the root keeps the qualifier, the repository URL drops it. */
const VCS_QUALIFIED =
  /((([a-z0-9.-]+\.)+[a-z0-9.-]+(:[0-9]+)?(\/~?[\w.-]+)+?)\.(bzr|fossil|git|hg|svn))(\/~?[\w.-]+)*$/;

const VCS_SUFFIX = /\.(bzr|fossil|git|hg|svn)$/;

/** git's schemes in the order go tries them; git:// and http:// only for insecure modules. */
const GIT_SCHEMES = ['git', 'https', 'http', 'git+ssh', 'ssh'] as const;
const INSECURE_SCHEMES = new Set(['git', 'http']);

export class RepoResolver {
  constructor(private readonly options: RepoResolverOptions) {
    for (const mapping of options.mappings ?? []) checkMapping(mapping);
  }

  async resolve(modPath: string): Promise<RepoRoot> {
    for (const mapping of this.options.mappings ?? []) {
      const root = matchedPrefix(mapping.pattern, modPath);
      if (root === undefined) continue;
      const path = root.slice(root.indexOf('/') + 1 || root.length);
      return { root, url: mapping.url.replaceAll('{root}', root).replaceAll('{path}', path) };
    }
    if (/^https?:/.test(modPath))
      throw new RepoLookupError(`"${modPath.split(':')[0]}://" not allowed in import path`);
    for (const host of KNOWN_HOSTS) {
      if (!hasPathPrefix(modPath, host.prefix)) continue;
      const m = host.regexp.exec(modPath);
      if (!m) throw new RepoLookupError(`invalid ${host.prefix} import path "${modPath}"`);
      const root = m[1]!;
      if (host.noVcsSuffix && VCS_SUFFIX.test(root)) {
        throw new RepoLookupError(`invalid version control suffix in ${host.prefix}/ path`);
      }
      return this.checked({ root, url: `https://${root}` });
    }
    const m = VCS_QUALIFIED.exec(modPath);
    if (m) return this.qualified(modPath, m[1]!, m[2]!, m[6]!);
    return this.checked(await this.discover(modPath));
  }

  /** A repository found from the module path alone, once its host is known to be one modgate may contact. */
  private async checked(found: RepoRoot): Promise<RepoRoot> {
    let host: string;
    try {
      host = new URL(found.url).hostname;
    } catch {
      throw new RepoLookupError(`${found.root}: invalid repository URL ${JSON.stringify(found.url)}`);
    }
    await this.checkHost(host);
    return found;
  }

  private async checkHost(host: string): Promise<void> {
    try {
      await this.options.checkHost?.(host);
    } catch (err) {
      throw new RepoLookupError((err as Error).message);
    }
  }

  /** The host's own `?go-get=1` page names the repository. */
  private async discover(modPath: string): Promise<RepoRoot> {
    const { dispatcher } = this.options;
    if (!dispatcher) {
      throw new RepoLookupError(
        `${modPath}: no repository known for this path; map it in the git source configuration (pattern and URL)`,
      );
    }
    const insecure = (path: string) => matchPrefixPatterns(this.options.insecure ?? '', path);
    const found = await discoverRepo(modPath, { dispatcher, insecure, checkHost: this.options.checkHost });
    if (found.vcs === 'mod') {
      throw new RepoLookupError(
        `${modPath}: its go-import tag serves modules from the GOPROXY ${found.repoRoot}; list that as an upstream instead`,
      );
    }
    if (found.vcs !== 'git') {
      throw new RepoLookupError(`${found.prefix}: only git repositories are supported, not ${found.vcs}`);
    }
    return { root: found.prefix, url: found.repoRoot };
  }

  /** `host/path.git/...`: the first scheme git can reach the repository with. */
  private async qualified(modPath: string, root: string, repo: string, vcs: string): Promise<RepoRoot> {
    if (vcs !== 'git') throw new RepoLookupError(`${root}: only git repositories are supported, not ${vcs}`);
    const insecure = matchPrefixPatterns(this.options.insecure ?? '', modPath);
    await this.checkHost(repo.split('/', 1)[0]!.replace(/:\d+$/, ''));
    for (const scheme of GIT_SCHEMES) {
      if (!insecure && INSECURE_SCHEMES.has(scheme)) continue;
      const url = `${scheme}://${repo}`;
      if (await this.options.ping(url)) return { root, url };
    }
    throw new RepoLookupError(`${root}: no ${insecure ? '' : 'secure '}protocol found for repository`);
  }
}

const MAPPING_SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git+ssh:', 'git:', 'file:']);

/**
 * Refuses a mapping git could not use, or one that carries a secret: a URL is shown in `.info` Origin
 * blocks, logs and git's command line, so tokens and passwords never belong in it.
 */
function checkMapping(mapping: RepoMapping): void {
  const where = `git repository mapping ${JSON.stringify(mapping.pattern)}`;
  if (mapping.pattern.replace(/\/$/, '') === '') {
    throw new Error(`${where}: the pattern is empty; use GOPRIVATE syntax, e.g. git.corp.example/*/*`);
  }
  let url: URL;
  try {
    url = new URL(mapping.url.replaceAll('{root}', 'root').replaceAll('{path}', 'path'));
  } catch {
    throw new Error(
      `${where}: the URL is not a URL; give scheme://host/path, e.g. https://git.corp.example/{path}.git`,
    );
  }
  if (!MAPPING_SCHEMES.has(url.protocol)) {
    throw new Error(`${where}: git cannot fetch ${url.protocol}// URLs; use https, ssh, git or file`);
  }
  if (url.password !== '' || (url.username !== '' && url.protocol.startsWith('http'))) {
    throw new Error(
      `${where}: the URL carries credentials; remove them, and give git the token through its settings (an http.extraHeader or a credential helper) or use an SSH key`,
    );
  }
}
