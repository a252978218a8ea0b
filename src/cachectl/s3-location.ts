import { BackendError } from './backend.js';

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
