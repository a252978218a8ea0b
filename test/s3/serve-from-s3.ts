import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeleteBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import type { FixtureModule } from '../helpers/proxy-tree.js';
import type { Radosgw } from '../helpers/radosgw.js';
import { recordedFetch } from '../helpers/response-capture.js';

const MODULES: FixtureModule[] = [
  { path: 'example.com/dep', version: 'v0.1.0' },
  {
    path: 'example.com/hello',
    version: 'v1.0.0',
    goMod: 'module example.com/hello\n\ngo 1.19\n\nrequire example.com/dep v0.1.0\n',
    files: { 'hello.go': 'package hello\n\nimport _ "example.com/dep"\n' },
  },
  // Incompressible and over 1 MiB once zipped, so it is streamed from the bucket rather than held in memory.
  {
    path: 'example.com/big',
    version: 'v1.0.0',
    files: { 'data.go': `package big\n\nconst Data = "${randomBytes(1536 << 10).toString('base64')}"\n` },
  },
];
const BIG_ZIP = 'example.com/big/@v/v1.0.0.zip';

/** `modgate serve --store s3` against a real radosgw, with the real go command as the client. */
export function serveFromS3(gateway: () => Radosgw): void {
  let fixture: ProxyFixture;
  let bucket: string;
  let s3Args: string[];
  let client: GoSandbox;
  let oracle: GoSandbox;
  const expected = new Map<string, Download>();

  before(async () => {
    const gw = gateway();
    bucket = await gw.createBucket();
    s3Args = [
      '--store',
      's3',
      '--s3-bucket',
      bucket,
      '--s3-prefix',
      'proxy',
      '--s3-endpoint',
      gw.endpoint,
      '--s3-force-path-style',
      'true',
    ];
    fixture = await ProxyFixture.start('s3serve', MODULES, { args: s3Args, env: gw.credentialsEnv });
    client = await GoSandbox.create();
    oracle = await GoSandbox.create();
    const direct = await oracle.run(['mod', 'download', '-json', ...versions()], {
      env: { GOPROXY: `file://${fixture.tree}` },
    });
    assert.equal(direct.code, 0, direct.stderr);
    for (const d of parseJsonStream<Download>(direct.stdout)) expected.set(`${d.Path}@${d.Version}`, d);
  });

  after(async () => {
    await fixture?.stop();
    await client?.dispose();
    await oracle?.dispose();
  });

  test('go mod download through modgate stores every artifact in the bucket, none on local disk', async () => {
    const result = await client.run(['mod', 'download', '-json', ...versions()], {
      env: { GOPROXY: fixture.modgate.url },
    });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const d of parseJsonStream<Download>(result.stdout)) {
      const want = expected.get(`${d.Path}@${d.Version}`)!;
      assert.equal(d.Error, undefined);
      assert.equal(d.Sum, want.Sum, `${d.Path}@${d.Version} zip hash`);
      assert.equal(d.GoModSum, want.GoModSum, `${d.Path}@${d.Version} go.mod hash`);
    }
    const stored = await bucketKeys();
    for (const m of MODULES) {
      for (const ext of ['info', 'mod', 'zip'])
        assert.ok(
          stored.includes(`proxy/${m.path}/@v/${m.version}.${ext}`),
          `${m.path} ${ext} in the bucket`,
        );
    }
    const local = await readdir(fixture.data, { recursive: true });
    assert.deepEqual(
      local.filter((f) => !f.startsWith('_modgate')),
      [],
      'the data directory holds only staging and locks',
    );
  });

  test('Range and conditional requests for a large zip are answered from the bucket', async () => {
    const whole = Buffer.from(await (await recordedFetch(`${fixture.modgate.url}/${BIG_ZIP}`)).arrayBuffer());
    assert.ok(whole.length > 1 << 20);
    const raw = gateway().client();
    const object = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: `proxy/${BIG_ZIP}` }));
    assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), whole);
    raw.destroy();
    const suffix = await recordedFetch(`${fixture.modgate.url}/${BIG_ZIP}`, {
      headers: { range: 'bytes=-100' },
    });
    assert.equal(suffix.status, 206);
    assert.equal(
      suffix.headers.get('content-range'),
      `bytes ${whole.length - 100}-${whole.length - 1}/${whole.length}`,
    );
    assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), whole.subarray(whole.length - 100));
    const middle = await recordedFetch(`${fixture.modgate.url}/${BIG_ZIP}`, {
      headers: { range: 'bytes=1000-1999' },
    });
    assert.deepEqual(Buffer.from(await middle.arrayBuffer()), whole.subarray(1000, 2000));
    const etag = suffix.headers.get('etag')!;
    const unchanged = await recordedFetch(`${fixture.modgate.url}/${BIG_ZIP}`, {
      headers: { 'if-none-match': etag },
    });
    assert.equal(unchanged.status, 304);
    assert.equal((await recordedFetch(`${fixture.modgate.url}/readyz`)).status, 200);
  });

  test('a second modgate (two workers, empty data directory, no upstream) serves a cold client from the bucket', async () => {
    const replica = await ModgateProcess.start(
      ['--upstream', 'off', '--workers', '2', '--data', join(fixture.dir, 'replica'), ...s3Args],
      gateway().credentialsEnv,
    );
    try {
      await client.clearModCache();
      const result = await client.run(['mod', 'download', '-json', ...versions()], {
        env: { GOPROXY: replica.url },
      });
      assert.equal(result.code, 0, result.stderr + result.stdout);
      assert.deepEqual(
        parseJsonStream<Download>(result.stdout).map((d) => d.Sum),
        [...expected.values()].map((d) => d.Sum),
      );
    } finally {
      await replica.stop();
    }
  });

  test('a missing bucket setting or an unreachable bucket stops serve at start with what to fix', async () => {
    const env = gateway().credentialsEnv;
    const data = join(fixture.dir, 'bad');
    await assert.rejects(
      ModgateProcess.start(['--upstream', 'off', '--data', data, '--store', 's3'], env),
      /store is "s3" but no bucket is set: set s3Bucket/,
    );
    const wrongBucket = s3Args.map((arg) => (arg === bucket ? 'modgate-missing' : arg));
    const failed = await ModgateProcess.start(
      ['--upstream', 'off', '--data', data, ...wrongBucket],
      env,
    ).catch((err: Error) => err);
    assert.ok(failed instanceof Error);
    assert.match(failed.message, /s3:\/\/modgate-missing\/proxy\/.*check s3Bucket, s3Endpoint/s);
    assert.doesNotMatch(failed.message, new RegExp(env.AWS_SECRET_ACCESS_KEY!));
  });

  test('/readyz answers 503 naming the bucket once the bucket cannot be reached', async () => {
    const gw = gateway();
    const own = await gw.createBucket();
    const args = s3Args.map((arg) => (arg === bucket ? own : arg));
    const replica = await ModgateProcess.start(
      ['--upstream', 'off', '--data', join(fixture.dir, 'readyz'), ...args],
      gw.credentialsEnv,
    );
    try {
      assert.equal((await recordedFetch(`${replica.url}/readyz`)).status, 200);
      const raw = gw.client();
      await raw.send(new DeleteBucketCommand({ Bucket: own }));
      raw.destroy();
      const answer = await recordedFetch(`${replica.url}/readyz`);
      assert.equal(answer.status, 503);
      assert.match(await answer.text(), new RegExp(`not ready: storage is not reachable .*s3://${own}/`));
    } finally {
      await replica.stop();
    }
  });

  async function bucketKeys(): Promise<string[]> {
    const raw = gateway().client();
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
    raw.destroy();
    return (listed.Contents ?? []).map((o) => o.Key!);
  }
}

const versions = () => MODULES.map((m) => `${m.path}@${m.version}`);
