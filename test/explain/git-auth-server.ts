import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A git "smart HTTP" host that wants credentials. go first pings the repository (`git ls-remote URL`) and only
 * uses a scheme whose ping succeeds, so the first ls-remote gets an empty dumb-protocol repository; every later
 * request gets 401, which makes git ask for a username, which go forbids (GIT_TERMINAL_PROMPT=0).
 */
export class GitAuthServer {
  private pinged = false;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<GitAuthServer> {
    const git = new GitAuthServer(createServer((req, res) => git.answer(req.url ?? '/', res)));
    await new Promise<void>((resolve) => git.server.listen(0, '127.0.0.1', resolve));
    return git;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Lets the next ls-remote succeed again, for a fresh go run with an empty module cache. */
  rearm(): void {
    this.pinged = false;
  }

  private answer(path: string, res: ServerResponse): void {
    if (!this.pinged) {
      if (path.endsWith('/HEAD')) this.pinged = true;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(path.endsWith('/HEAD') ? 'ref: refs/heads/main\n' : '');
      return;
    }
    res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
    res.end();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
