import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { isNotFound } from '../sources/errors.js';
import { HttpOrigin } from '../sources/http-get.js';
import { goPathEscape } from '../sources/proxy-url.js';
import type { ReadBackend } from './backend.js';

/**
 * A GOPROXY server (a modgate server, or any other proxy) as a place to restore from: the storage keys are the
 * protocol's own URL paths. It is read-only on purpose: a modgate server fills itself from its upstreams as it
 * serves, so there is nothing to upload to it (see cache-command.ts).
 */
export class ProxyBackend implements ReadBackend {
  private readonly origin: HttpOrigin;

  constructor(
    url: string,
    private readonly dispatcher: Dispatcher,
    userAgent: string,
  ) {
    this.origin = new HttpOrigin(url, dispatcher, userAgent);
  }

  get name(): string {
    return this.origin.name;
  }

  async open(key: string): Promise<Readable | undefined> {
    try {
      return (await this.origin.get(goPathEscape(key), key)).body;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
