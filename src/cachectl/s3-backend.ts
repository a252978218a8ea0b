import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultS3Region, S3Store } from '../storage/s3-store.js';
import { BackendError, StoreBackend } from './backend.js';

/** The S3 connection flags. Credentials are deliberately not among them: they come from the AWS environment. */
export interface S3Flags {
  s3Endpoint?: string;
  s3Region?: string;
  s3ForcePathStyle?: boolean;
}

export interface S3Location {
  bucket: string;
  /** '' or a key prefix ending in '/', as S3Store takes it. */
  prefix: string;
}

// AWS's bucket naming rules: radosgw and MinIO enforce the same by default.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads `s3://bucket` or `s3://bucket/some/prefix[/]`; anything else is a BackendError saying what is wrong. */
export function parseS3Spec(spec: string): S3Location {
  const match = /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/i.exec(spec);
  const bad = (why: string) => new BackendError(`invalid S3 backend ${JSON.stringify(spec)}: ${why}`);
  if (!match) throw bad('use s3://bucket/prefix, with no query or fragment');
  const [, bucket = '', path = ''] = match;
  if (bucket.includes('@'))
    // Not repeated in the message: the log must not show the secret a second time.
    throw new BackendError(
      'invalid S3 backend: credentials do not belong in the URL, where logs and process lists show them: ' +
        'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) instead',
    );
  if (!BUCKET.test(bucket))
    throw bad(
      `${JSON.stringify(bucket)} is not a bucket name (3-63 lowercase letters, digits, dots, hyphens)`,
    );
  const segments = path.split('/');
  if (segments.at(-1) === '') segments.pop();
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw bad('the prefix must not have empty, "." or ".." parts');
  return { bucket, prefix: segments.length === 0 ? '' : `${segments.join('/')}/` };
}

/**
 * Opens `s3://bucket/prefix` for save or restore. Endpoint and region come from the flags, else from the AWS
 * SDK's own settings (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION); credentials only from the SDK's
 * chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance roles). The bucket is checked to be
 * reachable now, so a wrong bucket, endpoint or credentials are bad input rather than a failure per module.
 */
export async function openS3Backend(spec: string, flags: S3Flags): Promise<StoreBackend> {
  const { bucket, prefix } = parseS3Spec(spec);
  const name = `s3://${bucket}/${prefix}`;
  // Save copies each file here to check it before upload; restore never writes here.
  const stagingDir = await mkdtemp(join(tmpdir(), 'modgate-cache-s3-'));
  const store = await S3Store.open({
    bucket,
    prefix,
    endpoint: flags.s3Endpoint,
    region: flags.s3Region ?? defaultS3Region(process.env),
    forcePathStyle: flags.s3ForcePathStyle ?? false,
    // Every file is checked against go.sum on both sides, and this mode works with every S3-compatible service.
    checksumMode: 'when_required',
    stagingDir,
    cleanStaging: false,
  });
  const release = async () => {
    store.close();
    await rm(stagingDir, { recursive: true, force: true });
  };
  try {
    await store.checkReady();
  } catch (err) {
    await release();
    throw new BackendError(
      `${(err as Error).message}\n(check the bucket, the endpoint (--s3-endpoint or AWS_ENDPOINT_URL), ` +
        'the region (--s3-region or AWS_REGION), --s3-force-path-style for services other than AWS, ' +
        'and the credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)',
    );
  }
  return new StoreBackend(store, name, release);
}
