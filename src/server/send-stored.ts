import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import rangeParser from 'range-parser';
import type { ObjectInfo, Store } from '../storage/store.js';

/**
 * Immutable objects up to this size are kept in memory once read: every .info and .mod, and most module
 * zips. Larger zips stream from storage.
 */
const SMALL_OBJECT_BYTES = 1 << 20;

/**
 * Serves stored objects with the HTTP a download client expects: ETag and If-None-Match, Range and If-Range
 * (the newest go commands resume interrupted zips this way), HEAD, and long-lived caching for immutable ones.
 */
interface SmallObject {
  info: ObjectInfo;
  bytes: Buffer;
  /** The headers of a plain 200 answer, built once. */
  headers: Record<string, string | number>;
}

export interface SendHeaders {
  contentType: string;
  cacheControl: string;
  immutable: boolean;
}

export class StoredObjectSender {
  private readonly small: LRUCache<string, SmallObject>;

  constructor(
    private readonly store: Store,
    memoryBytes: number,
  ) {
    this.small = new LRUCache({
      maxSize: Math.max(memoryBytes, 1),
      sizeCalculation: (v) => v.bytes.length + 200,
    });
  }

  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    headers: SendHeaders,
  ): Promise<boolean> {
    const cached = headers.immutable ? this.small.get(key) : undefined;
    const info = cached?.info ?? (await this.store.stat(key));
    // Gone (removed by an operator): nothing is sent, the caller decides, typically to fetch it again.
    if (!info) return false;
    reply
      .header('content-type', headers.contentType)
      .header('cache-control', headers.cacheControl)
      .header('etag', info.etag)
      .header('last-modified', info.modified.toUTCString())
      .header('accept-ranges', 'bytes');

    if (matchesEtag(request.headers['if-none-match'], info.etag)) {
      reply.code(304).send();
      return true;
    }

    const range = this.requestedRange(request, info);
    if (range === 'unsatisfiable') {
      reply.code(416).header('content-range', `bytes */${info.size}`).send();
      return true;
    }
    const length = range ? range.end - range.start + 1 : info.size;
    reply.header('content-length', length);
    if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    if (request.method === 'HEAD') {
      reply.send();
      return true;
    }

    if (headers.immutable && info.size <= SMALL_OBJECT_BYTES) {
      const bytes = cached?.bytes ?? (await this.store.readBytes(key));
      if (!bytes) throw new Error(`stored object ${key} disappeared while being served`);
      if (!cached) this.small.set(key, { info, bytes, headers: plainHeaders(info, headers) });
      reply.send(range ? bytes.subarray(range.start, range.end + 1) : bytes);
      return true;
    }
    const opened = await this.store.read(key, range);
    if (!opened) throw new Error(`stored object ${key} disappeared while being served`);
    reply.send(opened.body);
    return true;
  }

  /**
   * Answers a plain GET (no Range, no conditional headers) for an object already in memory straight on the
   * raw response, with no framework in between: the warm path that carries most of a CI fleet's traffic.
   * Returns false when it cannot, and the request takes the normal route.
   */
  sendFromMemory(key: string, request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET' || request.headers.range || request.headers['if-none-match']) return false;
    const cached = this.small.get(key);
    if (!cached) return false;
    response.writeHead(200, cached.headers);
    response.end(cached.bytes);
    return true;
  }

  /** A single satisfiable range, undefined for the whole object; multi-range requests get the whole object. */
  private requestedRange(request: FastifyRequest, info: ObjectInfo) {
    const header = request.headers.range;
    if (!header) return undefined;
    const ifRange = request.headers['if-range'];
    if (ifRange !== undefined && ifRange !== info.etag && ifRange !== info.modified.toUTCString())
      return undefined;
    const parsed = rangeParser(info.size, header, { combine: true });
    if (parsed === -1) return 'unsatisfiable' as const;
    if (parsed === -2 || parsed.type !== 'bytes' || parsed.length !== 1) return undefined;
    return { start: parsed[0]!.start, end: parsed[0]!.end };
  }
}

function plainHeaders(info: ObjectInfo, headers: SendHeaders): Record<string, string | number> {
  return {
    'content-type': headers.contentType,
    'cache-control': headers.cacheControl,
    etag: info.etag,
    'last-modified': info.modified.toUTCString(),
    'accept-ranges': 'bytes',
    'content-length': info.size,
  };
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
