import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** What the fake-but-real upstream does for one request, to exercise modgate's unhappy paths. */
export type Fault =
  | 'serve'
  | '404'
  | '410'
  | '500'
  | '429'
  | 'refuse'
  | 'hang'
  | 'cut'
  | 'stall'
  | 'redirect';

/**
 * A static HTTP(S) server over a GOPROXY tree on 127.0.0.1 that counts requests, can demand credentials, and
 * can misbehave per path: answer 404/410/500, reset the connection, never answer, cut a body short or stall.
 */
export class UpstreamServer {
  readonly requests: string[] = [];
  fault: (path: string) => Fault = () => 'serve';
  /** Whether a request may be answered, given its Authorization header; refused ones get 401, like a private host. */
  authorize: (path: string, authorization: string | undefined) => boolean = () => true;
  /** Delay before answering, to let concurrent requests pile up. */
  delayMs = 0;
  private readonly server: Server;
  private readonly scheme: 'http' | 'https';
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly root: string,
    tls: { key: string; cert: string } | undefined,
  ) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = tls ? createTlsServer(tls, handler) : createServer(handler);
    this.scheme = tls ? 'https' : 'http';
  }

  /** Serves `root` over plain HTTP, or over HTTPS with `tls` (PEM key and certificate). */
  static async start(root: string, tls?: { key: string; cert: string }): Promise<UpstreamServer> {
    const upstream = new UpstreamServer(root, tls);
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(pathSuffix: string): number {
    return this.requests.filter((p) => p.endsWith(pathSuffix)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.requests.push(path);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (!this.authorize(path, req.headers.authorization)) {
      res.writeHead(401, {
        'content-type': 'text/plain; charset=utf-8',
        'www-authenticate': 'Basic realm="modules"',
      });
      res.end(`credentials required for ${path}\n`);
      return;
    }
    const fault = this.fault(path);
    if (fault === 'refuse') {
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (fault === '404' || fault === '410' || fault === '500' || fault === '429') {
      res.writeHead(Number(fault), { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`upstream says ${fault} for ${path}\n`);
      return;
    }
    if (fault === 'redirect') {
      // Like a proxy that sends downloads to blob storage: the same file under /mirror/.
      res.writeHead(302, { location: `/mirror${path}` });
      res.end();
      return;
    }
    const file = join(this.root, decodeURIComponent(path.replace(/^\/mirror\//, '/')));
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-length': info.size });
    if (fault === 'cut' || fault === 'stall') {
      // Promise the whole file, send half, then drop the connection (cut) or go silent (stall).
      const half = createReadStream(file, { start: 0, end: Math.floor(info.size / 2) });
      if (fault === 'cut') half.on('end', () => req.socket.destroy());
      else this.hanging.add(res);
      half.pipe(res, { end: false });
      return;
    }
    createReadStream(file).pipe(res);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
