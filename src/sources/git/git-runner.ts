import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { redactCredentials } from '../proxy-url.js';
import { Semaphore } from './semaphore.js';

export interface GitRunnerOptions {
  /** The git executable; `git` from PATH by default. */
  binary?: string;
  /** Git processes that talk to remotes (ls-remote, fetch) at once; slow remotes cannot take every slot. */
  maxNetworkCommands?: number;
  /** Git processes that only read the local mirrors (for-each-ref, archive) at once. */
  maxLocalCommands?: number;
  networkTimeoutMs?: number;
  localTimeoutMs?: number;
  /**
   * Git configuration for every command (`url.<base>.insteadOf`, `http.<url>.extraHeader`...). It is handed
   * over in the environment (GIT_CONFIG_COUNT), never in argv or a file, so secrets in it stay out of `ps`
   * and off the disk.
   */
  config?: Readonly<Record<string, string>>;
  /** Extra environment, e.g. GIT_SSH_COMMAND with a key and known_hosts file. */
  env?: Readonly<Record<string, string>>;
}

/** A git command that failed: which repository, which command, and what git said, with credentials hidden. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly repo: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    detail: string,
  ) {
    super(redactCredentials(`${repo}: git ${args.join(' ')}: ${detail}`));
  }
}

export interface RunOptions {
  /** The repository the command works on, for error messages. */
  repo: string;
  /** The bare repository to run in (GIT_DIR); undefined for commands that need none. */
  gitDir?: string;
  /** Talks to the remote: counted against the network limit and given the network timeout. */
  network?: boolean;
  /** stdout beyond this many bytes fails the command instead of filling memory. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 64 << 20;

/**
 * Runs git for the mirrors: never prompts (no terminal, no askpass, ssh in batch mode), ignores the host's
 * system and global configuration, bounds concurrency and time, and kills the whole process group (git
 * spawns helpers such as git-remote-https) when a command runs over its time.
 */
export class GitRunner {
  private readonly binary: string;
  private readonly network: Semaphore;
  private readonly local: Semaphore;
  private readonly networkTimeoutMs: number;
  private readonly localTimeoutMs: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: GitRunnerOptions = {}) {
    this.binary = options.binary ?? 'git';
    this.network = new Semaphore(options.maxNetworkCommands ?? 4);
    this.local = new Semaphore(options.maxLocalCommands ?? 8);
    this.networkTimeoutMs = options.networkTimeoutMs ?? 10 * 60_000;
    this.localTimeoutMs = options.localTimeoutMs ?? 2 * 60_000;
    this.env = isolatedEnv(options.config ?? {}, options.env ?? {});
  }

  /** Runs a command to completion and returns its stdout; rejects with GitError on any failure. */
  async run(args: readonly string[], options: RunOptions): Promise<Buffer> {
    const release = await (options.network ? this.network : this.local).acquire();
    try {
      const child = this.spawn(args, options);
      const stdout = collect(child.stdout!, options.maxBytes ?? DEFAULT_MAX_BYTES, () => kill(child));
      const { code, stderr, timedOut } = await this.wait(child, options);
      const out = await stdout;
      if (out === undefined) {
        throw new GitError(
          options.repo,
          args,
          code,
          stderr,
          `output exceeds ${options.maxBytes ?? DEFAULT_MAX_BYTES} bytes`,
        );
      }
      if (timedOut) throw this.timeoutError(args, options, stderr);
      if (code !== 0) throw new GitError(options.repo, args, code, stderr, failure(code, stderr));
      return out;
    } finally {
      release();
    }
  }

  /**
   * Starts a command whose stdout is consumed as a stream (git archive). `done` settles when git exits and
   * rejects with GitError on failure; the caller must consume stdout or destroy it.
   */
  async stream(
    args: readonly string[],
    options: RunOptions,
  ): Promise<{ stdout: Readable; done: Promise<void>; kill: () => void }> {
    const release = await (options.network ? this.network : this.local).acquire();
    const child = this.spawn(args, options);
    const done = this.wait(child, options)
      .then(({ code, stderr, timedOut }) => {
        if (timedOut) throw this.timeoutError(args, options, stderr);
        if (code !== 0) throw new GitError(options.repo, args, code, stderr, failure(code, stderr));
      })
      .finally(release);
    return { stdout: child.stdout!, done, kill: () => kill(child) };
  }

  /**
   * Starts a long-lived command fed on stdin (`git cat-file --batch`). It takes no concurrency slot and has
   * no time limit: its owner keeps one per mirror, bounds each exchange and kills it when idle.
   */
  startPiped(args: readonly string[], options: RunOptions): { child: ChildProcess; kill: () => void } {
    const child = this.spawn(args, options, 'pipe');
    child.once('error', () => {}); // reported through the closed stdout
    return { child, kill: () => kill(child) };
  }

  private spawn(
    args: readonly string[],
    options: RunOptions,
    stdin: 'ignore' | 'pipe' = 'ignore',
  ): ChildProcess {
    const env = options.gitDir ? { ...this.env, GIT_DIR: options.gitDir } : this.env;
    return spawn(this.binary, args, {
      cwd: options.gitDir,
      env,
      stdio: [stdin, 'pipe', 'pipe'],
      // Its own process group, so that a timeout kills git's helpers too.
      detached: true,
    });
  }

  private wait(
    child: ChildProcess,
    options: RunOptions,
  ): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
    const timeoutMs = options.network ? this.networkTimeoutMs : this.localTimeoutMs;
    return new Promise((resolve, reject) => {
      let stderr = '';
      let timedOut = false;
      child.stderr!.on('data', (chunk: Buffer) => {
        // Only the end matters for the error message; keep memory bounded on chatty failures.
        stderr = (stderr + chunk.toString('utf8')).slice(-16_384);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        kill(child);
      }, timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${this.binary}: ${err.message} (is git installed and on PATH?)`));
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr, timedOut });
      });
    });
  }

  private timeoutError(args: readonly string[], options: RunOptions, stderr: string): GitError {
    const ms = options.network ? this.networkTimeoutMs : this.localTimeoutMs;
    return new GitError(options.repo, args, null, stderr, `timed out after ${ms} ms${tail(stderr)}`);
  }
}

/**
 * The environment every git command runs with: no system or user config (their url rewrites, helpers and
 * hooks are not ours to inherit), no prompts of any kind, and the given config passed by GIT_CONFIG_COUNT.
 */
function isolatedEnv(config: Readonly<Record<string, string>>, extra: Readonly<Record<string, string>>) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // Nor the host's attributes files: a zip read from the tree and one from git archive must agree.
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'false',
    SSH_ASKPASS: 'false',
    GCM_INTERACTIVE: 'never',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    LC_ALL: 'C',
    ...extra,
  };
  const entries = Object.entries({ 'core.attributesFile': '/dev/null', ...config });
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** Reads a stream whole; undefined (after calling `overflow`) once it passes `max` bytes. */
async function collect(stream: Readable, max: number, overflow: () => void): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      overflow();
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function kill(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function failure(code: number | null, stderr: string): string {
  return `exit status ${code ?? 'signal'}${tail(stderr)}`;
}

function tail(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean).slice(-5);
  return lines.length > 0 ? `\n\t${lines.join('\n\t')}` : '';
}
