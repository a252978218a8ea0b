import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../src/sumdb/note.js';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';
import { GoSumdbServer, type RunningServer } from '../sumdb/go-sumdb-server.js';

const NAME = 'sum.public.test';
const KEYS = generateKey(NAME, Buffer.alloc(32, 3));
const FAKE_H1 = `h1:${'A'.repeat(43)}=`;
const MODULES = ['a', 'late', 'liar', 'modliar', 'unknown'].map((m) => ({
  path: `example.com/${m}`,
  version: 'v1.0.0',
}));
const PRIVATE = { path: 'corp.example/secret', version: 'v1.0.0' };

/**
 * modgate checks what an upstream serves against the checksum database before storing it, so a client gets
 * only verified bytes even with its own verification off (GOSUMDB=off, as many CI images set it).
 */
describe('verification at ingest against the public checksum database', () => {
  let fixture: ProxyFixture;
  let server: RunningServer;
  let go: GoSandbox;
  const env = () => ({ GOPROXY: fixture.modgate.url, GOSUMDB: 'off' });
  const stored = (module: string, ext: string) =>
    existsSync(join(fixture.data, `${module}/@v/v1.0.0.${ext}`));

  before(async () => {
    const builder = await GoSumdbServer.build();
    fixture = await ProxyFixture.start('ingest-verify', [...MODULES, PRIVATE]);
    go = await GoSandbox.create();
    const reference = await go.run(
      ['mod', 'download', '-json', ...MODULES.map((m) => `${m.path}@${m.version}`)],
      { env: { GOPROXY: `file://${fixture.tree}` } },
    );
    assert.equal(reference.code, 0, reference.stderr);
    // The database's truth is go's own hashes, except that it records other bytes for the two liars and has
    // never heard of example.com/unknown.
    const lines = parseJsonStream<Download>(reference.stdout)
      .filter((d) => d.Path !== 'example.com/unknown')
      .flatMap((d) => [
        `${d.Path} v1.0.0 ${d.Path.endsWith('/liar') ? FAKE_H1 : d.Sum}`,
        `${d.Path} v1.0.0/go.mod ${d.Path.endsWith('/modliar') ? FAKE_H1 : d.GoModSum}`,
      ]);
    server = await builder.start({ signerKey: KEYS.signerKey, lines });
    await fixture.restart([
      '--checksum-db',
      `${KEYS.verifierKey} ${server.url}`,
      '--private',
      'corp.example',
      '--private-upstream',
      fixture.upstream.url,
      '--sumdb',
      'off',
    ]);
    await go.clearModCache();
  });

  after(async () => {
    await server?.stop();
    await fixture?.stop();
    await go?.dispose();
  });

  test('a module the database vouches for is stored and served', async () => {
    const result = await go.run(['mod', 'download', '-json', 'example.com/a@v1.0.0'], { env: env() });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.ok(stored('example.com/a', 'zip') && stored('example.com/a', 'mod'));
  });

  test('a zip whose h1 the database contradicts: nothing stored, go shows the refusal', async () => {
    const result = await go.run(['mod', 'download', 'example.com/liar@v1.0.0'], { env: env() });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /410 Gone/);
    assert.match(result.stderr, /checksum mismatch for example\.com\/liar@v1\.0\.0 zip/);
    assert.ok(result.stderr.includes(FAKE_H1), 'the reason names the recorded hash');
    assert.equal(stored('example.com/liar', 'zip'), false, 'no zip stored');
    assert.equal(stored('example.com/liar', 'ziphash'), false, 'no hash pinned');
    assert.ok((await fixture.modgate.waitForLog('checksum mismatch')).includes(FAKE_H1));
    const metrics = await rawRequest(fixture.modgate.url, '/metrics');
    assert.match(
      metrics.body.toString(),
      /modgate_checksum_failures_total\{database="public",kind="mismatch"\} 1/,
    );
  });

  test('a go.mod whose h1 the database contradicts is refused before it is stored', async () => {
    const result = await go.run(['mod', 'download', 'example.com/modliar@v1.0.0'], { env: env() });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /checksum mismatch for example\.com\/modliar@v1\.0\.0 go\.mod/);
    assert.equal(stored('example.com/modliar', 'mod'), false);
  });

  test('a module the database does not know is not stored: 404 with what to do', async () => {
    const res = await rawRequest(fixture.modgate.url, '/example.com/unknown/@v/v1.0.0.mod');
    assert.equal(res.status, 404);
    assert.match(res.body.toString(), /has no record of example\.com\/unknown@v1\.0\.0.*private patterns/);
    assert.equal(stored('example.com/unknown', 'mod'), false);
  });

  test('private modules skip the public database entirely', async () => {
    const result = await go.run(['mod', 'download', '-json', `${PRIVATE.path}@v1.0.0`], { env: env() });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    // Every lookup modgate made is stored under sumdb/<name>/lookup: none names the private module.
    const lookups = await readdir(join(fixture.data, `sumdb/${NAME}/lookup`), { recursive: true });
    assert.ok(
      lookups.some((f) => f.includes('example.com')),
      'public lookups are there',
    );
    assert.equal(lookups.filter((f) => f.includes('corp.example')).length, 0);
  });

  test('with the database down, stored modules are served and new ones are refused, not trusted', async () => {
    await server.stop();
    await go.clearModCache();
    const cached = await go.run(['mod', 'download', 'example.com/a@v1.0.0'], { env: env() });
    assert.equal(cached.code, 0, cached.stderr);
    const fresh = await go.run(['mod', 'download', 'example.com/late@v1.0.0'], { env: env() });
    assert.notEqual(fresh.code, 0);
    assert.match(fresh.stderr, /cannot verify example\.com\/late@v1\.0\.0 now: checksum database/);
    assert.equal(stored('example.com/late', 'mod'), false);
  });
});

