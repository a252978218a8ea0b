import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SumdbClient } from '../../src/sumdb/client.js';
import {
  SumdbNotFoundError,
  SumdbSecurityError,
  SumdbTransientError,
} from '../../src/sumdb/client-errors.js';
import { HttpSumdbOps } from '../../src/sumdb/http-ops.js';
import { generateKey, newVerifier, open } from '../../src/sumdb/note.js';
import { parseTree } from '../../src/sumdb/tree-note.js';
import { GoSumdbServer, type RunningServer, type ServerOptions } from './go-sumdb-server.js';
import { MemoryLog } from './memory-log.js';

const keys = generateKey('modgate.test/sumdb', Buffer.alloc(32, 7));
const MODULES = ['a', 'b', 'c', 'd', 'e'].map((m) => ({ path: `example.com/${m}`, version: 'v1.0.0' }));

function h1(s: string): string {
  return `h1:${createHash('sha256').update(s).digest('base64')}`;
}
function zipLine(m: { path: string; version: string }): string {
  return `${m.path} ${m.version} ${h1(`${m.path}@${m.version}`)}`;
}
function modLine(m: { path: string; version: string }): string {
  return `${m.path} ${m.version}/go.mod ${h1(`${m.path}@${m.version}/go.mod`)}`;
}
const recordText = (m: { path: string; version: string }) => `${zipLine(m)}\n${modLine(m)}\n`;
const lines = (n: number) => MODULES.slice(0, n).flatMap((m) => [zipLine(m), modLine(m)]);

let go: GoSumdbServer;
const running = new Set<RunningServer>();
const dirs: string[] = [];

before(async () => {
  go = await GoSumdbServer.build();
});

after(async () => {
  for (const s of running) await s.stop();
  await go?.dispose();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function serve(options: Partial<ServerOptions> & { records: number }): Promise<RunningServer> {
  const s = await go.start({ signerKey: keys.signerKey, lines: lines(options.records), ...options });
  running.add(s);
  return {
    ...s,
    stop: async () => {
      running.delete(s);
      await s.stop();
    },
  };
}

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'modgate-sumdb-client-'));
  dirs.push(d);
  return d;
}

function client(url: string, dir: string, extra: { rejectOlderTrees?: boolean } = {}) {
  const reports: string[] = [];
  const ops = new HttpSumdbOps(dir, { timeoutMs: 5_000, onSecurityError: (m) => reports.push(m) });
  return { c: new SumdbClient({ verifierKey: keys.verifierKey, baseUrl: url, ops, ...extra }), reports };
}

/** Every file under dir with a digest of its content, to prove a failed operation wrote nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length)] = createHash('sha256')
      .update(await readFile(p))
      .digest('hex');
  }
  return out;
}

async function latestN(dir: string): Promise<number> {
  return parseTree(open(await readFile(join(dir, 'latest')), [newVerifier(keys.verifierKey)]).text).N;
}

async function expectSecurity(
  p: Promise<unknown>,
  kind: SumdbSecurityError['kind'],
  reports: string[],
  message?: RegExp,
): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof SumdbSecurityError, `want SumdbSecurityError, got ${err}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, /SECURITY ERROR/);
    if (message) assert.match(err.message, message);
    return true;
  });
  assert.equal(reports.length, 1, 'the securityError hook hears of it once');
}

/** A verified client state: the first `records` records looked up through an honest server. */
async function verifiedDir(records: number): Promise<string> {
  const dir = await tempDir();
  const server = await serve({ records });
  await client(server.url, dir).c.lookup(MODULES[0]!.path, MODULES[0]!.version);
  await server.stop();
  return dir;
}

