import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../src/sumdb/note.js';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';
import { recordedFetch } from '../helpers/response-capture.js';
import { SwitchableRelay } from '../helpers/switchable-relay.js';
import { GoSumdbServer, type RunningServer } from '../sumdb/go-sumdb-server.js';

const NAME = 'sum.authn.test';
const KEYS = generateKey(NAME, Buffer.alloc(32, 5));
const MODULES = ['a', 'b', 'c', 'd'].map((m) => ({ path: `example.com/${m}`, version: 'v1.0.0' }));
const TILE = 'tile/8/0/000.p/4';

/**
 * With the database's key, modgate stores a checksum database answer only once it has authenticated it, and a
 * wrong stored one is found, replaced and does not fail builds for ever. x/mod's own sumdb server plays the
 * database, honest or lying in one way, behind a relay that modgate (and go, through modgate) reach it by.
 */
describe('checksum database answers are authenticated before they are stored', () => {
  let fixture: ProxyFixture;
  let relay: SwitchableRelay;
  const servers: Record<'honest' | 'corrupt-tile' | 'changed-record', RunningServer> = {} as never;
  const sandboxes: GoSandbox[] = [];

  const sumdbDir = () => join(fixture.data, 'sumdb', NAME);
  /** What modgate stored for the database, as paths below sumdb/<name>/. */
  const stored = async () => {
    try {
      const entries = await readdir(sumdbDir(), { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(sumdbDir().length + 1));
    } catch {
      return [];
    }
  };
  const honest = async (path: string) =>
    Buffer.from(await (await recordedFetch(`${servers.honest.url}/${path}`)).arrayBuffer());
  /** go in a fresh sandbox, verifying against the database through modgate. */
  const goDownload = async (module: string) => {
    const go = await GoSandbox.create();
    sandboxes.push(go);
    return go.run(['mod', 'download', '-json', `${module}@v1.0.0`], {
      env: { GOPROXY: fixture.modgate.url, GOSUMDB: KEYS.verifierKey },
    });
  };
  const rejections = async (kind: string, source: string) => {
    const metrics = (await rawRequest(fixture.modgate.url, '/metrics')).body.toString();
    const line = metrics
      .split('\n')
      .find((l) =>
        l.startsWith(
          `modgate_sumdb_rejected_answers_total{database="${NAME}",kind="${kind}",source="${source}"}`,
        ),
      );
    return Number(line?.split(' ').at(-1) ?? 0);
  };

  before(async () => {
    const builder = await GoSumdbServer.build();
    fixture = await ProxyFixture.start('sumdb-authn', MODULES);
    const go = await GoSandbox.create();
    sandboxes.push(go);
    const truth = await go.run(
      ['mod', 'download', '-json', ...MODULES.map((m) => `${m.path}@${m.version}`)],
      {
        env: { GOPROXY: `file://${fixture.tree}` },
      },
    );
    assert.equal(truth.code, 0, truth.stderr);
    const lines = parseJsonStream<Download>(truth.stdout).flatMap((d) => [
      `${d.Path} v1.0.0 ${d.Sum}`,
      `${d.Path} v1.0.0/go.mod ${d.GoModSum}`,
    ]);
    // Three servers of one log, signed by one key: they differ only in the lie they tell.
    for (const mode of ['honest', 'corrupt-tile', 'changed-record'] as const) {
      servers[mode] = await builder.start({
        signerKey: KEYS.signerKey,
        lines,
        ...(mode === 'honest' ? {} : { mode }),
      });
    }
    relay = await SwitchableRelay.start(servers['corrupt-tile'].url);
    // modgate proxies the database and verifies what it ingests against it, through one store.
    await fixture.restart([
      '--sumdb',
      `${KEYS.verifierKey}=${relay.url}`,
      '--checksum-db',
      `${KEYS.verifierKey} ${relay.url}`,
    ]);
  });

  after(async () => {
    await fixture?.stop();
    await relay?.stop();
    for (const server of Object.values(servers)) await server.stop();
    for (const go of sandboxes) await go.dispose();
  });

  test('a corrupt tile from the upstream is refused (410), counted and logged, and nothing is stored', async () => {
    const tile = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/${TILE}`);
    assert.equal(tile.status, 410, tile.body.toString());
    assert.match(
      tile.body.toString(),
      /answered tile\/8\/0\/000\.p\/4 with data that fails verification \(tile\)/,
    );
    // go fails too: modgate cannot verify the module at ingest, and would not vouch for the tile.
    const result = await goDownload('example.com/a');
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /fails? verification \(tile\)/);
    assert.deepEqual(
      (await stored()).filter((f) => f !== 'latest'),
      [],
      'no tile and no lookup stored (latest is a signed head, verified)',
    );
    assert.ok((await rejections('tile', 'upstream')) >= 2);
    await fixture.modgate.waitForLog('checksum database answer failed verification: refused, not stored');
  });

  test('once the upstream is honest again, the same modgate recovers and go verifies through it', async () => {
    relay.target = servers.honest.url;
    const result = await goDownload('example.com/a');
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const files = await stored();
    assert.ok(files.includes('lookup/example.com/a@v1.0.0'), `stored: ${files.join(' ')}`);
    assert.ok(files.includes(TILE), `stored: ${files.join(' ')}`);
    assert.deepEqual(await readFile(join(sumdbDir(), TILE)), await honest(TILE));
  });

  test('a changed record from the upstream is refused and never stored, then verified once honest', async () => {
    relay.target = servers['changed-record'].url;
    const lookup = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/lookup/example.com/b@v1.0.0`);
    assert.equal(lookup.status, 410, lookup.body.toString());
    assert.match(lookup.body.toString(), /fails verification \(record\)/);
    const refused = await goDownload('example.com/b');
    assert.notEqual(refused.code, 0);
    assert.equal((await stored()).includes('lookup/example.com/b@v1.0.0'), false);
    assert.ok((await rejections('record', 'upstream')) >= 1);
    // The tiles stored before were not blamed for the database's lie.
    assert.deepEqual(await readFile(join(sumdbDir(), TILE)), await honest(TILE));

    relay.target = servers.honest.url;
    const result = await goDownload('example.com/b');
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const answer = await readFile(join(sumdbDir(), 'lookup/example.com/b@v1.0.0'));
    assert.deepEqual(answer, await honest('lookup/example.com/b@v1.0.0'));
  });

  test('a corrupted stored tile and lookup, as an older modgate may have left, are replaced, and go verifies', async () => {
    const tile = join(sumdbDir(), TILE);
    const lookup = join(sumdbDir(), 'lookup/example.com/a@v1.0.0');
    const [goodTile, goodLookup] = [await readFile(tile), await readFile(lookup)];
    await fixture.modgate.stop();
    const badTile = Buffer.from(goodTile);
    badTile[badTile.length - 1]! ^= 1;
    await writeFile(tile, badTile);
    // The record now claims another hash for the zip: well formed, signed head and all, but not what was logged.
    await writeFile(lookup, goodLookup.toString().replace(' h1:', ' h1:X'));
    await fixture.restart();

    for (const module of ['example.com/c', 'example.com/a']) {
      const result = await goDownload(module);
      assert.equal(result.code, 0, result.stderr + result.stdout);
    }
    assert.deepEqual(await readFile(tile), goodTile, 'the stored tile is the authenticated one again');
    assert.deepEqual(await readFile(lookup), await honest('lookup/example.com/a@v1.0.0'));
    assert.equal(await rejections('tile', 'stored'), 1);
    assert.equal(await rejections('record', 'stored'), 1);
    const log = await fixture.modgate.waitForLog('stored checksum database answers failed verification');
    assert.ok(log.includes(TILE), log);
  });

  test('a wrong tile narrower than the one modgate authenticates is replaced when asked for', async () => {
    const narrow = 'tile/8/0/000.p/2';
    await writeFile(join(sumdbDir(), narrow), Buffer.alloc(64, 7));
    const res = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/${narrow}`);
    assert.equal(res.status, 200, res.body.toString());
    assert.deepEqual(res.body, await honest(narrow));
    assert.deepEqual(await readFile(join(sumdbDir(), narrow)), await honest(narrow));
  });

  test('a tile of any height but 8 is 404 and costs no request upstream', async () => {
    const before = relay.requests;
    // Built from height-8 tiles, a height-30 tile this wide would need thousands of them.
    const tall = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/tile/30/0/000.p/4`);
    assert.equal(tall.status, 404);
    assert.match(tall.body.toString(), /tiles of height 30 are not served; the go command reads height 8/);
    assert.equal(relay.requests, before);
  });

  test('with the database unreachable, stored answers are authenticated from the store alone', async () => {
    relay.target = 'http://127.0.0.1:9';
    const result = await goDownload('example.com/b');
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const tile = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/${TILE}`);
    assert.equal(tile.status, 200);
    assert.equal(tile.headers['x-modgate-cache'], 'stored');
    const unknown = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/lookup/example.com/zzz@v1.0.0`);
    assert.equal(unknown.status, 404, 'unreachable is 404 with the reason, never a 5xx');
  });
});
