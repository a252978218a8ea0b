import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVE_SETTINGS } from '../../src/cli/settings.js';
import { registerModgateCredentials } from './secret-registry.js';
import { settingValue } from './serve-args.js';
import { CaptureFile, snapshotDirectory } from './suite-artifacts.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A real `modgate serve` process on 127.0.0.1 and a free port, as users run it. */
export class ModgateProcess {
  readonly logs: string[] = [];
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** The data directory it writes, kept for the suite's secret scan when it stops. */
    private readonly dataDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(args: string[], env: Record<string, string> = {}): Promise<ModgateProcess> {
    // Test modules are in no public checksum database; tests that verify name their own (later flags win).
    const defaults = ['--host', '127.0.0.1', '--port', '0', '--checksum-db', 'off'];
    registerModgateCredentials(args, env);
    const dataDir = resolve(settingValue(args, env, SERVE_SETTINGS.data.key) ?? SERVE_SETTINGS.data.default);
    const child = spawn(process.execPath, [MAIN, 'serve', ...defaults, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const capture = CaptureFile.open('serve', 'serve', `modgate serve, pid ${child.pid}`);
    const logs: string[] = [];
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      capture.append(d);
      stderr += d.toString();
    });
    return new Promise((resolve, reject) => {
      let buffered = '';
      let started: ModgateProcess | undefined;
      child.stdout!.on('data', (d: Buffer) => {
        capture.append(d);
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          (started?.logs ?? logs).push(line);
          if (started) continue;
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) {
            started = new ModgateProcess(child, entry.url, dataDir);
            started.logs.push(...logs);
            resolve(started);
          }
        }
      });
      child.once('exit', (code) => {
        if (!started)
          reject(
            new Error(`modgate serve exited with ${code} before listening: ${stderr}${logs.join('\n')}`),
          );
      });
    });
  }

  /** Log lines that mean a bug in modgate: internal errors and failures after a response was sent. */
  internalErrors(): string[] {
    return this.logs.filter((l) =>
      /"msg":"(internal error|Promise errored[^"]*|Reply was already sent[^"]*)"/.test(l),
    );
  }

  /**
   * Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash) and waits for the exit code. Fails if
   * modgate logged an internal error while it ran: whatever the test checked, that is a bug.
   */
  /**
   * Resolves with the first log line containing `text`, waiting for it: a line written while a request is
   * answered can reach this process after the client that made the request has finished.
   */
  async waitForLog(text: string, timeoutMs = 5_000): Promise<string> {
    for (const deadline = Date.now() + timeoutMs; ; ) {
      const line = this.logs.find((l) => l.includes(text));
      if (line !== undefined) return line;
      if (Date.now() > deadline) throw new Error(`modgate never logged ${JSON.stringify(text)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const code = await this.exited;
    await snapshotDirectory('stored', 'serve-data', this.dataDir);
    const errors = this.internalErrors();
    if (errors.length > 0) throw new Error(`modgate logged internal errors:\n${errors.join('\n')}`);
    return code;
  }
}
