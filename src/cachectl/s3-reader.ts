import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import aws4 from 'aws4';
import { defaultS3Region } from '../storage/s3-region.js';
import { assertSafeKey, type ByteRange } from '../storage/store.js';
import { BackendError, type RangeReader, type ReadBackend } from './backend.js';
import { parseS3Spec, type S3Flags } from './s3-location.js';

/** Credentials as the AWS environment variables give them, the first place the SDK's own chain looks. */
export interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function envCredentials(env: NodeJS.ProcessEnv): EnvCredentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

/** Network failures and these answers are tried again, as the SDK's standard retry strategy does. */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const ATTEMPTS = 3;
const TIMEOUT_MS = 60_000;

/**
 * Reads objects of `s3://bucket/prefix` with plain signed GETs (SigV4 by the aws4 library) over Node's own
 * HTTP client. Restore only reads, and it reads hundreds of small objects: the AWS SDK costs a third of a
 * second to load and about a millisecond of CPU per request, more than the objects themselves on a fast
 * link. Used when the credentials are in the environment; any other source (profiles, instance roles) goes
 * through the SDK (s3-backend.ts). The endpoint, region and addressing follow the SDK's settings.
 */
export class S3Reader implements ReadBackend, RangeReader {
  readonly name: string;
  private readonly agent: HttpAgent;
  private readonly base: URL;

  private constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    endpoint: URL,
    private readonly pathStyle: boolean,
    private readonly region: string,
    private readonly credentials: EnvCredentials,
  ) {
    this.name = `s3://${bucket}/${prefix}`;
    this.base = endpoint;
    const options = { keepAlive: true, maxSockets: 64 };
    this.agent = endpoint.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
  }

  /** Opens the bucket and checks that it answers, as openS3Backend does, with the same advice on failure. */
  static async open(spec: string, flags: S3Flags, credentials: EnvCredentials): Promise<S3Reader> {
    const { bucket, prefix } = parseS3Spec(spec);
    const env = process.env;
    const region = flags.s3Region ?? defaultS3Region(env);
    const configured = flags.s3Endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
    let endpoint: URL;
    try {
      endpoint = new URL(configured ?? `https://s3.${region}.amazonaws.com`);
      if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new BackendError(`invalid S3 endpoint ${JSON.stringify(configured)}: give an http(s):// URL`);
    }
    const reader = new S3Reader(
      bucket,
      prefix,
      endpoint,
      flags.s3ForcePathStyle ?? false,
      region,
      credentials,
    );
    let reason: string | undefined;
    try {
      const answer = await reader.send('HEAD', '');
      answer.resume();
      if (answer.statusCode !== 200) reason = `${statusName(answer.statusCode)} (HTTP ${answer.statusCode})`;
    } catch (err) {
      reason = (err as Error).message;
    }
    if (reason !== undefined) {
      await reader.close();
      throw new BackendError(
        `could not reach ${reader.name}: ${reason}\n(check the bucket, the endpoint (--s3-endpoint or AWS_ENDPOINT_URL), ` +
          'the region (--s3-region or AWS_REGION), --s3-force-path-style for services other than AWS, ' +
          'and the credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)',
      );
    }
    return reader;
  }

  open(key: string): Promise<Readable | undefined> {
    return this.get(key);
  }

  openRange(key: string, range: ByteRange): Promise<Readable | undefined> {
    return this.get(key, range);
  }

  private async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    assertSafeKey(key);
    const where = `${this.name}${key}`;
    const response = await this.send('GET', this.prefix + key, range).catch((err: Error) => {
      throw new Error(`could not read ${where}: ${err.message}`);
    });
    if (response.statusCode === (range ? 206 : 200)) return response;
    response.resume();
    if (response.statusCode === 404) return undefined;
    throw new Error(
      `could not read ${where}: ${statusName(response.statusCode)} (HTTP ${response.statusCode})`,
    );
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /** One signed request for an object key ('' for the bucket), tried again on network errors and 5xx. */
  private async send(method: 'GET' | 'HEAD', objectKey: string, range?: ByteRange): Promise<IncomingMessage> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.sendOnce(method, objectKey, range);
        if (attempt === ATTEMPTS || !RETRYABLE.has(response.statusCode ?? 0)) return response;
        response.resume();
      } catch (err) {
        if (attempt === ATTEMPTS) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }

  private sendOnce(method: 'GET' | 'HEAD', objectKey: string, range?: ByteRange): Promise<IncomingMessage> {
    const encodedKey = objectKey.split('/').map(encodeKeySegment).join('/');
    const basePath = this.base.pathname.replace(/\/$/, '');
    const host = this.pathStyle ? this.base.host : `${this.bucket}.${this.base.host}`;
    const path = this.pathStyle ? `${basePath}/${this.bucket}/${encodedKey}` : `${basePath}/${encodedKey}`;
    const signed = aws4.sign(
      {
        method,
        host,
        path,
        service: 's3',
        region: this.region,
        headers: { Host: host, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) },
      },
      this.credentials,
    );
    const send = this.base.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send({
        protocol: this.base.protocol,
        hostname: this.pathStyle ? this.base.hostname : `${this.bucket}.${this.base.hostname}`,
        port: this.base.port,
        method,
        path,
        headers: signed.headers,
        agent: this.agent,
        timeout: TIMEOUT_MS,
      });
      req.once('response', resolve);
      req.once('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
      req.once('error', reject);
      req.end();
    });
  }
}

/** S3 keys as a URL path segment: everything but RFC 3986's unreserved characters is escaped, as S3 expects. */
function encodeKeySegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A HEAD answer has no body to name the error, so the status says it, in the SDK's words. */
function statusName(status: number | undefined): string {
  return status === 404
    ? 'NotFound'
    : status === 403
      ? 'Forbidden'
      : status === 301
        ? 'PermanentRedirect'
        : 'Error';
}
