import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultS3Region, S3Store } from '../storage/s3-store.js';
import { BackendError, StoreBackend } from './backend.js';
import { parseS3Spec, type S3Flags } from './s3-location.js';

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
