import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ProcessLocks } from '../../src/proxy/locks.js';
import { createProxyMetrics } from '../../src/proxy/metrics.js';
import { ModuleCache } from '../../src/proxy/module-cache.js';
import { GitSource } from '../../src/sources/git/git-source.js';
import { FsStore } from '../../src/storage/fs-store.js';
import { GoSandbox, parseJsonStream } from '../helpers/go.js';
import { GoDirectOracle } from '../helpers/go-direct.js';
import { buildFixtures } from './fixtures.js';

let dir: string;
let oracle: GoDirectOracle;
let client: GoSandbox;
let cache: ModuleCache;
let data: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-git-cache-'));
  const root = join(dir, 'git');
  await buildFixtures(root);
  oracle = await GoDirectOracle.create(root);
  client = await GoSandbox.create();
  data = join(dir, 'data');
  cache = new ModuleCache({
    store: await FsStore.open(data, { cleanStaging: true }),
    upstream: new GitSource({
      dataDir: data,
      git: { config: { [`url.file://${root}/github.com/.insteadOf`]: 'https://github.com/' } },
    }),
    logger: pino({ level: 'silent' }),
    metrics: createProxyMetrics(new Registry()),
    freshness: { ttlMs: 0, staleWhileRevalidateMs: 0 },
    notFoundTtlMs: 0,
    locks: new ProcessLocks(),
  });
});

after(async () => {
  await oracle.dispose();
  await client.dispose();
  await rm(dir, { recursive: true, force: true });
});

/**
 * modgate's read-through cache over the git source accepts every artifact (its ingest checks included),
 * and go, reading modgate's data directory as a GOPROXY tree, gets the hashes go direct wrote into go.sum.
 */
describe('the git source behind modgate’s cache', () => {
  const cases: Array<[string, string]> = [
    ['github.com/acme/widget', 'latest'],
    ['github.com/acme/widget', 'main'],
    ['github.com/acme/multi', 'v1.0.0'],
    ['github.com/acme/multi/sub', 'v1.0.0'],
    ['github.com/acme/multi/v2', 'v2.0.0'],
    ['github.com/acme/legacy', 'latest'],
    ['github.com/acme/major/v2', 'main'],
    ['github.com/acme/retracted', 'latest'],
    ['github.com/acme/untagged', 'latest'],
  ];
  for (const [module, query] of cases) {
    test(`${module}@${query}`, async () => {
      const direct = await oracle.download(module, query);
      const info = await cache.info(module, direct.version);
      assert.equal(info.kind, 'stored');
      await cache.mod(module, direct.version);
      await cache.zip(module, direct.version);
      const result = await client.run(['mod', 'download', '-json', `${module}@${direct.version}`], {
        env: { GOPROXY: pathToFileURL(data).href, GOSUMDB: 'off' },
      });
      const [json] = parseJsonStream<{ Sum?: string; GoModSum?: string; Error?: string }>(result.stdout);
      assert.equal(json?.Error, undefined, result.stderr);
      assert.equal(json?.Sum, direct.sum);
      assert.equal(json?.GoModSum, direct.goModSum);
    });
  }
});
