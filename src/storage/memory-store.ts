import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  assertSafeKey,
  type ByteRange,
  type ObjectInfo,
  type PutBody,
  type PutResult,
  type Store,
} from './store.js';

interface Entry {
  bytes: Buffer;
  info: ObjectInfo;
}

/** A store in memory, for unit tests. */
export class MemoryStore implements Store {
  readonly stagingDir = mkdtempSync(join(tmpdir(), 'modgate-mem-'));
  private readonly objects = new Map<string, Entry>();

  async stat(key: string): Promise<ObjectInfo | undefined> {
    assertSafeKey(key);
    return this.objects.get(key)?.info;
  }

  async read(key: string, range?: ByteRange) {
    const entry = this.objects.get(key);
    if (!entry) return undefined;
    const bytes = range ? entry.bytes.subarray(range.start, range.end + 1) : entry.bytes;
    return { info: entry.info, body: Readable.from([bytes]) };
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    return this.objects.get(key)?.bytes;
  }

  async put(key: string, body: PutBody, options: { ifAbsent: boolean }): Promise<PutResult> {
    assertSafeKey(key);
    const bytes = 'file' in body ? await readFile(body.file) : Buffer.from(body.bytes);
    if ('file' in body) await rm(body.file, { force: true });
    if (options.ifAbsent && this.objects.has(key)) return 'exists';
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
    this.objects.set(key, { bytes, info: { size: bytes.length, etag, modified: new Date() } });
    return 'created';
  }

  async *list(prefix: string): AsyncIterable<string> {
    yield* [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}
