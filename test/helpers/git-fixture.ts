import { execFile } from 'node:child_process';
import { cp, mkdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Commit and tag times start here and advance one hour per commit, so hashes are the same on every run. */
const EPOCH = Date.UTC(2023, 3, 1, 10, 0, 0);

export interface CommitContent {
  /** Regular files to write (created or replaced), slash-separated paths. */
  files?: Record<string, string | Buffer>;
  /** Symbolic links to create: path → target. */
  symlinks?: Record<string, string>;
  /** Gitlinks (submodule entries) to record: path → commit hash. No submodule content exists. */
  gitlinks?: Record<string, string>;
  /** Files of the given size, all zero bytes, made without holding them in memory (huge trees). */
  zeroFiles?: Record<string, number>;
  /** Directory trees to copy in (symlinks kept as links): source directory → path in the repository. */
  copies?: Record<string, string>;
  /** Paths to delete (files or whole directories). */
  remove?: string[];
}

/**
 * A git repository built at test time with fixed names and dates: a work tree to commit in, published to a
 * bare repository under `<root>/<module-like path>` that go (through `url.insteadOf`) and modgate fetch from.
 */
export class GitFixture {
  private commits = 0;

  private constructor(
    readonly workDir: string,
    /** The bare repository that stands for the remote. */
    readonly bareDir: string,
  ) {}

  /** `repoPath` is where the repository lives, e.g. `github.com/acme/widget`; the bare repo is `<root>/<repoPath>`. */
  static async create(root: string, repoPath: string, branch = 'main'): Promise<GitFixture> {
    const fixture = new GitFixture(join(root, '_work', repoPath), join(root, repoPath));
    await mkdir(fixture.workDir, { recursive: true });
    await fixture.git('init', '-q', '-b', branch);
    await mkdir(fixture.bareDir, { recursive: true });
    await gitIn(fixture.bareDir, {}, 'init', '-q', '--bare', '-b', branch);
    return fixture;
  }

  /** Applies the changes and commits them; returns the full commit hash. */
  async commit(message: string, content: CommitContent): Promise<string> {
    for (const path of content.remove ?? []) {
      await rm(join(this.workDir, path), { recursive: true, force: true });
    }
    for (const [path, data] of Object.entries(content.files ?? {})) {
      const full = join(this.workDir, path);
      await rm(full, { force: true });
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, data);
    }
    for (const [source, path] of Object.entries(content.copies ?? {})) {
      await cp(source, join(this.workDir, path), { recursive: true, verbatimSymlinks: true });
    }
    for (const [path, size] of Object.entries(content.zeroFiles ?? {})) {
      const full = join(this.workDir, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, '');
      await truncate(full, size);
    }
    for (const [path, target] of Object.entries(content.symlinks ?? {})) {
      const full = join(this.workDir, path);
      await rm(full, { force: true });
      await mkdir(dirname(full), { recursive: true });
      await symlink(target, full);
    }
    await this.git('add', '-A');
    for (const [path, hash] of Object.entries(content.gitlinks ?? {})) {
      await this.git('update-index', '--add', '--cacheinfo', `160000,${hash},${path}`);
    }
    this.commits++;
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  /** A lightweight tag, or an annotated one (its own object, dated like the last commit) with `annotated`. */
  async tag(name: string, options: { annotated?: boolean; at?: string } = {}): Promise<void> {
    const target = options.at ?? 'HEAD';
    if (options.annotated) await this.git('tag', '-a', '-m', `release ${name}`, '--', name, target);
    else await this.git('tag', '--', name, target);
  }

  async deleteTag(name: string): Promise<void> {
    await this.git('tag', '-d', '--', name);
  }

  /** Creates a branch at HEAD (or `at`) and switches to it. */
  async branch(name: string, at?: string): Promise<void> {
    await this.git('checkout', '-q', '-b', name, ...(at ? [at] : []));
  }

  async deleteBranch(name: string): Promise<void> {
    await this.git('branch', '-q', '-D', name);
  }

  async checkout(name: string): Promise<void> {
    await this.git('checkout', '-q', name);
  }

  async head(): Promise<string> {
    return (await this.git('rev-parse', 'HEAD')).trim();
  }

  /** Makes the bare repository hold exactly the work repository's branches and tags. */
  async publish(): Promise<void> {
    await this.git(
      'push',
      '-q',
      '--force',
      '--prune',
      this.bareDir,
      '+refs/heads/*:refs/heads/*',
      '+refs/tags/*:refs/tags/*',
    );
  }

  private git(...args: string[]): Promise<string> {
    const when = new Date(EPOCH + this.commits * 3_600_000).toISOString();
    return gitIn(this.workDir, { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }, ...args);
  }
}

async function gitIn(cwd: string, env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    maxBuffer: 64 << 20,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      // Fast compression: object hashes do not depend on it, and huge fixtures are built in seconds.
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'core.compression',
      GIT_CONFIG_VALUE_0: '1',
      GIT_CONFIG_KEY_1: 'pack.compression',
      GIT_CONFIG_VALUE_1: '1',
      GIT_AUTHOR_NAME: 'Fixture Author',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_COMMITTER_NAME: 'Fixture Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.com',
      ...env,
    },
  });
  return stdout;
}
