import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SumdbClient } from '../../src/sumdb/client.js';
import { HttpSumdbOps } from '../../src/sumdb/http-ops.js';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { rawRequest } from '../helpers/raw-http.js';
import { runModgate } from '../helpers/run-cli.js';

const NAME = 'sum.corp.test';
/** corp.example modules from `upstream`, logged in modgate's own checksum database NAME. */
const privateDbFlags = (upstream: string) => [
  '--private',
  'corp.example',
  '--private-upstream',
  upstream,
  '--private-checksum-db',
  NAME,
];
const MODULES = ['a', 'b', 'c', 'd'].map((m) => ({ path: `corp.example/${m}`, version: 'v1.0.0' }));
const DB_DIR = `_modgate/checksum-db/${NAME}`;

/** What `modgate sumdb key` prints for the fixture's data directory. */
async function sumdbKey(fixture: ProxyFixture, extra: string[] = []): Promise<string> {
  const run = await runModgate([
    'sumdb',
    'key',
    '--data',
    fixture.data,
    '--private-checksum-db',
    NAME,
    ...extra,
  ]);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.trim();
}

/**
 * The real go command verifies private modules against modgate's own checksum database, across restarts and
 * appends, and refuses a log whose stored records were altered or whose history was rewritten.
 */
describe('private checksum database: go verifies private modules against modgate', () => {
  let fixture: ProxyFixture;
  let go: GoSandbox;
  let truth: Map<string, Download>;

  const gosumdb = () => sumdbKey(fixture, ['--url', fixture.modgate.url]);
  const download = async (...modules: string[]) => {
    const env = { GOPROXY: fixture.modgate.url, GOSUMDB: await gosumdb() };
    return go.run(['mod', 'download', '-json', ...modules], { env });
  };

  before(async () => {
    fixture = await ProxyFixture.start('private-sumdb', MODULES, {
      args: privateDbFlags,
    });
    go = await GoSandbox.create();
    const reference = await go.run(['mod', 'download', '-json', ...MODULES.map((m) => `${m.path}@v1.0.0`)], {
      env: { GOPROXY: `file://${fixture.tree}` },
    });
    assert.equal(reference.code, 0, reference.stderr);
    truth = new Map(parseJsonStream<Download>(reference.stdout).map((d) => [d.Path, d]));
    await go.clearModCache();
  });

  after(async () => {
    await fixture?.stop();
    await go?.dispose();
  });

  test('`modgate sumdb key` prints the GOSUMDB value: the key and the database URL', async () => {
    assert.match(
      await gosumdb(),
      new RegExp(
        `^${NAME.replaceAll('.', '\\.')}\\+[0-9a-f]{8}\\+\\S+ ${fixture.modgate.url}/sumdb/${NAME}$`,
      ),
    );
  });

  test('go downloads private modules and verifies them against the database', async () => {
    const result = await download('corp.example/a@v1.0.0', 'corp.example/b@v1.0.0');
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const d of parseJsonStream<Download>(result.stdout)) {
      assert.equal(d.Sum, truth.get(d.Path)?.Sum, d.Path);
      assert.equal(d.GoModSum, truth.get(d.Path)?.GoModSum, d.Path);
    }
    // go really asked the database: its verified lookup is in its own cache.
    const lookup = await readFile(
      join(go.modCache, `cache/download/sumdb/${NAME}/lookup/corp.example/a@v1.0.0`),
      'utf8',
    );
    assert.ok(lookup.includes(`corp.example/a v1.0.0 ${truth.get('corp.example/a')!.Sum}\n`));
  });

  test('after a restart the key and the log are the same, and new records extend the tree go remembers', async () => {
    const key = await gosumdb();
    await fixture.restart();
    assert.equal((await gosumdb()).split(' ')[0], key.split(' ')[0], 'the same key after a restart');
    // go keeps the latest tree it verified in GOPATH/pkg/sumdb: the grown tree must extend it.
    const result = await download('corp.example/c@v1.0.0');
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const latest = await readFile(join(go.dir, `gopath/pkg/sumdb/${NAME}/latest`), 'utf8');
    assert.match(latest, /^go\.sum database tree\n3\n/);
  });

  test('a record altered in storage makes go refuse the lookup', async () => {
    const record = join(fixture.data, DB_DIR, 'records/0');
    const original = await readFile(record, 'utf8');
    const truthA = truth.get('corp.example/a')!.Sum!;
    await writeFile(record, original.replace(truthA, `h1:${'A'.repeat(43)}=`));
    try {
      await go.clearModCache();
      const result = await download('corp.example/a@v1.0.0');
      assert.notEqual(result.code, 0, 'go must not accept an altered record');
      assert.match(result.stderr + result.stdout, /cannot authenticate record data in server response/);
      await fixture.modgate.waitForLog('the storage was altered');
    } finally {
      await writeFile(record, original);
    }
  });

  test('a rewritten log (another history under the same key) is a SECURITY ERROR for go', async () => {
    // The client remembers the 3-record tree and holds its tiles.
    await go.clearModCache();
    const seen = await download('corp.example/a@v1.0.0', 'corp.example/b@v1.0.0', 'corp.example/c@v1.0.0');
    assert.equal(seen.code, 0, seen.stderr);
    // Someone with write access to the storage replaces the log and the bytes of corp.example/a@v1.0.0.
    await fixture.modgate.stop();
    for (const dir of ['records', 'index', 'tree'])
      await rm(join(fixture.data, DB_DIR, dir), { recursive: true, force: true });
    await rm(join(fixture.data, 'corp.example/a'), { recursive: true, force: true });
    await writeProxyTree(fixture.tree, [
      {
        path: 'corp.example/a',
        version: 'v1.0.0',
        files: { 'lib.go': 'package lib\n\nconst Evil = true\n' },
      },
    ]);
    await fixture.restart();
    for (const m of ['a', 'b', 'c']) {
      const res = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/lookup/corp.example/${m}@v1.0.0`);
      assert.equal(res.status, 200, res.body.toString());
    }
    const result = await download('corp.example/d@v1.0.0');
    assert.notEqual(result.code, 0, 'go must not accept a rewritten log');
    assert.match(result.stderr + result.stdout, /SECURITY ERROR/);
    assert.match(result.stderr + result.stdout, /misbehavior detected/);
  });
});

describe('private checksum database shared by two worker processes', () => {
  const modules = Array.from({ length: 12 }, (_, i) => ({ path: `corp.example/w${i}`, version: 'v1.0.0' }));
  let fixture: ProxyFixture;
  let cacheDir: string;

  before(async () => {
    fixture = await ProxyFixture.start('private-sumdb-workers', modules, {
      args: (upstream) => ['--workers', '2', ...privateDbFlags(upstream)],
    });
    cacheDir = await mkdtemp(join(tmpdir(), 'modgate-sumdb-client-'));
  });

  after(async () => {
    await fixture?.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('a private version is logged when it is first served, even to a client that does not verify', async () => {
    const zip = await rawRequest(fixture.modgate.url, '/corp.example/w0/@v/v1.0.0.zip');
    assert.equal(zip.status, 200);
    for (let waited = 0; ; waited += 50) {
      const latest = await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/latest`);
      if (latest.body.toString().startsWith('go.sum database tree\n1\n')) break;
      assert.ok(waited < 10_000, `never logged: ${latest.body.toString()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  test('concurrent first lookups on both workers log each version once, in one consistent tree', async () => {
    const url = `${fixture.modgate.url}/sumdb/${NAME}`;
    // Every lookup twice at once: the connections spread over both workers.
    const answers = await Promise.all(
      [...modules, ...modules].map((m) =>
        rawRequest(fixture.modgate.url, `/sumdb/${NAME}/lookup/${m.path}@v1.0.0`),
      ),
    );
    for (const a of answers) assert.equal(a.status, 200, a.body.toString());
    const latest = (await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/latest`)).body.toString();
    assert.match(
      latest,
      new RegExp(`^go\\.sum database tree\\n${modules.length}\\n`),
      'no version logged twice',
    );
    // modgate's verifying client, over HTTP, accepts every record against the final tree.
    const verifierKey = await sumdbKey(fixture);
    const client = new SumdbClient({ verifierKey, baseUrl: url, ops: new HttpSumdbOps(cacheDir) });
    for (const m of modules) assert.equal((await client.lookup(m.path, 'v1.0.0')).length, 1, m.path);
  });

  test('no log line names a private module, not even for failures', async () => {
    assert.equal((await rawRequest(fixture.modgate.url, '/corp.example/missing/@v/v9.9.9.zip')).status, 404);
    assert.equal(
      (await rawRequest(fixture.modgate.url, `/sumdb/${NAME}/lookup/corp.example/missing@v9.9.9`)).status,
      404,
    );
    await fixture.modgate.waitForLog('/sumdb/');
    const leaks = fixture.modgate.logs.filter((l) => l.includes('corp.example'));
    assert.deepEqual(leaks, []);
    assert.ok(
      fixture.modgate.logs.some((l) => l.includes('<private>')),
      'requests are still logged',
    );
  });
});
