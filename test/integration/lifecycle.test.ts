import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateKey } from '../../src/sumdb/note.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { recordedFetch } from '../helpers/response-capture.js';
import { runModgate } from '../helpers/run-cli.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

let dir: string;
let upstream: UpstreamServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-lifecycle-'));
  await writeProxyTree(join(dir, 'tree'), [{ path: 'example.com/m', version: 'v1.0.0' }]);
  upstream = await UpstreamServer.start(join(dir, 'tree'));
});

after(async () => {
  await upstream.stop();
  await rm(dir, { recursive: true, force: true });
});

test('SIGTERM finishes requests in flight, then exits 0', async () => {
  upstream.delayMs = 500;
  const modgate = await ModgateProcess.start(['--upstream', upstream.url, '--data', join(dir, 'data')]);
  const inFlight = recordedFetch(`${modgate.url}/example.com/m/@v/v1.0.0.zip`);
  while (upstream.count('/example.com/m/@v/v1.0.0.zip') === 0) await new Promise((r) => setTimeout(r, 10));
  const exit = modgate.stop('SIGTERM');
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.ok((await res.arrayBuffer()).byteLength > 0);
  assert.equal(await exit, 0);
  assert.ok(modgate.logs.some((l) => l.includes('"msg":"stopped"')));
  upstream.delayMs = 0;
});

test('configuration from MODGATE_* variables', async () => {
  const modgate = await ModgateProcess.start([], {
    MODGATE_UPSTREAM: upstream.url,
    MODGATE_DATA: join(dir, 'env-data'),
  });
  const res = await recordedFetch(`${modgate.url}/example.com/m/@v/v1.0.0.mod`);
  assert.equal(res.status, 200);
  await modgate.stop();
});

test('bad configuration is refused with exit code 2, naming the input, and nothing starts', async () => {
  const result = await runModgate(['serve', '--port', 'x', '--upstream', 'ftp://mirror'], {
    env: { PATH: process.env.PATH, MODGATE_LIST_TTL: 'forever' },
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /flag --port = "x": expected an integer from 0 to 65535/);
  assert.match(result.stderr, /environment variable MODGATE_LIST_TTL = "forever": expected a duration/);
  const badUpstream = await runModgate(
    ['serve', '--upstream', 'ftp://mirror', '--data', join(dir, 'never')],
    {
      env: { PATH: process.env.PATH },
    },
  );
  assert.equal(badUpstream.code, 2);
  assert.match(badUpstream.stderr, /upstream = "ftp:\/\/mirror": .*scheme/);
});

test('bad checksum database settings are refused with exit code 2 and what to write instead', async () => {
  const run = (...args: string[]) =>
    runModgate(['serve', '--data', join(dir, 'never'), ...args], { env: { PATH: process.env.PATH } });
  const badKey = await run('--checksum-db', 'sum.example.com');
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /checksumDb = "sum\.example\.com": .*neither a known database name/);
  const clash = await run(
    '--sumdb',
    'sum.corp.example=https://sum.corp.example',
    '--private-checksum-db',
    'sum.corp.example',
  );
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /privateChecksumDb = "sum\.corp\.example": .*also in "sumdb"/);
  const otherKey = await run(
    '--sumdb',
    generateKey('sum.corp.example', Buffer.alloc(32, 1)).verifierKey,
    '--checksum-db',
    generateKey('sum.corp.example', Buffer.alloc(32, 2)).verifierKey,
  );
  assert.equal(otherKey.code, 2);
  assert.match(
    otherKey.stderr,
    /checksumDb = .*the key of sum\.corp\.example differs from the one in "sumdb"/,
  );
  const badName = await run('--private-checksum-db', 'Not A Name');
  assert.equal(badName.code, 2);
  assert.match(badName.stderr, /expected a host name/);
});

test('`modgate sumdb key` without a private database configured says how to configure one', async () => {
  const result = await runModgate(['sumdb', 'key', '--data', join(dir, 'keyless')], {
    env: { PATH: process.env.PATH },
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no private checksum database is configured: pass --private-checksum-db/);
});

test('`modgate sumdb key --help` describes the command in one paragraph that wraps at the terminal width', async () => {
  const result = await runModgate(['sumdb', 'key', '--help'], { env: { PATH: process.env.PATH } });
  assert.equal(result.code, 0, result.stderr);
  const paragraph = result.stdout.split('\n\n')[1]!;
  const lines = paragraph.split('\n');
  // Commander wraps at 80 columns when not on a terminal: every line but the last is filled, none broken early.
  for (const line of lines.slice(0, -1))
    assert.ok(line.length > 70, `a line broken early: ${JSON.stringify(line)}`);
  assert.match(lines.join(' '), /with --url the value also names the database URL, for clients that reach/);
});

test('credentials in a bad setting never reach the error message', async () => {
  const result = await runModgate(['serve', '--upstream', 'https://bob:S3CRET@proxy.corp,ftp://x'], {
    env: { PATH: process.env.PATH },
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /https:\/\/\*\*\*@proxy\.corp/);
  assert.doesNotMatch(result.stderr, /S3CRET|bob/);
});

test('with several workers, a start-up failure stops everything with exit code 1 instead of looping', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = String((taken.address() as AddressInfo).port);
  const result = await runModgate(
    ['serve', '--host', '127.0.0.1', '--port', port, '--workers', '2', '--data', join(dir, 'taken')],
    { env: { PATH: process.env.PATH }, timeoutMs: 20_000 },
  );
  taken.close();
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /a worker failed to start; stopping/);
});

test('--help documents every setting with its variable', async () => {
  const result = await runModgate(['serve', '--help']);
  assert.equal(result.code, 0);
  for (const text of [
    '--port',
    'MODGATE_PORT',
    '--upstream',
    'MODGATE_UPSTREAM',
    '--data',
    'MODGATE_DATA',
    '--config',
  ]) {
    assert.ok(result.stdout.includes(text), text);
  }
});
