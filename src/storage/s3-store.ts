import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertSafeKey,
  type ByteRange,
  type ObjectInfo,
  type PutBody,
  type PutResult,
  type Store,
} from './store.js';

export type S3ChecksumMode = 'when_required' | 'when_supported';

export interface S3StoreOptions {
  bucket: string;
  /** Prepended to every key, so one bucket can hold several stores; '' or a path ending in '/'. */
  prefix: string;
  /** For S3-compatible services (Ceph RGW, MinIO, R2, GCS); undefined means AWS itself. */
  endpoint: string | undefined;
  region: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`, which most non-AWS services need. */
  forcePathStyle: boolean;
  /**
   * Whether the SDK adds its CRC checksums to every request and validates them on every response
   * ('when_supported') or only where the API demands them ('when_required'). Many S3-compatible services
   * reject or corrupt streamed uploads with the newer checksums, so 'when_required' is the compatible choice;
   * single-request uploads still carry a Content-MD5 either way.
   */
  checksumMode: S3ChecksumMode;
  /** A local directory for staging downloads before they are verified and uploaded. */
  stagingDir: string;
  /** Explicit credentials; by default the standard AWS chain (AWS_* variables, profiles, instance roles). */
  credentials?: S3ClientConfig['credentials'];
  /** Files larger than this are uploaded in parts of this size (S3's minimum part size is 5 MiB). */
  partSize?: number;
  /**
   * Whether the service honours If-None-Match on CompleteMultipartUpload (AWS S3 and MinIO do; Ceph RGW 16
   * ignores it and overwrites). Without it, create-if-absent uploads are single PutObject requests of any
   * size up to S3's 5 GiB limit, ten times Go's largest module zip, because only those are conditional
   * everywhere; uploads that replace still go in parts.
   */
  conditionalMultipart?: boolean;
  /** Keys per ListObjectsV2 request (S3's maximum, 1000, by default). */
  listPageSize?: number;
}

export { defaultS3Region } from './s3-region.js';

const DEFAULT_PART_SIZE = 8 << 20;
const MAX_CONNECTIONS = 256;
/** Concurrent conditional writes to one key may be refused with 409 while another is in flight; AWS says retry. */
const CONFLICT_RETRIES = 5;

/**
 * A store in an S3 bucket with the same key layout as the disk store, under an optional prefix. Objects are
 * written whole (S3 never shows a partial object), and create-if-absent is a conditional write
 * (`If-None-Match: *`) so that the first writer wins even across machines and stored artifacts never change.
 */
export class S3Store implements Store {
  readonly stagingDir: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly listPageSize: number;
  private readonly conditionalMultipart: boolean;

  private constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.stagingDir = options.stagingDir;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.listPageSize = options.listPageSize ?? 1000;
    this.conditionalMultipart = options.conditionalMultipart ?? false;
    const checksums = options.checksumMode === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      // Every zip being served holds a connection for as long as its client takes to read it; the SDK's
      // default of 50 connections would queue the next download behind them.
      requestHandler: {
        connectionTimeout: 10_000,
        httpAgent: { keepAlive: true, maxSockets: MAX_CONNECTIONS },
        httpsAgent: { keepAlive: true, maxSockets: MAX_CONNECTIONS },
      },
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  /** Opens the store and its local staging directory; `cleanStaging` as for FsStore.open. */
  static async open(options: S3StoreOptions & { cleanStaging: boolean }): Promise<S3Store> {
    if (options.prefix !== '' && (!options.prefix.endsWith('/') || options.prefix.startsWith('/')))
      throw new Error(`S3 prefix ${JSON.stringify(options.prefix)} must be empty or a path ending in "/"`);
    const store = new S3Store(options);
    if (options.cleanStaging) await rm(store.stagingDir, { recursive: true, force: true });
    await mkdir(store.stagingDir, { recursive: true });
    return store;
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    return this.request('stat', key, async (Key) => {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return objectInfo(head, head.ContentLength);
    });
  }

  async read(key: string, range?: ByteRange) {
    return this.request('read', key, async (Key) => {
      const got = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      // A ranged answer's Content-Length is the range's; the object's size is after the slash of Content-Range.
      const size = range ? Number(got.ContentRange?.split('/')[1]) : got.ContentLength;
      const body = got.Body as Readable;
      try {
        return { info: objectInfo(got, size), body };
      } catch (err) {
        body.destroy();
        throw err;
      }
    });
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    return this.request('read', key, async (Key) => {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return Buffer.from(await got.Body!.transformToByteArray());
    });
  }

  async put(key: string, body: PutBody, options: { ifAbsent: boolean }): Promise<PutResult> {
    try {
      const size = 'file' in body ? (await stat(body.file)).size : body.bytes.length;
      const inParts =
        'file' in body && size > this.partSize && (!options.ifAbsent || this.conditionalMultipart);
      for (let attempt = 0; ; attempt++) {
        try {
          if (inParts) await this.putInParts(key, body.file, options);
          else await this.putWhole(key, body, size, options.ifAbsent ? { IfNoneMatch: '*' } : {});
          return 'created';
        } catch (err) {
          const status = httpStatus(err);
          if (options.ifAbsent && status === 412) return 'exists';
          if (!(options.ifAbsent && status === 409 && attempt < CONFLICT_RETRIES))
            throw this.failure('put', key, err);
          await setTimeout(50 * 2 ** attempt);
        }
      }
    } finally {
      // A put consumes a staged file, as the disk store's rename does.
      if ('file' in body) await rm(body.file, { force: true });
    }
  }

  async replaceIf(key: string, body: PutBody, etag: string | undefined): Promise<'replaced' | 'changed'> {
    try {
      const size = 'file' in body ? (await stat(body.file)).size : body.bytes.length;
      if (etag === undefined) {
        return (await this.conditionalPut(key, body, size, { IfNoneMatch: '*' })) ? 'replaced' : 'changed';
      }
      // The ETag bare first: AWS S3 and MinIO take it either way, while Ceph RGW and DigitalOcean Spaces compare
      // the header with the bare tag and refuse a quoted one. A service refusing the tag the object still has
      // spells it the other way: quoted, as RFC 9110 has it.
      const bare = etag.replaceAll('"', '');
      for (const spelling of [bare, `"${bare}"`]) {
        if (await this.conditionalPut(key, body, size, { IfMatch: spelling })) return 'replaced';
        if ((await this.stat(key))?.etag.replaceAll('"', '') !== bare) return 'changed';
      }
      throw this.failure(
        'put',
        key,
        new Error(
          `the service refuses If-Match with the object's own ETag ${etag}, quoted or not: it does not do conditional ` +
            'writes as S3 does; use a service that does (AWS S3, Ceph RGW, MinIO, R2), or let one job save at a time',
        ),
      );
    } finally {
      if ('file' in body) await rm(body.file, { force: true });
    }
  }

  /**
   * A PutObject under a condition: false when it does not hold (412; 409 when another write to the object is
   * under way). A service without conditional writes (501) gets the object replaced unconditionally: the last
   * writer wins, as it would with any store that cannot compare.
   */
  private async conditionalPut(
    key: string,
    body: PutBody,
    size: number,
    condition: { IfNoneMatch?: string; IfMatch?: string },
  ): Promise<boolean> {
    try {
      await this.putWhole(key, body, size, condition);
      return true;
    } catch (err) {
      const status = httpStatus(err);
      if (status === 412 || status === 409) return false;
      if (status !== 501) throw this.failure('put', key, err);
    }
    try {
      await this.putWhole(key, body, size, {});
      return true;
    } catch (err) {
      throw this.failure('put', key, err);
    }
  }

  /**
   * One PutObject, streamed from a file or sent from memory. Its Content-MD5 lets the service refuse bytes
   * damaged on the way even when the SDK's own checksums are off.
   */
  private async putWhole(
    key: string,
    body: PutBody,
    size: number,
    condition: { IfNoneMatch?: string; IfMatch?: string },
  ): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: 'file' in body ? createReadStream(body.file) : body.bytes,
        ContentLength: size,
        ContentMD5: await md5Base64(body),
        ...condition,
      }),
    );
  }

  /** A multipart upload: parts go up concurrently and the object appears whole when the upload completes. */
  private async putInParts(key: string, file: string, options: { ifAbsent: boolean }): Promise<void> {
    const upload = new Upload({
      client: this.client,
      partSize: this.partSize,
      queueSize: 4,
      params: {
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: createReadStream(file),
        ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}),
      },
    });
    await upload.done();
  }

  async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            MaxKeys: this.listPageSize,
            ContinuationToken: token,
          }),
        )
        .catch((err: unknown) => {
          throw this.failure('list', prefix, err);
        });
      for (const object of page.Contents ?? []) {
        if (object.Key) yield object.Key.slice(this.prefix.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    await this.request('delete', key, (Key) =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })),
    );
  }

  /** Ready when the bucket answers with these credentials: one HEAD request, cheap enough for every probe. */
  async checkReady(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket })).catch((err: unknown) => {
      throw this.failure('reach', '', err);
    });
  }

  /** Stops the client's connections, for a clean shutdown. */
  close(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return this.prefix + key;
  }

  /** Runs one request for one key: a missing object is undefined, any other failure a named error. */
  private async request<T>(operation: string, key: string, send: (objectKey: string) => Promise<T>) {
    const objectKey = this.objectKey(key);
    try {
      return await send(objectKey);
    } catch (err) {
      if (httpStatus(err) === 404 && !isMissingBucket(err)) return undefined;
      throw this.failure(operation, key, err);
    }
  }

  /** An error that says which bucket and key failed and why; it never carries the request or credentials. */
  private failure(operation: string, key: string, err: unknown): Error {
    const where = `s3://${this.bucket}/${this.prefix}${key}`;
    const status = httpStatus(err);
    // Answers without a body (HEAD) carry no message; the SDK then says "UnknownError", which helps nobody.
    const message = (err as Error).message;
    const reason =
      err instanceof S3ServiceException
        ? `${err.name}${status ? ` (HTTP ${status})` : ''}${message && message !== 'UnknownError' ? `: ${message}` : ''}`
        : message;
    return new Error(`could not ${operation} ${where}: ${reason}`, { cause: err });
  }
}

async function md5Base64(body: PutBody): Promise<string> {
  const hash = createHash('md5');
  if ('file' in body) for await (const chunk of createReadStream(body.file)) hash.update(chunk as Buffer);
  else hash.update(body.bytes);
  return hash.digest('base64');
}

function objectInfo(
  response: { ETag?: string | undefined; LastModified?: Date | undefined },
  size: number | undefined,
): ObjectInfo {
  if (size === undefined || !Number.isFinite(size) || !response.ETag)
    throw new Error('the S3 service answered without the object size or ETag');
  return { size, etag: response.ETag, modified: response.LastModified ?? new Date(0) };
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** A 404 for the bucket is a configuration problem, not a missing object, and must not read as "not cached". */
function isMissingBucket(err: unknown): boolean {
  return (err as Error).name === 'NoSuchBucket';
}
