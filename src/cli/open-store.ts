import { join } from 'node:path';
import { FsStore, STAGING } from '../storage/fs-store.js';
import { defaultS3Region, S3Store } from '../storage/s3-store.js';
import type { Store } from '../storage/store.js';
import { ConfigError } from './config.js';
import type { ServeConfig } from './settings.js';

type StoreSettings = Pick<
  ServeConfig,
  | 'store'
  | 's3Bucket'
  | 's3Prefix'
  | 's3Endpoint'
  | 's3Region'
  | 's3ForcePathStyle'
  | 's3ChecksumMode'
  | 's3ConditionalMultipart'
>;

/**
 * Opens the configured store. An S3 store still stages downloads in the local data directory (where the
 * workers' lock files live too), and is checked to be reachable now, so that a wrong bucket, endpoint or
 * credentials stop the server at start rather than fail every download.
 */
export async function openStore(
  config: StoreSettings,
  dataDir: string,
  options: { cleanStaging: boolean },
): Promise<Store> {
  if (config.store === 'fs') {
    if (config.s3Bucket !== '')
      throw new ConfigError(
        `invalid configuration:\n  - s3Bucket is "${config.s3Bucket}" but store is "fs": set store to "s3" (--store s3 or MODGATE_STORE=s3) to keep artifacts in the bucket`,
      );
    return FsStore.open(dataDir, options);
  }
  if (config.s3Bucket === '')
    throw new ConfigError(
      'invalid configuration:\n  - store is "s3" but no bucket is set: set s3Bucket (--s3-bucket, MODGATE_S3_BUCKET or key s3Bucket in the config file)',
    );
  const store = await S3Store.open({
    bucket: config.s3Bucket,
    prefix: config.s3Prefix,
    endpoint: config.s3Endpoint || undefined,
    region: config.s3Region || defaultS3Region(process.env),
    forcePathStyle: config.s3ForcePathStyle,
    checksumMode: config.s3ChecksumMode,
    conditionalMultipart: config.s3ConditionalMultipart,
    stagingDir: join(dataDir, STAGING),
    cleanStaging: options.cleanStaging,
  });
  try {
    await store.checkReady();
  } catch (err) {
    store.close();
    throw new Error(
      `${(err as Error).message}\n(check s3Bucket, s3Endpoint, s3Region and the AWS credentials in the environment)`,
    );
  }
  return store;
}
