import type { Dispatcher } from 'undici';
import { NotFoundError, UpstreamError } from './errors.js';
import { redactUrl } from './proxy-url.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Go prints at most this much of an error body; more is never useful in our own messages either. */
const MAX_REASON_BYTES = 648;

/**
 * An HTTP(S) origin that modgate reads from (a GOPROXY server, a checksum database). Credentials in its URL
 * (`https://user:token@host`) become a header: undici refuses them in URLs, and keeping them out of the URL
 * keeps them out of every message that names the origin.
 */
export class HttpOrigin {
  /** The URL without credentials or trailing slash, for requests and messages alike. */
  readonly name: string;
  private readonly origin: string;
  private readonly authorization: string | undefined;

  constructor(
    url: string,
    private readonly dispatcher: Dispatcher,
    private readonly userAgent: string,
  ) {
    const parsed = new URL(url);
    const { username, password } = parsed;
    this.authorization =
      username || password
        ? `Basic ${Buffer.from(`${decodeURIComponent(username)}:${decodeURIComponent(password)}`).toString('base64')}`
        : undefined;
    this.name = redactUrl(parsed);
    this.origin = parsed.origin;
  }

  /**
   * GETs `path` (already escaped) below the origin. 404/410 reject with NotFoundError, any other failure with
   * UpstreamError; both carry the origin's short text/plain reason when it sent one.
   */
  async get(path: string, what: string): Promise<Dispatcher.ResponseData> {
    let url = new URL(`${this.name}/${path}`);
    for (let redirects = 0; ; redirects++) {
      const response = await this.request(url, what);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode) || typeof location !== 'string')
        return this.checked(response, what);
      await response.body.dump();
      // Like the go command: at most 10 redirects, never from https down to plain http.
      const next = new URL(location, url);
      if (redirects >= MAX_REDIRECTS)
        throw new UpstreamError(`${this.name}: ${what}: more than ${MAX_REDIRECTS} redirects`);
      if (url.protocol === 'https:' && next.protocol !== 'https:') {
        throw new UpstreamError(`${this.name}: ${what}: refusing a redirect from https to ${next.protocol}`);
      }
      url = next;
    }
  }

  private async request(url: URL, what: string): Promise<Dispatcher.ResponseData> {
    // Credentials go only to the origin they were configured for, not to wherever it redirects.
    const sameOrigin = url.origin === this.origin;
    try {
      return await this.dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'GET',
        headers: {
          'user-agent': this.userAgent,
          ...(this.authorization && sameOrigin ? { authorization: this.authorization } : {}),
        },
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      throw new UpstreamError(
        `${this.name}: ${what}: ${status ? `answered ${status} after retries` : message(err)}`,
      );
    }
  }

  private async checked(response: Dispatcher.ResponseData, what: string): Promise<Dispatcher.ResponseData> {
    if (response.statusCode === 200) return response;
    const reason = await readReason(response);
    const detail = `${this.name} answered ${response.statusCode} for ${what}${reason ? `: ${reason}` : ''}`;
    if (response.statusCode === 404 || response.statusCode === 410) throw new NotFoundError(detail);
    throw new UpstreamError(detail);
  }

  /** GETs a body that must be small; a larger one is an upstream error, not a reason to run out of memory. */
  async getBytes(path: string, what: string, maxBytes: number): Promise<Buffer> {
    const response = await this.get(path, what);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new UpstreamError(`${this.name}: ${what} is larger than ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (err) {
      throw err instanceof UpstreamError
        ? err
        : new UpstreamError(`${this.name}: reading ${what}: ${message(err)}`);
    }
    return Buffer.concat(chunks);
  }
}

/** The origin's own explanation, when it sent a short plain-text one (as Go proxies do). */
async function readReason(response: Dispatcher.ResponseData): Promise<string> {
  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('text/plain')) {
    await response.body.dump();
    return '';
  }
  let text = '';
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length >= MAX_REASON_BYTES) break;
    }
  } catch {
    // A reason is a courtesy; a broken error body must not hide the status that came with it.
  } finally {
    response.body.destroy();
  }
  return text.slice(0, MAX_REASON_BYTES).split('\n\n')[0]!.replace(/\s+/g, ' ').trim();
}

function message(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
