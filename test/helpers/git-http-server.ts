import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { registerSecret } from './secret-registry.js';

const BACKEND = '/usr/lib/git-core/git-http-backend';

/**
 * A private git host over smart HTTP: git's own git-http-backend (CGI) behind Basic authentication, serving the
 * bare repositories under `root` on 127.0.0.1. Every Authorization header and request target is recorded, so
 * tests can tell how credentials travelled.
 */
export class GitHttpServer {
  readonly authorizations: string[] = [];
  readonly targets: string[] = [];

  private constructor(
    private readonly server: Server,
    private readonly root: string,
    private readonly login: { username: string; password: string },
    private readonly secure: boolean,
  ) {}

  /** Plain http, or https with `tls` (a key and a certificate for 127.0.0.1). */
  static async start(
    root: string,
    login: { username: string; password: string },
    tls?: { key: Buffer; cert: Buffer },
  ): Promise<GitHttpServer> {
    registerSecret('git token', login.password);
    let self: GitHttpServer | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => self!.answer(req, res);
    const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
    self = new GitHttpServer(server, root, login, tls !== undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `${this.secure ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.targets.push(req.url ?? '');
    const auth = req.headers.authorization ?? '';
    this.authorizations.push(auth);
    const expected = `Basic ${Buffer.from(`${this.login.username}:${this.login.password}`).toString('base64')}`;
    if (auth !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn(BACKEND, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: this.login.username,
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let started = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (started) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      started = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.once('close', () => (started ? res.end() : res.writeHead(500).end()));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
