import { execFile } from 'node:child_process';

export interface GoRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The go command is not on PATH: said plainly, since `--check` and GOMODCACHE discovery both need it. */
export class GoMissingError extends Error {
  override readonly name = 'GoMissingError';
}

/** Runs the go command found on PATH; rejects with GoMissingError only when there is none. */
export function runGo(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<GoRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'go',
      args,
      { cwd: options.cwd, env: options.env, timeout: 15 * 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          reject(new GoMissingError('the go command is not on PATH'));
          return;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