describe('SumdbClient against x/mod sumdb.Server', () => {
  test('lookups return exactly the record lines, and verified data is cached', async () => {
    const server = await serve({ records: 3 });
    const dir = await tempDir();
    const { c, reports } = client(server.url, dir);
    const b = MODULES[1]!;
    assert.deepEqual(await c.lookup(b.path, b.version), [zipLine(b)]);
    assert.deepEqual(await c.lookup(b.path, `${b.version}/go.mod`), [modLine(b)]);

    // The tree Go signed is the one our own log port computes for the same records.
    const log = new MemoryLog();
    for (const m of MODULES.slice(0, 3)) await log.add(recordText(m));
    const tree = await c.latest();
    assert.equal(tree.N, 3);
    assert.deepEqual(Buffer.from(tree.Hash), Buffer.from((await log.tree()).Hash));

    const files = Object.keys(await snapshot(dir)).sort();
    assert.deepEqual(files, ['/latest', '/lookup/example.com/b@v1.0.0', '/tile/8/0/000.p/3']);
    assert.equal(await latestN(dir), 3);

    await assert.rejects(c.lookup('example.com/zzz', 'v1.0.0'), SumdbNotFoundError);

    // From the cache alone, still verified (a new client re-checks it against the stored tiles).
    await server.stop();
    const offline = client('http://127.0.0.1:9', dir).c;
    assert.deepEqual(await offline.lookup(b.path, b.version), [zipLine(b)]);
    assert.equal(reports.length, 0);
  });

  test('concurrent lookups share one verified latest tree', async () => {
    const server = await serve({ records: 5 });
    const dir = await tempDir();
    const { c, reports } = client(server.url, dir);
    const got = await Promise.all(
      MODULES.flatMap((m) => [c.lookup(m.path, m.version), c.lookup(m.path, `${m.version}/go.mod`)]),
    );
    assert.deepEqual(
      got,
      MODULES.flatMap((m) => [[zipLine(m)], [modLine(m)]]),
    );
    assert.equal(await latestN(dir), 5);
    assert.equal(reports.length, 0);
  });

  test('a grown tree is accepted after proving it extends the remembered one', async () => {
    const dir = await verifiedDir(3);
    const server = await serve({ records: 5 });
    const { c, reports } = client(server.url, dir);
    const e = MODULES[4]!;
    assert.deepEqual(await c.lookup(e.path, `${e.version}/go.mod`), [modLine(e)]);
    assert.equal(await latestN(dir), 5);
    // The cached lookup carries the old tree head: it must still check out as a prefix of the new latest.
    const a = MODULES[0]!;
    assert.deepEqual(await c.lookup(a.path, a.version), [zipLine(a)]);
    assert.equal((await c.latest()).N, 5);
    assert.equal(await latestN(dir), 5);
    assert.equal(reports.length, 0);
  });

  test('a forked tree of the same size is a security error, and nothing is stored', async () => {
    const dir = await verifiedDir(3);
    const before = await snapshot(dir);
    const server = await serve({ records: 3, mode: 'fork' });
    const { c, reports } = client(server.url, dir);
    await expectSecurity(
      c.lookup(MODULES[1]!.path, MODULES[1]!.version),
      'fork',
      reports,
      /proof of misbehavior/,
    );
    assert.deepEqual(await snapshot(dir), before);
  });

  test('a grown tree that rewrites an old record is a fork', async () => {
    const dir = await verifiedDir(3);
    const before = await snapshot(dir);
    const server = await serve({ records: 5, mode: 'fork', forkAt: 1 });
    const { c, reports } = client(server.url, dir);
    await expectSecurity(c.lookup(MODULES[4]!.path, MODULES[4]!.version), 'fork', reports);
    assert.deepEqual(await snapshot(dir), before);
  });

  const fresh: [string, ServerOptions['mode'], SumdbSecurityError['kind']][] = [
    ['a changed record', 'changed-record', 'record'],
    ['a tree head signed by the wrong key', 'wrong-key', 'signature'],
    ['a truncated tile', 'truncate-tile', 'tile'],
    ['a corrupted tile', 'corrupt-tile', 'tile'],
    ['a record for another module version', 'wrong-record', 'missing-line'],
  ];
  for (const [what, mode, kind] of fresh) {
    test(`${what} is a security error, and nothing is stored`, async () => {
      for (const dir of [await tempDir(), await verifiedDir(3)]) {
        const before = await snapshot(dir);
        const server = await serve({ records: 5, mode });
        const { c, reports } = client(server.url, dir);
        await expectSecurity(c.lookup(MODULES[2]!.path, MODULES[2]!.version), kind, reports);
        assert.deepEqual(await snapshot(dir), before);
        await server.stop();
      }
    });
  }

  test('a rolled-back server that cannot back its older tree is a rollback security error', async () => {
    const verified = await verifiedDir(5);
    // A cleared tile cache (go clean -modcache keeps GOPATH/pkg/sumdb/.../latest): only the latest tree is known.
    const dir = await tempDir();
    await cp(join(verified, 'latest'), join(dir, 'latest'));
    const before = await snapshot(dir);
    const server = await serve({ records: 5, mode: 'rollback', rollbackTo: 3 });
    const { c, reports } = client(server.url, dir);
    await expectSecurity(c.lookup(MODULES[1]!.path, MODULES[1]!.version), 'rollback', reports, /rollback/);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('with rejectOlderTrees, any smaller tree from the server is a rollback', async () => {
    const dir = await verifiedDir(5);
    const before = await snapshot(dir);
    const server = await serve({ records: 5, mode: 'rollback', rollbackTo: 3 });
    const { c, reports } = client(server.url, dir, { rejectOlderTrees: true });
    await expectSecurity(c.lookup(MODULES[1]!.path, MODULES[1]!.version), 'rollback', reports, /rollback/);
    await assert.rejects(c.latest(), SumdbSecurityError);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('by default, like Go, an older tree proved to be a prefix is accepted and latest does not move back', async () => {
    const dir = await verifiedDir(5);
    const server = await serve({ records: 5, mode: 'rollback', rollbackTo: 3 });
    const { c, reports } = client(server.url, dir);
    const b = MODULES[1]!;
    assert.deepEqual(await c.lookup(b.path, b.version), [zipLine(b)]);
    assert.equal((await c.latest()).N, 5);
    assert.equal(await latestN(dir), 5);
    assert.equal(reports.length, 0);
  });

  test('tile and lookupResponse hand on exactly what the server sent, once authenticated', async () => {
    const server = await serve({ records: 5 });
    const dir = await tempDir();
    const { c, reports } = client(server.url, dir);
    const get = async (path: string) =>
      Buffer.from(await (await fetch(`${server.url}/${path}`)).arrayBuffer());
    const b = MODULES[1]!;
    assert.deepEqual(await c.lookupResponse(b.path, b.version), await get('lookup/example.com/b@v1.0.0'));
    // A tile narrower than the tree makes it is the prefix of the one the client authenticates and caches.
    for (const W of [5, 3]) {
      assert.deepEqual(await c.tile({ H: 8, L: 0, N: 0, W }), await get(`tile/8/0/000.p/${W}`));
    }
    assert.equal(await c.tile({ H: 8, L: 0, N: 0, W: 6 }), undefined, 'no signed tree holds it');
    assert.deepEqual(Object.keys(await snapshot(dir)).sort(), [
      '/latest',
      '/lookup/example.com/b@v1.0.0',
      '/tile/8/0/000.p/5',
    ]);
    assert.equal(reports.length, 0);
  });

  test('a corrupted tile asked for by itself is a security error, and nothing is stored', async () => {
    const dir = await verifiedDir(3);
    const before = await snapshot(dir);
    const server = await serve({ records: 5, mode: 'corrupt-tile' });
    const { c, reports } = client(server.url, dir);
    await expectSecurity(c.tile({ H: 8, L: 0, N: 0, W: 5 }), 'tile', reports);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('a lookup whose record id is negative is a record security error, not a crash', async () => {
    const server = await serve({ records: 3 });
    const reports: string[] = [];
    const ops = new HttpSumdbOps(await tempDir(), { onSecurityError: (m) => reports.push(m) });
    const honest = ops.fetch.bind(ops);
    ops.fetch = async (url) => {
      const body = await honest(url);
      return url.includes('/lookup/') ? Buffer.from(body.toString().replace(/^\d+\n/, '-1\n')) : body;
    };
    const c = new SumdbClient({ verifierKey: keys.verifierKey, baseUrl: server.url, ops });
    const b = MODULES[1]!;
    await expectSecurity(c.lookup(b.path, b.version), 'record', reports, /cannot validate record -1/);
  });

  test('an unreachable server is a transient error naming the URL', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => done(port));
      });
    });
    const dir = await tempDir();
    const { c } = client(`http://127.0.0.1:${port}`, dir);
    const url = `http://127.0.0.1:${port}/lookup/example.com/a@v1.0.0`;
    await assert.rejects(c.lookup('example.com/a', 'v1.0.0'), (err: unknown) => {
      assert.ok(err instanceof SumdbTransientError, String(err));
      assert.ok(err.message.includes(url), err.message);
      return true;
    });
    assert.deepEqual(await snapshot(dir), {});
  });
});
