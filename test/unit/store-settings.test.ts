import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadServeConfig } from '../../src/cli/config.js';
import { openStore } from '../../src/cli/open-store.js';

test('S3 settings come from the file, environment and flags, normalised', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-store-settings-'));
  const file = join(dir, 'modgate.yaml');
  await writeFile(file, 'store: s3\ns3Bucket: cache\ns3Prefix: /teams/go/\ns3ForcePathStyle: true\n');
  const config = loadServeConfig({
    flags: { s3Endpoint: 'http://127.0.0.1:9000' },
    env: { MODGATE_S3_CHECKSUM_MODE: 'when_supported', MODGATE_S3_CONDITIONAL_MULTIPART: 'true' },
    file,
  });
  assert.equal(config.store, 's3');
  assert.equal(config.s3Bucket, 'cache');
  assert.equal(config.s3Prefix, 'teams/go/');
  assert.equal(config.s3ForcePathStyle, true);
  assert.equal(config.s3Endpoint, 'http://127.0.0.1:9000');
  assert.equal(config.s3ChecksumMode, 'when_supported');
  assert.equal(config.s3ConditionalMultipart, true);
  const defaults = loadServeConfig({ flags: {}, env: {} });
  assert.equal(defaults.store, 'fs');
  assert.equal(defaults.s3ChecksumMode, 'when_required');
  assert.equal(defaults.s3ForcePathStyle, false);
  await rm(dir, { recursive: true });
});

test('bad S3 settings are reported with what would be valid', () => {
  assert.throws(
    () =>
      loadServeConfig({
        flags: { store: 'gcs', s3Prefix: 'a/../b', s3Endpoint: 'minio:9000', s3ForcePathStyle: 'yes' },
        env: { MODGATE_S3_CHECKSUM_MODE: 'always' },
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /flag --store = "gcs": expected fs or s3/);
      assert.match(err.message, /flag --s3-prefix = "a\/\.\.\/b": expected a path/);
      assert.match(err.message, /flag --s3-endpoint = "minio:9000": expected an http:\/\/ or https:\/\/ URL/);
      assert.match(err.message, /flag --s3-force-path-style = "yes": expected true or false/);
      assert.match(
        err.message,
        /MODGATE_S3_CHECKSUM_MODE = "always": expected when_required or when_supported/,
      );
      return true;
    },
  );
});

test('store s3 without a bucket, or a bucket with store fs, says what to set before touching anything', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-store-settings-'));
  const defaults = loadServeConfig({ flags: {}, env: {} });
  await assert.rejects(
    openStore({ ...defaults, store: 's3' }, dir, { cleanStaging: true }),
    (err: unknown) =>
      err instanceof ConfigError && /no bucket is set: set s3Bucket \(--s3-bucket/.test(err.message),
  );
  await assert.rejects(
    openStore({ ...defaults, s3Bucket: 'cache' }, dir, { cleanStaging: true }),
    (err: unknown) => err instanceof ConfigError && /store is "fs": set store to "s3"/.test(err.message),
  );
  await rm(dir, { recursive: true });
});