describe('a checksum database given by name is reached through the upstream proxy, as go reaches GOSUMDB', () => {
  let server: RunningServer;
  let relay: ProxyFixture;
  let edge: ModgateProcess;
  let edgeData: string;

  before(async () => {
    const builder = await GoSumdbServer.build();
    const module = { path: 'example.com/a', version: 'v1.0.0' };
    // The relay (an upstream modgate) proxies the database; the edge knows only its key, like GOSUMDB=<key>.
    relay = await ProxyFixture.start('sumdb-relay', [module]);
    const go = await GoSandbox.create();
    const reference = await go.run(['mod', 'download', '-json', 'example.com/a@v1.0.0'], {
      env: { GOPROXY: `file://${relay.tree}` },
    });
    await go.dispose();
    const [d] = parseJsonStream<Download>(reference.stdout);
    server = await builder.start({
      signerKey: KEYS.signerKey,
      lines: [`${d!.Path} v1.0.0 ${d!.Sum}`, `${d!.Path} v1.0.0/go.mod ${d!.GoModSum}`],
    });
    await relay.restart(['--sumdb', `${NAME}=${server.url}`]);
    edgeData = await mkdtemp(join(tmpdir(), 'modgate-edge-'));
    edge = await ModgateProcess.start([
      '--upstream',
      relay.modgate.url,
      '--data',
      edgeData,
      '--checksum-db',
      KEYS.verifierKey,
    ]);
  });

  after(async () => {
    await edge?.stop();
    await relay?.stop();
    await server?.stop();
    await rm(edgeData, { recursive: true, force: true });
  });

  test('the edge verifies through the /sumdb/ of the relay and stores the module', async () => {
    const res = await rawRequest(edge.url, '/example.com/a/@v/v1.0.0.zip');
    assert.equal(res.status, 200, res.body.toString());
    assert.ok(
      existsSync(join(relay.data, `sumdb/${NAME}/lookup/example.com/a@v1.0.0`)),
      'the lookup went through the relay',
    );
  });
});
