import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { goBinary } from '../helpers/go.js';

/**
 * Builds and runs test/fixtures/sumdb-server: x/mod's own sumdb.Server over sumdb.TestServer, from Debian's
 * golang-golang-x-mod-dev sources in GOPATH mode. Missing Go or sources fail the suite, never skip it.
 */

const GOPATH = '/usr/share/gocode';
const XMOD_SUMDB = join(GOPATH, 'src/golang.org/x/mod/sumdb/test.go');
// dist/test/sumdb → the source tree's fixture (tsc does not copy .go files).
const FIXTURE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/sumdb-server/main.go',
);

export type ServerMode =
  | 'changed-record'
  | 'fork'
  | 'wrong-key'
  | 'truncate-tile'
  | 'corrupt-tile'
  | 'rollback'
  | 'wrong-record';

export interface ServerOptions {
  signerKey: string;
  /** go.sum lines; those of one module version form one record, logged in this order. */
  lines: string[];
  mode?: ServerMode;
  rollbackTo?: number;
  forkAt?: number;
}

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export class GoSumdbServer {
  private constructor(
    private readonly dir: string,
    private readonly binary: string,
  ) {}

  static async build(): Promise<GoSumdbServer> {
    const go = goBinary();
    if (!existsSync(XMOD_SUMDB)) {
      throw new Error(
        `golang.org/x/mod sources are missing (${XMOD_SUMDB}): run scripts/install-test-deps.sh`,
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'modgate-sumdb-'));
    const binary = join(dir, 'sumdb-server');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GO111MODULE: 'off',
      GOPATH,
      GOFLAGS: '',
      GOCACHE: join(dir, 'gocache'),
      HOME: dir,
      GOTOOLCHAIN: 'local',
    };
    await new Promise<void>((done, fail) => {
      execFile(
        go,
        ['build', '-o', binary, FIXTURE],
        { env, cwd: dir, timeout: 180_000 },
        (err, _out, stderr) => {
          if (err) fail(new Error(`building ${FIXTURE} failed (scripts/install-test-deps.sh?):\n${stderr}`));
          else done();
        },
      );
    });
    return new GoSumdbServer(dir, binary);
  }

  async start(options: ServerOptions): Promise<RunningServer> {
    const records = join(this.dir, `records-${process.hrtime.bigint()}.txt`);
    await writeFile(records, `${options.lines.join('\n')}\n`);
    const args = ['-addr', '127.0.0.1:0', '-key', options.signerKey, '-records', records];
    if (options.mode) args.push('-mode', options.mode);
    if (options.rollbackTo !== undefined) args.push('-rollback-to', String(options.rollbackTo));
    if (options.forkAt !== undefined) args.push('-fork-at', String(options.forkAt));

    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`sumdb server did not start: ${stderr}`)), 15_000);
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        done(line.trim());
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`sumdb server exited with ${code}: ${stderr}`));
      });
    });
    const pid = child.pid!;
    return {
      url,
      pid,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
        await exited;
      },
    };
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
