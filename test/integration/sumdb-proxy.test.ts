import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../src/sumdb/note.js';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';
import { GoSumdbServer, type RunningServer } from '../sumdb/go-sumdb-server.js';

const NAME = 'sum.modgate.test';
const KEYS = generateKey(NAME, Buffer.alloc(32, 9));
const MODULES = ['example.com/a', 'example.com/b', 'example.com/liar'].map((path) => ({
  path,
  version: 'v1.0.0',
}));

// The database is listed by name alone, so modgate cannot authenticate its answers (see sumdb-authentication).
describe('checksum database proxying without its key: go verifies through modgate, also when the database is down', () => {
  let fixture: ProxyFixture;
  let server: RunningServer;
  let go: GoSandbox;
  const env = () => ({
    GOPROXY: fixture.modgate.url,
    GOSUMDB: KEYS.verifierKey,
    GONOSUMDB: '',
    GOPRIVATE: '',
  });

  before(async () => {
    const builder = await GoSumdbServer.build();
    fixture = await ProxyFixture.start('sumdb', MODULES);
    go = await GoSandbox.create();
    // The database records what go itself computes from the upstream tree, except for example.com/liar.
    const truth = await go.run(
      ['mod', 'download', '-json', ...MODULES.map((m) => `${m.path}@${m.version}`)],
      {
        env: { GOPROXY: `file://${fixture.tree}` },
      },
    );
    assert.equal(truth.code, 0, truth.stderr);
    const lines = parseJsonStream<Download>(truth.stdout).flatMap((d) => [
      `${d.Path} v1.0.0 ${d.Path === 'example.com/liar' ? `h1:${'A'.repeat(43)}=` : d.Sum}`,
      `${d.Path} v1.0.0/go.mod ${d.GoModSum}`,
    ]);
    server = await builder.start({ signerKey: KEYS.signerKey, lines });
    // A second "database" is the static upstream serving a captive portal's page where tiles should be.
    await mkdir(join(fixture.tree, 'portal/tile/8/0'), { recursive: true });
    await writeFile(join(fixture.tree, 'portal/tile/8/0/000'), '<html>captive portal login</html>');
    await fixture.restart([
      '--sumdb',
      `${NAME}=${server.url},portal.modgate.test=${fixture.upstream.url}/portal`,
    ]);
    await go.clearModCache();
  });

  after(async () => {
    await server?.stop();
    await fixture?.stop();
    await go?.dispose();
  });

  test('go asks modgate whether it proxies the database, then verifies through it', async () => {
    const supported = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/supported`);
    assert.equal(supported.status, 200);
    const result = await go.run(['mod', 'download', '-json', 'example.com/a@v1.0.0'], { env: env() });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.ok(
      existsSync(join(fixture.data, `sumdb/${NAME}/lookup/example.com/a@v1.0.0`)),
      'the lookup is stored',
    );
    // go took the tree head from the lookup; a client that asks for the latest one gets it too.
    const latest = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/latest`);
    assert.equal(latest.status, 200);
    assert.match(latest.body.toString(), /^go\.sum database tree\n\d+\n/);
    assert.ok(latest.body.toString().includes(`\u2014 ${NAME} `), 'signed by the database');
  });

  test('a module whose hash the database contradicts is refused by go', async () => {
    const result = await go.run(['mod', 'download', 'example.com/liar@v1.0.0'], { env: env() });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /SECURITY ERROR|checksum mismatch/);
  });

  test('with the database down, stored lookups and tiles and the last tree head still verify', async () => {
    await server.stop();
    const offline = await GoSandbox.create();
    try {
      const result = await offline.run(['mod', 'download', '-json', 'example.com/a@v1.0.0'], { env: env() });
      assert.equal(result.code, 0, result.stderr + result.stdout);
      const latest = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/latest`);
      assert.equal(latest.status, 200);
      assert.match(String(latest.headers['x-modgate-cache']), /fresh|stale/);
    } finally {
      await offline.dispose();
    }
  });

  test('an answer that cannot be a checksum database answer is refused and never stored', async () => {
    const res = await rawRequest(fixture.modgate.url, '/sumdb/portal.modgate.test/tile/8/0/000');
    assert.equal(res.status, 404);
    assert.match(res.body.toString(), /not a checksum database tile \(33 bytes\)/);
    assert.equal(existsSync(join(fixture.data, 'sumdb/portal.modgate.test/tile/8/0/000')), false);
  });

  test('databases that are not configured, and malformed paths, get 404 so go goes direct', async () => {
    assert.equal(
      (await rawRequest(fixture.modgate.url, '/sumdb/sum.golang.org.invalid/supported')).status,
      404,
    );
    for (const path of [
      `/sumdb/${NAME}/lookup/..%2f..%2fetc`,
      `/sumdb/${NAME}/tile/8/0/x1`,
      `/sumdb/${NAME}/other`,
    ]) {
      const res = await rawRequest(fixture.modgate.url, path);
      assert.equal(res.status, 404, path);
      assert.match(res.body.toString(), /malformed|not a checksum database path/, path);
    }
  });
});
