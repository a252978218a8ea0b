import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  SumdbNotFoundError,
  SumdbTransientError,
  WriteConflictError,
} from '../../src/sumdb/client-errors.js';
import { HttpSumdbOps } from '../../src/sumdb/http-ops.js';

let server: Server;
let base: string;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-sumdb-ops-'));
  server = createServer((req, res) => {
    const status = Number(req.url?.slice(1));
    if (req.url === '/big') res.end(Buffer.alloc(2048));
    else if (req.url === '/slow') setTimeout(() => res.end('late'), 2_000);
    else if (status >= 200) res.writeHead(status).end(`status ${status}`);
    else res.end('ok');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

test('fetch: 200 is the body, 404/410 not found, anything else transient and naming the URL', async () => {
  const ops = new HttpSumdbOps(dir);
  assert.equal((await ops.fetch(`${base}/x`)).toString(), 'ok');
  for (const s of [404, 410]) await assert.rejects(ops.fetch(`${base}/${s}`), SumdbNotFoundError);
  for (const s of [403, 500, 503]) {
    await assert.rejects(ops.fetch(`${base}/${s}`), (err: unknown) => {
      assert.ok(err instanceof SumdbTransientError);
      assert.match(err.message, new RegExp(`GET ${base}/${s}: unexpected status ${s}`));
      return true;
    });
  }
});

test('fetch: oversized and slow responses are transient errors', async () => {
  const ops = new HttpSumdbOps(dir, { maxBodyBytes: 1024, timeoutMs: 300 });
  await assert.rejects(ops.fetch(`${base}/big`), /larger than 1024 bytes/);
  await assert.rejects(ops.fetch(`${base}/slow`), SumdbTransientError);
});

test('cache files are written atomically and cannot escape the directory', async () => {
  const ops = new HttpSumdbOps(dir);
  assert.equal(await ops.readCache('tile/8/0/000'), undefined);
  await ops.writeCache('tile/8/0/000.p/3', Buffer.from('abc'));
  assert.equal((await ops.readCache('tile/8/0/000.p/3'))?.toString(), 'abc');
  assert.deepEqual(await readdir(join(dir, 'tile/8/0/000.p')), ['3']); // no temp file left behind
  await assert.rejects(ops.writeCache('../outside', Buffer.from('x')), /invalid cache file name/);
  assert.equal(await ops.readCache('lookup/../../etc/passwd'), undefined);
});

test('writeConfig is a compare-and-swap on <dir>/latest', async () => {
  const ops = new HttpSumdbOps(dir);
  assert.equal((await ops.readConfig('sum.example/latest')).length, 0);
  await ops.writeConfig('sum.example/latest', Buffer.alloc(0), Buffer.from('one'));
  await assert.rejects(
    ops.writeConfig('sum.example/latest', Buffer.alloc(0), Buffer.from('two')),
    WriteConflictError,
  );
  await ops.writeConfig('sum.example/latest', Buffer.from('one'), Buffer.from('two'));
  assert.equal((await ops.readConfig('sum.example/latest')).toString(), 'two');
  // Racing writers from the same old value: exactly one wins.
  const results = await Promise.allSettled(
    ['a', 'b', 'c'].map((v) => ops.writeConfig('sum.example/latest', Buffer.from('two'), Buffer.from(v))),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(!(await readdir(dir)).some((f) => f.endsWith('.lock')));
});
