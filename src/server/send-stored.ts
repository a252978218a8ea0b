import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import rangeParser from 'range-parser';
import type { ObjectInfo, Store } from '../storage/store.js';

/** Objects up to this size are kept in memory once read: .info and .mod files, the bulk of all requests. */
const SMALL_OBJECT_BYTES = 64 << 10;

/**
 * Serves stored objects with the HTTP a download client expects: ETag and If-None-Match, Range and If-Range
 * (the newest go commands resume interrupted zips this way), HEAD, and long-lived caching for immutable ones.
 */
export class StoredObjectSender {
  private readonly small: LRUCache<string, { info: ObjectInfo; bytes: Buffer }>;

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
    headers: { contentType: string; cacheControl: string; immutable: boolean },
  ): Promise<FastifyReply> {
    const cached = headers.immutable ? this.small.get(key) : undefined;
    const info = cached?.info ?? (await this.store.stat(key));
    if (!info) throw new Error(`stored object ${key} disappeared while being served`);
    reply
      .header('content-type', headers.contentType)
      .header('cache-control', headers.cacheControl)
      .header('etag', info.etag)
      .header('last-modified', info.modified.toUTCString())
      .header('accept-ranges', 'bytes');

    if (matchesEtag(request.headers['if-none-match'], info.etag)) return reply.code(304).send();

    const range = this.requestedRange(request, info);
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${info.size}`).send();
    }
    const length = range ? range.end - range.start + 1 : info.size;
    reply.header('content-length', length);
    if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    if (request.method === 'HEAD') return reply.send();

    if (headers.immutable && info.size <= SMALL_OBJECT_BYTES) {
      const bytes = cached?.bytes ?? (await this.store.readBytes(key));
      if (!bytes) throw new Error(`stored object ${key} disappeared while being served`);
      if (!cached) this.small.set(key, { info, bytes });
      return reply.send(range ? bytes.subarray(range.start, range.end + 1) : bytes);
    }
    const opened = await this.store.read(key, range);
    if (!opened) throw new Error(`stored object ${key} disappeared while being served`);
    return reply.send(opened.body);
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

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
