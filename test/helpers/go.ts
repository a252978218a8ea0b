import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, runCommand } from './run-command.js';
import { recordOutput } from './suite-artifacts.js';

/**
 * The real go command. The suite never skips for lack of it: a machine without Go fails loudly, telling
 * how to install it (scripts/install-test-deps.sh).
 */
export function goBinary(): string {
  const candidates = [
    process.env.MODGATE_TEST_GO,
    '/usr/lib/go-1.23/bin/go',
    '/usr/lib/go-1.19/bin/go',
    '/usr/bin/go',
  ];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) {
    throw new Error(
      'the go command is required by the integration tests: run scripts/install-test-deps.sh (or set MODGATE_TEST_GO)',
    );
  }
  return found;
}

export type GoResult = CommandResult;

/** An isolated go environment: its own HOME, GOPATH, module cache, build cache and git config. */
export class GoSandbox {
  private constructor(readonly dir: string) {}

  static async create(): Promise<GoSandbox> {
    const dir = await mkdtemp(join(tmpdir(), 'modgate-go-'));
    await mkdir(join(dir, 'home'));
    await writeFile(join(dir, 'gitconfig'), '');
    return new GoSandbox(dir);
  }

  get modCache(): string {
    return join(this.dir, 'gopath', 'pkg', 'mod');
  }

  env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(this.dir, 'home'),
      GOPATH: join(this.dir, 'gopath'),
      GOMODCACHE: this.modCache,
      GOCACHE: join(this.dir, 'gocache'),
      GOENV: 'off',
      GOTOOLCHAIN: 'local',
      // -modcacherw: go otherwise makes the module cache read-only, and tests delete it between runs.
      GOFLAGS: '-mod=mod -modcacherw',
      GONOSUMDB: '',
      GOPRIVATE: '',
      GONOPROXY: '',
      GOSUMDB: 'off',
      GIT_CONFIG_GLOBAL: join(this.dir, 'gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      ...extra,
    };
  }

  /** Runs go; its output (which quotes its proxy's error bodies) is captured for the suite's secret scan. */
  async run(
    args: string[],
    options: { cwd?: string; env: Record<string, string>; timeoutMs?: number },
  ): Promise<GoResult> {
    const result = await runCommand(goBinary(), args, {
      cwd: options.cwd ?? this.dir,
      env: this.env(options.env),
      timeoutMs: options.timeoutMs ?? 120_000,
    });
    recordOutput('go', args[0] ?? 'go', `go ${args.join(' ')}, exit ${result.code}`, {
      stdout: result.stdout,
      stderr: result.stderr,
    });
    return result;
  }

  /** Empties the module cache so the next download starts cold. */
  async clearModCache(): Promise<void> {
    await rm(this.modCache, { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    await this.clearModCache();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** One object of what `go mod download -json` prints. */
export interface Download {
  Path: string;
  Version: string;
  Sum?: string;
  GoModSum?: string;
  Error?: string;
}

/** Parses the concatenated JSON objects `go mod download -json` prints. */
export function parseJsonStream<T>(text: string): T[] {
  const out: T[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)) as T);
    }
  }
  return out;
}
