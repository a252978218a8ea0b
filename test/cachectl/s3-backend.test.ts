import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Radosgw } from '../helpers/radosgw.js';
import {
  CacheProject,
  type CliResult,
  DEP,
  type RestoreJson,
  type SaveJson,
  TAMPERED_ZIP_REFUSED,
  writeTamperedDepZip,
} from './cache-project.js';

const PREFIX = 'ci/go-modules/';

describe('an S3 bucket as the cache: Ceph radosgw and the real go command', () => {
  let p: CacheProject;
  let gw: Radosgw;
  let bucket: string;
  let backend: string;

  before(async () => {
    gw = await Radosgw.start();
    bucket = await gw.createBucket();
    backend = `s3://${bucket}/${PREFIX}`;
    p = await CacheProject.create('cache-s3');
    await p.downloadDependencies();
  });

  after(async () => {
    await p?.dispose();
    await gw?.stop();
  });

  /** Credentials only through the environment; no instance-metadata lookup, which would only time out here. */
  const awsEnv = (extra: Record<string, string> = {}) => ({
    ...gw.credentialsEnv,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
  const endpointFlags = () => ['--s3-endpoint', gw.endpoint, '--s3-force-path-style'];

  function assertNoSecret(result: CliResult): void {
    assert.ok(!`${result.stdout}${result.stderr}`.includes(gw.secretAccessKey), 'the secret key was printed');
  }

  async function objectKeys(): Promise<string[]> {
    const client = gw.client();
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: PREFIX }));
      return (listed.Contents ?? []).map((o) => o.Key!).sort();
    } finally {
      client.destroy();
    }
  }

  async function putObject(key: string, body: Buffer): Promise<void> {
    const client = gw.client();
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    } finally {
      client.destroy();
    }
  }

  async function readCatalog(): Promise<{
    format: number;
    packs: Record<string, Array<[string, number, number]>>;
  }> {
    const client = gw.client();
    try {
      const got = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${PREFIX}_modgate/packs.json.gz` }),
      );
      return JSON.parse(gunzipSync(await got.Body!.transformToByteArray()).toString('utf8'));
    } finally {
      client.destroy();
    }
  }

  test('save uploads each module file once under the prefix, then nothing', async () => {
    const first = await p.cacheJson<SaveJson>(['save', '--to', backend, ...endpointFlags()], awsEnv());
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.report.uploaded, 6);
    assert.deepEqual(first.report.uploadedModules, ['example.com/Dep@v1.0.0', 'example.com/app/lib@v1.0.0']);
    assertNoSecret(first);
    // One pack of the six files, and the catalog that says where in it each one is.
    const keys = await objectKeys();
    assert.equal(keys.length, 2, keys.join(', '));
    assert.equal(keys[0], `${PREFIX}_modgate/packs.json.gz`);
    assert.match(keys[1]!, new RegExp(`^${PREFIX}_modgate/packs/[0-9a-f]{64}$`));
    const catalog = await readCatalog();
    assert.deepEqual(
      Object.values(catalog.packs)
        .flat()
        .map(([key]) => key)
        .sort(),
      ['example.com/!dep/@v/v1.0.0', 'example.com/app/lib/@v/v1.0.0'].flatMap((base) =>
        ['info', 'mod', 'zip'].map((ext) => `${base}.${ext}`),
      ),
    );

    const again = await p.cacheJson<SaveJson>(['save', '--to', backend, ...endpointFlags()], awsEnv());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.report.uploaded, 0);
    assert.equal(again.report.alreadyStored, 6);
    assert.match(
      (await p.cache(['save', '--to', backend, ...endpointFlags()], awsEnv())).stdout,
      new RegExp(`^saved 2 modules to s3://${bucket}/${PREFIX}: 0 files uploaded`),
    );
  });

  test('restore into an empty module cache, with the endpoint from AWS_ENDPOINT_URL; go then needs no network', async () => {
    await p.go.clearModCache();
    const restored = await p.cacheJson<RestoreJson>(
      ['restore', '--from', backend, '--s3-force-path-style', '--check'],
      awsEnv({ AWS_ENDPOINT_URL: gw.endpoint }),
    );
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.hits, 6);
    assert.deepEqual(restored.report.misses, []);
    assert.deepEqual(restored.report.check, { ok: true, output: '' });
    assertNoSecret(restored);
    const offline = await p.go.run(['mod', 'download'], { cwd: p.projectDir, env: { GOPROXY: 'off' } });
    assert.equal(offline.code, 0, offline.stderr);
    const build = await p.go.run(['build', './...'], { cwd: p.projectDir, env: { GOPROXY: 'off' } });
    assert.equal(build.code, 0, build.stderr);
  });

  test('restore with credentials from a profile, not the environment, goes through the SDK alike', async () => {
    await p.go.clearModCache();
    const credentials = join(p.dir, 'aws-credentials');
    await writeFile(
      credentials,
      `[ci]\naws_access_key_id = ${gw.accessKeyId}\naws_secret_access_key = ${gw.secretAccessKey}\n`,
    );
    const restored = await p.cacheJson<RestoreJson>(['restore', '--from', backend, ...endpointFlags()], {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: join(p.dir, 'no-aws-config'),
      AWS_PROFILE: 'ci',
    });
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.hits, 6);
    assertNoSecret(restored);
  });

  test('a prefix nothing was saved under yet makes every module a miss', async () => {
    await p.go.clearModCache();
    const result = await p.cacheJson<RestoreJson>(
      ['restore', '--from', `s3://${bucket}/other-project`, ...endpointFlags()],
      awsEnv(),
    );
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.report.misses.length, 6);
  });

  test('a catalog pointing at a tampered zip is refused, and nothing of its version is written', async () => {
    const evil = join(p.dir, 'evil.zip');
    await writeTamperedDepZip(evil);
    const evilBytes = await readFile(evil);
    const evilPack = `_modgate/packs/${createHash('sha256').update(evilBytes).digest('hex')}`;
    await putObject(`${PREFIX}${evilPack}`, evilBytes);
    const good = await readCatalog();
    const depZip = `${DEP}/v1.0.0.zip`;
    const spoiled = {
      format: 1,
      packs: {
        ...Object.fromEntries(
          Object.entries(good.packs).map(([pack, files]) => [pack, files.filter(([key]) => key !== depZip)]),
        ),
        [evilPack]: [[depZip, 0, evilBytes.length]],
      },
    };
    await putObject(`${PREFIX}_modgate/packs.json.gz`, gzipSync(JSON.stringify(spoiled)));
    try {
      await p.go.clearModCache();
      const result = await p.cacheJson<RestoreJson>(
        ['restore', '--from', backend, ...endpointFlags()],
        awsEnv(),
      );
      assert.equal(result.code, 1);
      assert.equal(result.report.errors.length, 1);
      assert.match(result.stderr, TAMPERED_ZIP_REFUSED);
      assert.deepEqual(await p.depFilesRestored(), []);
      const build = await p.go.run(['build', './...'], { cwd: p.projectDir, env: { GOPROXY: 'off' } });
      assert.notEqual(build.code, 0);

      // A catalog whose offsets run past the end of the pack fails those files, naming the pack.
      const [[pack, files]] = Object.entries(good.packs) as [[string, Array<[string, number, number]>]];
      const beyond = {
        format: 1,
        packs: { [pack]: files.map(([key, offset, size]) => [key, offset + 1e6, size]) },
      };
      await putObject(`${PREFIX}_modgate/packs.json.gz`, gzipSync(JSON.stringify(beyond)));
      await p.go.clearModCache();
      const short = await p.cacheJson<RestoreJson>(
        ['restore', '--from', backend, ...endpointFlags()],
        awsEnv(),
      );
      assert.equal(short.code, 1, short.stderr);
      assert.match(short.stderr, /HTTP 416|ends before byte/);
      assert.deepEqual(await p.depFilesRestored(), []);

      // And one that is no catalog at all is ignored with a note: every module is then a miss.
      await putObject(`${PREFIX}_modgate/packs.json.gz`, Buffer.from('not gzip'));
      await p.go.clearModCache();
      const unreadable = await p.cacheJson<RestoreJson>(
        ['restore', '--from', backend, ...endpointFlags()],
        awsEnv(),
      );
      assert.equal(unreadable.code, 3, unreadable.stderr);
      assert.match(
        unreadable.stderr,
        /the pack catalog _modgate\/packs\.json\.gz is unreadable: .*; ignoring it/,
      );
    } finally {
      await putObject(`${PREFIX}_modgate/packs.json.gz`, gzipSync(JSON.stringify(good)));
    }
  });

  test('files saved one object each, by an earlier modgate, are still restored', async () => {
    const legacy = 'legacy/';
    for (const base of ['example.com/!dep/@v/v1.0.0', 'example.com/app/lib/@v/v1.0.0']) {
      for (const ext of ['info', 'mod', 'zip']) {
        const key = `${base}.${ext}`;
        await putObject(`${legacy}${key}`, await readFile(join(p.dir, 'tree', key)));
      }
    }
    await p.go.clearModCache();
    const restored = await p.cacheJson<RestoreJson>(
      ['restore', '--from', `s3://${bucket}/${legacy}`, ...endpointFlags()],
      awsEnv(),
    );
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.hits, 6);
  });

  test('after a dependency bump, save uploads a pack of only the new version, and restore reads both packs', async () => {
    await p.goOnline(['get', 'example.com/Dep@v1.1.0']);
    await p.goOnline(['mod', 'download']);
    const saved = await p.cacheJson<SaveJson>(['save', '--to', backend, ...endpointFlags()], awsEnv());
    assert.equal(saved.code, 0, saved.stderr);
    assert.deepEqual(saved.report.uploadedModules, ['example.com/Dep@v1.1.0']);
    assert.equal(saved.report.uploaded, 3);
    // The catalog lists the first save's pack and this one, which holds only the new version's files.
    const packs = Object.values((await readCatalog()).packs);
    assert.deepEqual(
      packs.map((files) => files.length),
      [6, 3],
    );
    await p.go.clearModCache();
    const restored = await p.cacheJson<RestoreJson>(
      ['restore', '--from', backend, ...endpointFlags(), '--check'],
      awsEnv(),
    );
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.check?.ok, true);
  });

  test('bad S3 settings are bad input that names what to check, and never print a secret', async () => {
    const expectBadInput = async (args: string[], env: Record<string, string>, message: RegExp) => {
      const result = await p.cache(args, env);
      assert.equal(result.code, 2, `${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
      assertNoSecret(result);
    };
    await expectBadInput(
      ['restore', '--from', `s3://${gw.accessKeyId}:${gw.secretAccessKey}@${bucket}/x`],
      awsEnv(),
      /credentials do not belong in the URL.*set AWS_ACCESS_KEY_ID/,
    );
    await expectBadInput(
      ['save', '--to', 's3://Not_A_Bucket'],
      awsEnv(),
      /"Not_A_Bucket" is not a bucket name/,
    );
    await expectBadInput(['save', '--to', `s3://${bucket}/a//b`], awsEnv(), /must not have empty/);
    await expectBadInput(
      ['restore', '--from', 's3://no-such-bucket/x', ...endpointFlags()],
      awsEnv(),
      /could not reach s3:\/\/no-such-bucket\/x\/: .*HTTP 404\)\n\(check the bucket/,
    );
    await expectBadInput(
      ['save', '--to', backend, ...endpointFlags()],
      awsEnv({ AWS_SECRET_ACCESS_KEY: 'wrong-secret' }),
      /could not reach s3:\/\/.*HTTP 403\)\n\(check .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    // Restore signs its own requests (without the SDK) when the keys are in the environment: the same answer.
    await expectBadInput(
      ['restore', '--from', backend, ...endpointFlags()],
      awsEnv({ AWS_SECRET_ACCESS_KEY: 'wrong-secret' }),
      /could not reach s3:\/\/.*HTTP 403\)\n\(check .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    await expectBadInput(
      ['restore', '--from', backend, '--s3-endpoint', 'ftp://127.0.0.1/'],
      awsEnv(),
      /invalid S3 endpoint "ftp:\/\/127\.0\.0\.1\/": give an http\(s\):\/\/ URL/,
    );
    await expectBadInput(
      ['save', '--to', backend, ...endpointFlags()],
      { AWS_EC2_METADATA_DISABLED: 'true' },
      /could not reach s3:\/\/.*credentials/i,
    );
    await expectBadInput(
      ['restore', '--from', p.store, '--s3-endpoint', gw.endpoint],
      awsEnv(),
      /--s3-endpoint, --s3-region and --s3-force-path-style apply only to s3:\/\/ backends/,
    );
  });
});
