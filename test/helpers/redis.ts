import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess } from './daemon.js';
import { registerSecret } from './secret-registry.js';

/**
 * A real redis-server on 127.0.0.1, in memory only, that can be stopped and started again on the same port
 * (as an outage and its end look to the clients). It wants a password, as a production one does: clients find
 * it in `url`, and the suite's secret scan looks for it in everything modgate writes.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private stderr = '';
  private readonly password = randomBytes(12).toString('hex');

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<RedisServer> {
    if (!['/usr/bin', '/usr/sbin', '/usr/local/bin'].some((d) => existsSync(join(d, 'redis-server'))))
      throw new Error('the replica tests need redis-server: run scripts/install-test-deps.sh as root');
    const server = new RedisServer(await mkdtemp(join(tmpdir(), 'modgate-redis-')), await freePort());
    registerSecret('redis password', server.password);
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://:${this.password}@127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on its port, and returns once it answers PING. */
  async resume(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', [...args, '--requirepass', this.password, '--dir', this.dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.child = child;
    for (const deadline = Date.now() + 10_000; !(await answersPing(this.port, this.password)); ) {
      if (child.exitCode !== null)
        throw new Error(`redis-server exited with ${child.exitCode}: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`redis-server never answered on port ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a network partition. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops the server; `resume` starts it again, empty. */
  async pause(): Promise<void> {
    if (this.child) await stopProcess(this.child);
  }

  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function answersPing(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000, () => socket.destroy());
    // Refused while the server starts: 'close' follows and answers false.
    socket.once('error', () => {});
    socket.once('close', () => resolve(false));
    socket.once('connect', () => socket.write(`AUTH ${password}\r\nPING\r\n`));
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
      if (!answer.includes('\r\n', answer.indexOf('\r\n') + 2)) return;
      resolve(answer === '+OK\r\n+PONG\r\n');
      socket.destroy();
    });
  });
}
