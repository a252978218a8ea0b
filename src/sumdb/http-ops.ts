import { Agent, type Dispatcher, interceptors, request } from 'undici';
import { SumdbNotFoundError, SumdbTransientError } from './client-errors.js';
import type { SumdbClientOps } from './client-ops.js';
import { DirStore } from './dir-store.js';

export interface HttpSumdbOpsOptions {
  /** Whole-request limit, connection to last byte. */
  timeoutMs?: number;
  /** Tiles are at most 8 KiB and records a few lines; anything much bigger is not a checksum database. */
  maxBodyBytes?: number;
  /** A shared pool (for example modgate's upstream client); by default a private one with timeouts. */
  dispatcher?: Dispatcher;
  /** Where security errors go; console.error by default, since they must never pass silently. */
  onSecurityError?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BODY = 1 << 20;

/**
 * SumdbClientOps over HTTP (undici) and one directory per database: `<dir>/lookup/...`, `<dir>/tile/...` and
 * `<dir>/latest`, the last verified signed tree head.
 */
export class HttpSumdbOps implements SumdbClientOps {
  private readonly store: DirStore;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly dispatcher: Dispatcher;
  private readonly onSecurityError: (message: string) => void;

  constructor(cacheDir: string, options: HttpSumdbOpsOptions = {}) {
    this.store = new DirStore(cacheDir);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: Math.min(this.timeoutMs, 10_000) },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      }).compose(interceptors.redirect({ maxRedirections: 3 }));
    this.onSecurityError = options.onSecurityError ?? ((message) => console.error(message));
  }

  async fetch(url: string): Promise<Buffer> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new SumdbTransientError(url, describe(err), { cause: err });
    }
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => {});
      if (res.statusCode === 404 || res.statusCode === 410) throw new SumdbNotFoundError(url, res.statusCode);
      throw new SumdbTransientError(url, `unexpected status ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          res.body.destroy();
          throw new SumdbTransientError(url, `response larger than ${this.maxBodyBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof SumdbTransientError) throw err;
      throw new SumdbTransientError(url, describe(err), { cause: err });
    }
    return Buffer.concat(chunks);
  }

  async readCache(file: string): Promise<Buffer | undefined> {
    // Go treats any cache read error as a miss; the data is re-fetched and re-verified.
    return this.store.read(file).catch(() => undefined);
  }

  writeCache(file: string, data: Uint8Array): Promise<void> {
    return this.store.write(file, data);
  }

  async readConfig(file: string): Promise<Buffer> {
    return (await this.store.read(configPath(file))) ?? Buffer.alloc(0);
  }

  writeConfig(file: string, old: Uint8Array, data: Uint8Array): Promise<void> {
    return this.store.compareAndSwap(configPath(file), old, data);
  }

  securityError(message: string): void {
    this.onSecurityError(message);
  }
}

/** "<name>/latest" → "latest": the directory already belongs to one database, and names may contain "/". */
function configPath(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const inner = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${typeof code === 'string' ? `${code} ` : ''}${err.message}${inner}`;
  }
  return String(err);
}
