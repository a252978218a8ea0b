import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { escapePath } from '../gomod/escape.js';
import { NotFoundError, UpstreamError } from './errors.js';
import { GoproxyTreeSource } from './goproxy-tree-source.js';
import { goPathEscape, redactUrl } from './proxy-url.js';

/** Bodies of list, .info and .mod answers are small; a larger one is an upstream error, not a reason to OOM. */
const MAX_METADATA_BYTES = 16 << 20;
/** Go prints at most this much of an error body; more is never useful in our own messages either. */
const MAX_REASON_BYTES = 648;

/** An upstream GOPROXY server reached over HTTP(S). */
export class HttpProxySource extends GoproxyTreeSource {
  readonly name: string;
  private readonly base: string;
  private readonly authorization: string | undefined;

  constructor(
    url: string,
    private readonly dispatcher: Dispatcher,
    private readonly userAgent: string,
  ) {
    super();
    const parsed = new URL(url);
    // Credentials in the URL (`https://user:token@host`) become a header: undici refuses them in URLs, and
    // keeping them out of the URL keeps them out of every message that names the upstream.
    this.authorization =
      parsed.username || parsed.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
        : undefined;
    this.name = redactUrl(parsed);
    this.base = this.name;
  }

  protected async stream(module: string, suffix: string): Promise<Readable> {
    return (await this.get(module, suffix)).body;
  }

  protected async bytes(module: string, suffix: string): Promise<Buffer> {
    const response = await this.get(module, suffix);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_METADATA_BYTES) {
          response.body.destroy();
          throw new UpstreamError(
            `${this.name}: ${module}/${suffix} is larger than ${MAX_METADATA_BYTES} bytes`,
          );
        }
        chunks.push(chunk);
      }
    } catch (err) {
      throw err instanceof UpstreamError
        ? err
        : new UpstreamError(`${this.name}: reading ${module}/${suffix}: ${message(err)}`);
    }
    return Buffer.concat(chunks);
  }

  private async get(module: string, suffix: string): Promise<Dispatcher.ResponseData> {
    const url = `${this.base}/${goPathEscape(`${escapePath(module)}/${suffix}`)}`;
    const what = `${module}/${suffix}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: new URL(url).origin,
        path: new URL(url).pathname,
        method: 'GET',
        headers: {
          'user-agent': this.userAgent,
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      const detail = status ? `answered ${status} after retries` : message(err);
      throw new UpstreamError(`${this.name}: ${what}: ${detail}`);
    }
    if (response.statusCode === 200) return response;
    const reason = await readReason(response);
    const detail = `${this.name} answered ${response.statusCode} for ${what}${reason ? `: ${reason}` : ''}`;
    if (response.statusCode === 404 || response.statusCode === 410) throw new NotFoundError(detail);
    throw new UpstreamError(detail);
  }
}

/** The upstream's own explanation, when it sent a short plain-text one (as Go proxies do). */
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
