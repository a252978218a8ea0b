import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import { InvalidVersionError } from '../../gomod/errors.js';
import { isBackground } from '../background.js';
import { NotFoundError, UpstreamError } from '../errors.js';
import type { NewVersionsListener, Source } from '../source.js';
import { CodeRepo, ModuleDirError } from './code-repo.js';
import {
  type CredentialSettings,
  credentialSettings,
  explainAuthFailure,
  type GitCredentialOptions,
} from './credentials.js';
import { GitMirror, UnknownRevisionError } from './git-mirror.js';
import { GitError, GitRunner, type GitRunnerOptions } from './git-runner.js';
import { DiscoveryError } from './go-get.js';
import { buildModuleZip, CreateZipError } from './module-zip.js';
import { infoJson } from './origin.js';
import { NoMatchingVersionError, queryVersion } from './query.js';
import { RepoLookupError, type RepoMapping, RepoResolver } from './repo-root.js';
import { Semaphore } from './semaphore.js';

/** Modules of one repository whose new versions a refresh looks for (a monorepo has a few dozen). */
const MAX_MODULES_PER_MIRROR = 1_000;

/** Zips built at once; each holds its files in memory while it streams. */
const MAX_ZIP_BUILDS = 8;

/** The background refresh looks at its mirrors at most this often, whatever the refresh interval. */
const MIN_WATCH_TICK_MS = 1_000;

/** A draft this old belongs to no live request: even a 500 MiB zip is built well within it. */
const LEFTOVER_AGE_MS = 60 * 60_000;

export interface GitSourceOptions {
  /** modgate's data directory: mirrors live in `<dataDir>/_modgate/git/<hash of URL>`. */
  dataDir: string;
  /** Explicit module pattern → repository URL mappings, tried before the hosts go knows. */
  mappings?: readonly RepoMapping[];
  /** GOINSECURE-style patterns of modules that may be fetched over git:// and http://. */
  insecure?: string;
  /** A mirror asks its remote for changed refs at most this often (default one minute). */
  refreshIntervalMs?: number;
  /** The HTTP client for `?go-get=1` discovery of hosts go has no rule for; without one there is none. */
  dispatcher?: Dispatcher;
  git?: GitRunnerOptions;
  /** Tokens, .netrc and SSH keys for private repositories. */
  credentials?: GitCredentialOptions;
  /** Rejects hosts a module path leads to that may not be contacted (see RepoResolverOptions.checkHost). */
  checkHost?: (host: string) => Promise<void>;
  /**
   * Mirrors a request used within this long are refreshed in the background every refresh interval, and
   * the new versions they fetch are reported to watchNewVersions listeners. 0 turns that off.
   */
  watchMs?: number;
}

/**
 * Modules straight from their git repositories, answering as the go command in GOPROXY=direct mode would:
 * the same versions, `.info` (Time = commit time, with an Origin), `.mod` and zip contents (same h1).
 */
export class GitSource implements Source {
  readonly name = 'git';
  private readonly runner: GitRunner;
  private readonly resolver: RepoResolver;
  private readonly mirrors = new Map<string, GitMirror>();
  private readonly repos = new LRUCache<string, Promise<CodeRepo>>({ max: 10_000 });
  private readonly credentials: CredentialSettings;
  /** Credential files written and crash leftovers removed, once, before the first git command. */
  private started: Promise<void> | undefined;
  /** The modules served from each mirror, whose new versions a refresh reports. */
  private readonly served = new Map<GitMirror, Set<string>>();
  private readonly listeners = new Set<NewVersionsListener>();
  private watching: NodeJS.Timeout | undefined;
  private readonly zipBuilds = new Semaphore(MAX_ZIP_BUILDS);

  constructor(private readonly options: GitSourceOptions) {
    this.credentials = credentialSettings(
      options.credentials ?? {},
      join(options.dataDir, '_modgate', 'git-home'),
    );
    this.runner = new GitRunner({
      ...options.git,
      config: { ...options.git?.config, ...this.credentials.config },
      env: { ...options.git?.env, ...this.credentials.env },
    });
    this.resolver = new RepoResolver({
      mappings: options.mappings,
      insecure: options.insecure,
      dispatcher: options.dispatcher,
      checkHost: options.checkHost,
      ping: (url) =>
        this.runner.run(['ls-remote', '-q', '--', url], { repo: url, network: true }).then(
          () => true,
          () => false,
        ),
    });
  }

  private get refreshIntervalMs(): number {
    return this.options.refreshIntervalMs ?? 60_000;
  }

  list(module: string): Promise<string> {
    return this.answer(module, 'list', async (repo) => (await repo.versions()).map((v) => `${v}\n`).join(''));
  }

  latest(module: string): Promise<Buffer> {
    return this.info(module, 'latest');
  }

  info(module: string, query: string): Promise<Buffer> {
    return this.answer(module, query, async (repo) => infoJson(await queryVersion(repo, query)));
  }

  mod(module: string, version: string): Promise<Buffer> {
    return this.answer(module, version, (repo) => repo.goMod(version));
  }

  zip(module: string, version: string): Promise<Readable> {
    return this.answer(module, version, async (repo) => {
      const { hash, subdir } = await repo.zipSource(version);
      const workDir = join(this.options.dataDir, '_modgate', 'git-tmp', randomBytes(8).toString('hex'));
      // Until its zip has streamed into the cache, a build holds up to 16 MiB of files in memory.
      const release = await this.zipBuilds.acquire();
      const cleanUp = () => {
        release();
        return rm(workDir, { recursive: true, force: true });
      };
      try {
        const zip = await buildModuleZip({
          mirror: repo.mirror,
          hash,
          subdir,
          modulePath: module,
          version,
          workDir,
        });
        zip.once('close', () => void cleanUp());
        return zip;
      } catch (err) {
        await cleanUp();
        throw err;
      }
    });
  }

