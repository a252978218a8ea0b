import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ProcessLocks } from '../../src/proxy/locks.js';
import { createProxyMetrics } from '../../src/proxy/metrics.js';
import { ModuleCache } from '../../src/proxy/module-cache.js';
import { GitSource } from '../../src/sources/git/git-source.js';
import { FsStore } from '../../src/storage/fs-store.js';
import { type CorpusModule, DebianCorpus } from '../helpers/debian-corpus.js';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { GoDirectOracle } from '../helpers/go-direct.js';

let dir: string;
let modules: CorpusModule[];
let direct: GoDirectOracle;
let client: GoSandbox;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-corpus-'));
  modules = (await DebianCorpus.build(join(dir, 'git'))).versions;
  direct = await GoDirectOracle.create(join(dir, 'git'));
  client = await GoSandbox.create();
});

after(async () => {
  await direct.dispose();
  await client.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** One `go mod download -json` of every module, by path. */
async function download(sandbox: GoSandbox, env: Record<string, string>): Promise<Map<string, Download>> {
  const args = ['mod', 'download', '-json', ...modules.map((m) => `${m.path}@${m.version}`)];
  const result = await sandbox.run(args, { env: { GOSUMDB: 'off', ...env }, timeoutMs: 600_000 });
  return new Map(parseJsonStream<Download>(result.stdout).map((d) => [d.Path, d]));
}

test('real libraries from Debian: go mod download through modgate’s git source gets go direct’s hashes', async () => {
  const insteadOf = { [`url.file://${join(dir, 'git')}/github.com/.insteadOf`]: 'https://github.com/' };
  const expected = await download(direct.sandbox, { GOPROXY: 'direct' });

  const data = join(dir, 'data');
  const cache = new ModuleCache({
    store: await FsStore.open(data, { cleanStaging: true }),
    upstream: new GitSource({ dataDir: data, git: { config: insteadOf } }),
    logger: pino({ level: 'silent' }),
    metrics: createProxyMetrics(new Registry()),
    freshness: { ttlMs: 0, staleWhileRevalidateMs: 0 },
    notFoundTtlMs: 0,
    locks: new ProcessLocks(),
  });
  const refused: string[] = [];
  for (const m of modules) {
    try {
      await cache.info(m.path, m.version);
      await cache.mod(m.path, m.version);
      await cache.zip(m.path, m.version);
    } catch (err) {
      refused.push(`${m.path}@${m.version}: ${(err as Error).message}`);
    }
  }
  const actual = await download(client, { GOPROXY: pathToFileURL(data).href });

  let compared = 0;
  for (const m of modules) {
    const want = expected.get(m.path);
    const got = actual.get(m.path);
    assert.ok(want && got, `go reported on ${m.path}`);
    if (want.Error) {
      assert.ok(got.Error, `${m.path}: go direct refused it (${want.Error}) but modgate served it`);
      continue;
    }
    assert.equal(got.Error, undefined, `${m.path}: ${got.Error}\n${refused.join('\n')}`);
    assert.equal(got.Sum, want.Sum, `zip hash of ${m.path}@${m.version}`);
    assert.equal(got.GoModSum, want.GoModSum, `go.mod hash of ${m.path}@${m.version}`);
    compared++;
  }
  assert.ok(compared >= 50, `only ${compared} of ${modules.length} corpus modules could be compared`);
});
