import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseToken } from '../../src/auth/tokens.js';
import { registerModgateCredentials, registerSecret } from './secret-registry.js';
import { recordOutput } from './suite-artifacts.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Fed to standard input (empty by default). */
  stdin?: string | Buffer;
  nodeFlags?: string[];
  /** The whole environment (the test process's by default). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) after this long, and then the code is null. */
  timeoutMs?: number;
}

/**
 * Runs the built `modgate` command line as users do, collecting its output. Credentials in the arguments or
 * the given environment, and the token `token create` prints, are registered for the suite's secret scan, and
 * the output is captured for it (but for that one printed token, which is no leak).
 */
export function runModgate(args: string[], options: CliOptions = {}): Promise<CliRun> {
  registerModgateCredentials(args, options.env ?? {});
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), MAIN, ...args], {
    stdio: 'pipe',
    env: options.env,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const printedToken = args[0] === 'token' && args[1] === 'create' && code === 0 ? stdout.trim() : '';
      // The id part of a token names it in logs and listings by design; the secret part is what must not leak.
      if (printedToken) registerSecret('client token', parseToken(printedToken)?.secret ?? printedToken);
      const firstFlag = args.findIndex((a) => a.startsWith('-'));
      const command = args.slice(0, Math.min(3, firstFlag < 0 ? args.length : firstFlag)).join(' ');
      recordOutput('cli', args[0] ?? 'none', `modgate ${command}, exit ${code}`, {
        stdout: printedToken ? stdout.replaceAll(printedToken, '(the token created)') : stdout,
        stderr,
      });
      resolve({ code, stdout, stderr });
    }),
  );
}

/** `modgate token create`: the token printed, registered for the suite's secret scan. */
export async function createToken(data: string, name: string, ...scopes: string[]): Promise<string> {
  const run = await runModgate([
    'token',
    'create',
    name,
    '--data',
    data,
    ...scopes.flatMap((s) => ['--scope', s]),
  ]);
  if (run.code !== 0) throw new Error(`modgate token create failed (${run.code}): ${run.stderr}`);
  return run.stdout.trim();
}
