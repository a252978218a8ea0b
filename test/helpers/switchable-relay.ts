import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP relay on 127.0.0.1 that passes every request on to the server currently chosen, so a test can make
 * an upstream turn bad, and honest again, behind one URL that modgate was started with.
 */
export class SwitchableRelay {
  /** Requests passed on so far. */
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    public target: string,
  ) {}

  static async start(target: string): Promise<SwitchableRelay> {
    const server = createServer();
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const relay = new SwitchableRelay(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      target,
    );
    server.on('request', async (req, res) => {
      relay.requests++;
      try {
        const answer = await fetch(`${relay.target}${req.url}`, { method: req.method });
        const type = answer.headers.get('content-type');
        res.writeHead(answer.status, type ? { 'content-type': type } : {});
        res.end(Buffer.from(await answer.arrayBuffer()));
      } catch (err) {
        res.writeHead(502).end(`relay: ${(err as Error).message}`);
      }
    });
    return relay;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((closed) => this.server.close(closed));
  }
}
