import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { checksumDbPrefix, loadOrCreateKeys } from '../../src/proxy/checksum-db-key.js';
import { CoordinatedFlight } from '../../src/proxy/coordinated-flight.js';
import { IntegrityError } from '../../src/proxy/errors.js';
import { ProcessLocks } from '../../src/proxy/locks.js';
import { createProxyMetrics } from '../../src/proxy/metrics.js';
import { PrivateChecksumDb } from '../../src/proxy/private-checksum-db.js';
import { SingleFlight } from '../../src/proxy/singleflight.js';
import { isNotFound } from '../../src/sources/errors.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { SumdbClient } from '../../src/sumdb/client.js';
import { SumdbNotFoundError, SumdbSecurityError } from '../../src/sumdb/client-errors.js';
import type { SumdbClientOps } from '../../src/sumdb/client-ops.js';

const NAME = 'sum.corp.test';
const fakeH1 = (s: string) => `h1:${createHash('sha256').update(s).digest('base64')}`;

/** What the module cache would answer: made-up but stable hashes; unknown modules are not found. */
const modules = {
  calls: 0,
  async hashes(module: string, version: string) {
    this.calls++;
    if (module.includes('missing'))
      throw Object.assign(new Error('no such module'), { name: 'NotFoundError' });
    return { zip: fakeH1(`${module}@${version}`), mod: fakeH1(`${module}@${version}/go.mod`) };
  },
};

async function openDb(store: MemoryStore): Promise<PrivateChecksumDb> {
  return PrivateChecksumDb.open({
    name: NAME,
    store,
    coordinated: new CoordinatedFlight(new SingleFlight(), new ProcessLocks()),
    modules,
    metrics: createProxyMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
  });
}

/** modgate's own verifying client, talking to the database directly, with a memory for its latest tree. */
function clientFor(db: PrivateChecksumDb, memory: { latest: Buffer }): SumdbClient {
  const base = `https://${NAME}`;
  const ops: SumdbClientOps = {
    async fetch(url) {
      try {
        return (await db.get(url.slice(base.length + 1))).bytes;
      } catch (err) {
        if (isNotFound(err)) throw new SumdbNotFoundError(url, 404);
        throw err;
      }
    },
    readCache: async () => undefined,
    writeCache: async () => {},
    readConfig: async () => memory.latest,
    writeConfig: async (_file, _old, data) => {
      memory.latest = Buffer.from(data);
    },
    securityError: () => {},
  };
  return new SumdbClient({ verifierKey: db.verifierKey, baseUrl: base, ops });
}

const mod = (i: number) => `corp.example/m${i}`;

