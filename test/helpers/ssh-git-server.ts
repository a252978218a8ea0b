import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import ssh2 from 'ssh2';
import { runCommand } from './run-command.js';
import { registerPrivateKey } from './secret-registry.js';

const { Server, utils } = ssh2;

/** An ed25519 key pair made by ssh-keygen: the private key file and the public key line. */
export async function sshKeyPair(
  dir: string,
  name: string,
): Promise<{ privateKey: string; publicKey: string }> {
  const privateKey = join(dir, name);
  const made = await runCommand('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    name,
    '-f',
    privateKey,
  ]);
  if (made.code !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
  registerPrivateKey('ssh private key', await readFile(privateKey, 'utf8'));
  return { privateKey, publicKey: (await readFile(`${privateKey}.pub`, 'utf8')).trim() };
}

/**
 * A private git host over SSH on 127.0.0.1: an SSH server (the ssh2 package) that accepts one public key and
 * runs `git-upload-pack` on repositories below `root`, as a git host's SSH front does. The real `ssh` client
 * and git talk to it exactly as to any SSH git host.
 */
export class SshGitServer {
  private constructor(
    private readonly server: InstanceType<typeof Server>,
    /** The `known_hosts` line for this server's host key. */
    readonly knownHostsLine: string,
  ) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  static async start(root: string, dir: string, authorizedKey: string): Promise<SshGitServer> {
    const host = await sshKeyPair(dir, 'host_key');
    const allowed = utils.parseKey(authorizedKey);
    if (allowed instanceof Error) throw allowed;
    const server = new Server({ hostKeys: [await readFile(host.privateKey)] }, (client) => {
      client.on('authentication', (ctx) => {
        if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
        const matches =
          ctx.key.algo === allowed.type &&
          ctx.key.data.equals(allowed.getPublicSSH()) &&
          (ctx.signature === undefined || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
        if (matches) ctx.accept();
        else ctx.reject(['publickey']);
      });
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, reject, info) => {
          // git asks to run `git-upload-pack '/team/repo'`: serve it from below root, nothing else.
          const m = /^git-upload-pack '\/?([^']+)'$/.exec(info.command);
          const path = m ? normalize(m[1]!) : undefined;
          if (!path || path.startsWith('..')) return reject();
          const channel = acceptExec();
          const child = spawn('git-upload-pack', [join(root, path)], { stdio: 'pipe' });
          channel.pipe(child.stdin);
          // The channel must stay open until the exit status is sent: ssh (and so git) fails without one.
          child.stdout.pipe(channel, { end: false });
          child.stderr.pipe(channel.stderr, { end: false });
          child.on('close', (code) => {
            channel.exit(code ?? 1);
            channel.end();
          });
        });
      });
      client.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const hostKey = host.publicKey.split(' ').slice(0, 2).join(' ');
    return new SshGitServer(server, `[127.0.0.1]:${port} ${hostKey}`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
