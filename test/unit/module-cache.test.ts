import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ProcessLocks } from '../../src/proxy/locks.js';
import { createProxyMetrics } from '../../src/proxy/metrics.js';
import { ModuleCache } from '../../src/proxy/module-cache.js';
import { FileProxySource } from '../../src/sources/file-proxy-source.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';

let tree: string;
let store: MemoryStore;
let cache: ModuleCache;

before(async () => {
  tree = await mkdtemp(join(tmpdir(), 'modgate-cache-'));
  await writeProxyTree(tree, [
    { path: 'example.com/m', version: 'v1.0.0' },
    { path: 'example.com/m', version: 'v1.1.0' },
  ]);
  store = new MemoryStore();
  cache = new ModuleCache({
    store,
    upstream: new FileProxySource(pathToFileURL(tree).href),
    logger: pino({ level: 'silent' }),
    metrics: createProxyMetrics(new Registry()),
    freshness: { ttlMs: 0, staleWhileRevalidateMs: 0 },
    notFoundTtlMs: 60_000,
    locks: new ProcessLocks(),
  });
});

after(() => rm(tree, { recursive: true, force: true }));

test('artifacts land in the GOMODCACHE layout with the zip hash recorded', async () => {
  assert.deepEqual(await cache.zip('example.com/m', 'v1.0.0'), {
    kind: 'stored',
    key: 'example.com/m/@v/v1.0.0.zip',
  });
  assert.match(
    (await store.readBytes('example.com/m/@v/v1.0.0.ziphash'))!.toString(),
    /^h1:[A-Za-z0-9+/]{43}=$/,
  );
  await cache.mod('example.com/m', 'v1.0.0');
  assert.equal((await store.readBytes('example.com/m/@v/list'))!.toString(), 'v1.0.0\n');
});

test('a list is the upstream list plus stored versions the upstream no longer names', async () => {
  await writeFile(join(tree, 'example.com/m/@v/list'), 'v1.1.0\n');
  const answer = await cache.list('example.com/m');
  assert.equal(answer.kind === 'bytes' && answer.bytes.toString(), 'v1.1.0\nv1.0.0\n');
});

test('not-found answers are remembered: the upstream gaining the module is noticed only after the TTL', async () => {
  await assert.rejects(cache.info('example.com/late', 'v1.0.0'), /example\.com\/late/);
  await writeProxyTree(tree, [{ path: 'example.com/late', version: 'v1.0.0' }]);
  await assert.rejects(cache.info('example.com/late', 'v1.0.0'), /example\.com\/late/);
});

test('non-canonical versions are refused for .mod and .zip, with the canonical form to use', async () => {
  await assert.rejects(cache.zip('example.com/m', 'v1.0'), /not canonical \(use v1\.0\.0\)/);
  await assert.rejects(cache.mod('example.com/m', 'v2.0.0'), /v2/);
});

test("a zip whose go.mod differs from the .mod only in line endings is accepted, as go's own zips are", async () => {
  // git archive applies .gitattributes eol conversion to the zip; go serves the committed .mod as it is.
  await writeProxyTree(tree, [
    {
      path: 'example.com/crlf',
      version: 'v1.0.0',
      goMod: 'module example.com/crlf\r\n\r\ngo 1.19\r\n',
    },
  ]);
  await writeFile(join(tree, 'example.com/crlf/@v/v1.0.0.mod'), 'module example.com/crlf\n\ngo 1.19\n');
  await cache.mod('example.com/crlf', 'v1.0.0');
  assert.equal((await cache.zip('example.com/crlf', 'v1.0.0')).kind, 'stored');
});