describe('the private checksum database', () => {
  test('logs each version once and answers lookups that verify through tiles, across tile boundaries', async () => {
    const store = new MemoryStore();
    const db = await openDb(store);
    const memory = { latest: Buffer.alloc(0) };
    const client = clientFor(db, memory);
    // 300 records: the tree spans a full level-0 tile (256) and a partial one.
    for (let i = 0; i < 300; i++) await db.get(`lookup/${mod(i)}@v1.0.0`);
    const lines = await client.lookup(mod(7), 'v1.0.0');
    assert.deepEqual(lines, [`${mod(7)} v1.0.0 ${fakeH1(`${mod(7)}@v1.0.0`)}`]);
    assert.deepEqual(await client.lookup(mod(299), 'v1.0.0/go.mod'), [
      `${mod(299)} v1.0.0/go.mod ${fakeH1(`${mod(299)}@v1.0.0/go.mod`)}`,
    ]);
    const before = modules.calls;
    await db.get(`lookup/${mod(7)}@v1.0.0`);
    assert.equal(modules.calls, before, 'a logged version is answered from the log');
    assert.match(
      memory.latest.toString(),
      /^go\.sum database tree\n300\n/,
      'the client remembers the 300-record tree',
    );
  });

  test('concurrent appends in one process take turns: every version logged once, ids dense', async () => {
    const db = await openDb(new MemoryStore());
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.record(mod(i % 10), 'v1.0.0').then((r) => r.id)),
    );
    assert.deepEqual(
      [...new Set(ids)].sort((a, b) => a - b),
      [...Array(10).keys()],
    );
    assert.match((await db.get('latest')).bytes.toString(), /^go\.sum database tree\n10\n/);
    // The data tile holds the record texts in log order, each followed by a blank line.
    const data = (await db.get('tile/8/data/000.p/10')).bytes.toString();
    const first = (await db.record(mod(ids.indexOf(0) % 10), 'v1.0.0')).text;
    assert.ok(data.startsWith(`${first}\n`));
    assert.equal(data.split('\n\n').length, 11);
  });

  test('the key survives a restart and a second instance reads the records the first logged', async () => {
    const store = new MemoryStore();
    const first = await openDb(store);
    await first.get(`lookup/${mod(1)}@v1.0.0`);
    const second = await openDb(store);
    assert.equal(second.verifierKey, first.verifierKey);
    await second.get(`lookup/${mod(2)}@v1.0.0`);
    // The first instance sees the second's append (shared storage, as with several workers).
    const latest = (await first.get('latest')).bytes.toString();
    assert.match(latest, /^go\.sum database tree\n2\n/);
    const memory = { latest: Buffer.alloc(0) };
    assert.equal((await clientFor(first, memory).lookup(mod(2), 'v1.0.0')).length, 1);
  });

  test('an append that died before signing is taken into the tree by the next one, never duplicated', async () => {
    const store = new MemoryStore();
    const db = await openDb(store);
    const memory = { latest: Buffer.alloc(0) };
    await db.get(`lookup/${mod(0)}@v1.0.0`);
    await clientFor(db, memory).lookup(mod(0), 'v1.0.0');
    // Simulate the crash: a complete record 1 was written, its head never was.
    const prefix = checksumDbPrefix(NAME);
    const head = await store.readBytes(`${prefix}/tree`);
    await db.get(`lookup/${mod(1)}@v1.0.0`);
    await store.put(`${prefix}/tree`, { bytes: head! }, { ifAbsent: false });
    await store.delete(`${prefix}/index/corp.example/m1/@v1.0.0`);
    const restarted = await openDb(store);
    assert.match((await restarted.get('latest')).bytes.toString(), /^go\.sum database tree\n1\n/);
    // Asking for the same version adopts the orphan instead of logging it twice.
    const answer = (await restarted.get(`lookup/${mod(1)}@v1.0.0`)).bytes.toString();
    assert.match(answer, /^1\n/);
    assert.match(answer, /go\.sum database tree\n2\n/);
    // A client that saw the one-record tree accepts the grown one: nothing was rewritten.
    assert.equal((await clientFor(restarted, memory).lookup(mod(1), 'v1.0.0')).length, 1);
  });

  test('ingest is checked against logged versions: other bytes for a logged version are refused', async () => {
    const db = await openDb(new MemoryStore());
    await db.get(`lookup/${mod(3)}@v1.0.0`);
    await db.verify(mod(3), 'v1.0.0', 'zip', fakeH1(`${mod(3)}@v1.0.0`));
    await db.verify(mod(4), 'v1.0.0', 'zip', fakeH1('anything: not logged yet'));
    await assert.rejects(db.verify(mod(3), 'v1.0.0', 'zip', fakeH1('moved tag')), (err: Error) => {
      assert.ok(err instanceof IntegrityError);
      assert.match(err.message, /checksum mismatch .* logged h1:/);
      return true;
    });
  });

  test('a record altered in storage is still served, and the client refuses it', async () => {
    const store = new MemoryStore();
    const db = await openDb(store);
    await db.get(`lookup/${mod(5)}@v1.0.0`);
    const key = `${checksumDbPrefix(NAME)}/records/0`;
    const entry = JSON.parse((await store.readBytes(key))!.toString()) as { text: string };
    entry.text = entry.text.replace('h1:', 'h1:X');
    await store.delete(key);
    await store.put(key, { bytes: Buffer.from(JSON.stringify(entry)) }, { ifAbsent: true });
    const memory = { latest: Buffer.alloc(0) };
    await assert.rejects(clientFor(db, memory).lookup(mod(5), 'v1.0.0'), (err: Error) => {
      assert.ok(err instanceof SumdbSecurityError, String(err));
      assert.equal(err.kind, 'record');
      return true;
    });
  });

  test('storage rolled back or rewritten under a running database is refused, not served', async () => {
    const store = new MemoryStore();
    const db = await openDb(store);
    const prefix = checksumDbPrefix(NAME);
    await db.get(`lookup/${mod(0)}@v1.0.0`);
    const oneRecord = await store.readBytes(`${prefix}/tree`);
    await db.get(`lookup/${mod(1)}@v1.0.0`);
    await store.put(`${prefix}/tree`, { bytes: oneRecord! }, { ifAbsent: false });
    await assert.rejects(db.get('latest'), /rolled back/);
  });

  test('bad requests and unknown modules are refused with a reason', async () => {
    const db = await openDb(new MemoryStore());
    await assert.rejects(db.get('lookup/corp.example/m@master'), /canonical version/);
    await assert.rejects(db.get('lookup/Corp.Example/m@v1.0.0'), /malformed|invalid/i);
    await assert.rejects(db.get('lookup/corp.example/missing@v1.0.0'), /no such module/);
    await assert.rejects(db.get('tile/8/0/000'), (err: Error) => isNotFound(err));
    await assert.rejects(db.get('../key'), /not a checksum database path/);
  });

  test('the key pair is generated once and kept', async () => {
    const store = new MemoryStore();
    const a = await loadOrCreateKeys(store, NAME);
    const b = await loadOrCreateKeys(store, NAME);
    assert.equal(a.verifierKey, b.verifierKey);
    assert.match(a.verifierKey, /^sum\.corp\.test\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  });
});