  /** Versions are built from the mirror that answering `.info` has just brought up to date. */
  buildsLocally(): boolean {
    return true;
  }

  watchNewVersions(listener: NewVersionsListener): void {
    this.listeners.add(listener);
    const watchMs = this.options.watchMs ?? 0;
    if (this.watching || watchMs <= 0) return;
    let busy = false;
    this.watching = setInterval(
      () => {
        if (busy) return;
        busy = true;
        void this.refreshRecentlyUsed(watchMs).finally(() => {
          busy = false;
        });
      },
      Math.max(this.refreshIntervalMs, MIN_WATCH_TICK_MS),
    ).unref();
  }

  /**
   * One mirror at a time, so the background never takes more than one network slot. A failure is left for
   * the next request, which reports it to its client.
   */
  private async refreshRecentlyUsed(watchMs: number): Promise<void> {
    for (const mirror of this.served.keys()) {
      if (Date.now() - mirror.lastUsed > watchMs) continue;
      await mirror.refs().catch(() => undefined);
    }
  }

  /** Modules answered from a mirror, up to a bound: requests for made-up subdirectories cannot fill memory. */
  private remember(mirror: GitMirror, module: string): void {
    const modules = this.served.get(mirror) ?? new Set<string>();
    this.served.set(mirror, modules);
    if (modules.size < MAX_MODULES_PER_MIRROR) modules.add(module);
  }

  /** Which served modules of the mirror list versions from the new tags, told to the listeners. */
  private async reportNewTags(mirror: GitMirror, tags: string[]): Promise<void> {
    for (const module of this.served.get(mirror) ?? []) {
      const repo = await this.repo(module).catch(() => undefined);
      const versions = (await repo?.versionsFromTags(tags).catch(() => undefined)) ?? [];
      if (versions.length > 0) for (const listener of this.listeners) listener(module, versions);
    }
  }

  /** Runs one request against the module's repository, turning failures into the Source error kinds. */
  private async answer<T>(module: string, what: string, call: (repo: CodeRepo) => Promise<T>): Promise<T> {
    try {
      this.started ??= Promise.all([
        this.credentials.write(),
        removeLeftovers(join(this.options.dataDir, '_modgate', 'git-tmp'), () => true),
        removeLeftovers(join(this.options.dataDir, '_modgate', 'git'), (name) => name.includes('.tmp-')),
      ]).then(() => {});
      await this.started;
      const repo = await this.repo(module);
      // Preparing a repository's new versions is not using it: otherwise a repository tagged nightly would
      // stay watched for good.
      if (!isBackground()) repo.mirror.lastUsed = Date.now();
      const answer = await call(repo);
      this.remember(repo.mirror, module);
      return answer;
    } catch (err) {
      throw sourceError(err, module, what, this.options.credentials ?? {});
    }
  }

  private repo(module: string): Promise<CodeRepo> {
    let repo = this.repos.get(module);
    if (!repo) {
      repo = this.resolver
        .resolve(module)
        .then(({ root, url }) => new CodeRepo(this.mirror(url), root, module));
      // A failed lookup (a host that was down) is tried again on the next request.
      repo.catch(() => this.repos.delete(module));
      this.repos.set(module, repo);
    }
    return repo;
  }

  private mirror(url: string): GitMirror {
    let mirror = this.mirrors.get(url);
    if (!mirror) {
      const dir = join(
        this.options.dataDir,
        '_modgate',
        'git',
        createHash('sha256').update(url).digest('hex'),
      );
      mirror = new GitMirror(this.runner, url, dir, this.refreshIntervalMs);
      const created = mirror;
      created.onNewTags = (tags) => void this.reportNewTags(created, tags);
      this.mirrors.set(url, mirror);
    }
    return mirror;
  }
}

/**
 * Zip work directories and half-made mirrors that a crashed process left behind. Only old ones go: worker
 * processes sharing the data directory may be using fresh ones right now.
 */
async function removeLeftovers(dir: string, isDraft: (name: string) => boolean): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter(isDraft)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > LEFTOVER_AGE_MS) await rm(path, { recursive: true, force: true });
  }
}

/** What a failure means to a client: the version or repository is not there (404), or git could not tell. */
function sourceError(err: unknown, module: string, what: string, credentials: GitCredentialOptions): Error {
  if (err instanceof NotFoundError || err instanceof UpstreamError) return err;
  if (
    err instanceof InvalidVersionError ||
    err instanceof UnknownRevisionError ||
    err instanceof ModuleDirError ||
    err instanceof NoMatchingVersionError ||
    err instanceof RepoLookupError ||
    err instanceof DiscoveryError ||
    err instanceof CreateZipError
  ) {
    return new NotFoundError(
      err.message.startsWith(module) ? err.message : `${module}@${what}: ${err.message}`,
    );
  }
  if (err instanceof GitError) {
    const auth = explainAuthFailure(err, credentials);
    if (auth !== undefined) return new NotFoundError(`${module}: ${auth}`);
    return missingRepository(err.stderr) ? new NotFoundError(err.message) : new UpstreamError(err.message);
  }
  return new UpstreamError(`${module}@${what}: ${(err as Error).message ?? String(err)}`);
}

/** git's ways of saying the repository is not there. */
function missingRepository(stderr: string): boolean {
  return /repository not found|not found|does not appear to be a git repository|does not exist/i.test(stderr);
}
