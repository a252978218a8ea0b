import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Download, GoSandbox, parseJsonStream } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { type FixtureModule, writeProxyTree } from '../helpers/proxy-tree.js';
import { UpstreamServer } from '../helpers/upstream-server.js';

const PSEUDO = 'v1.1.1-0.20240301000000-abcdefabcdef';

const MODULES: FixtureModule[] = [
  { path: 'example.com/dep', version: 'v0.1.0' },
  {
    path: 'example.com/hello',
    version: 'v1.0.0',
    goMod: 'module example.com/hello\n\ngo 1.19\n\nrequire example.com/dep v0.1.0\n',
    files: {
      'hello.go': 'package hello\n\nimport _ "example.com/dep"\n\nfunc Hello() string { return "v1.0.0" }\n',
    },
  },
  {
    path: 'example.com/hello',
    version: 'v1.1.0',
    goMod: 'module example.com/hello\n\ngo 1.19\n\nrequire example.com/dep v0.1.0\n',
    files: {
      'hello.go': 'package hello\n\nimport _ "example.com/dep"\n\nfunc Hello() string { return "v1.1.0" }\n',
    },
  },
  { path: 'example.com/hello', version: 'v1.2.0-pre' },
  // What a branch named "main" resolves to upstream (the tree also answers main.info with it).
  { path: 'example.com/hello', version: PSEUDO, time: '2024-03-01T00:00:00Z' },
  { path: 'example.com/hello/v2', version: 'v2.0.0' },
  // Upper case in path and version exercises the `!` case-encoding, sent by go as `%21`.
  { path: 'example.com/Upper', version: 'v1.0.0-RC1' },
];

describe('the real go command through modgate serve', () => {
  let dir: string;
  let upstream: UpstreamServer;
  let modgate: ModgateProcess;
  let oracle: GoSandbox;
  let client: GoSandbox;
  const expected = new Map<string, Download>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-goclient-'));
    await writeProxyTree(join(dir, 'tree'), MODULES);
    await writeFile(
      join(dir, 'tree/example.com/hello/@v/main.info'),
      JSON.stringify({ Version: PSEUDO, Time: '2024-03-01T00:00:00Z' }),
    );
    upstream = await UpstreamServer.start(join(dir, 'tree'));
    modgate = await ModgateProcess.start(['--upstream', upstream.url, '--data', join(dir, 'data')]);
    oracle = await GoSandbox.create();
    client = await GoSandbox.create();
    // The oracle: what go itself computes from the upstream tree, with no modgate in between.
    const args = MODULES.map((m) => `${m.path}@${m.version}`);
    const direct = await oracle.run(['mod', 'download', '-json', ...args], {
      env: { GOPROXY: `file://${join(dir, 'tree')}` },
    });
    assert.equal(direct.code, 0, direct.stderr);
    for (const d of parseJsonStream<Download>(direct.stdout)) expected.set(`${d.Path}@${d.Version}`, d);
    assert.equal(expected.size, MODULES.length);
  });

  after(async () => {
    await modgate?.stop();
    await upstream?.stop();
    await oracle?.dispose();
    await client?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('go mod download -json gets the same Sum and GoModSum as from the upstream directly', async () => {
    const result = await client.run(['mod', 'download', '-json', ...expected.keys()], {
      env: { GOPROXY: modgate.url },
    });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const got = parseJsonStream<Download>(result.stdout);
    assert.equal(got.length, expected.size);
    for (const d of got) {
      const want = expected.get(`${d.Path}@${d.Version}`);
      assert.ok(want, `unexpected ${d.Path}@${d.Version}`);
      assert.equal(d.Error, undefined);
      assert.equal(d.Sum, want.Sum, `${d.Path}@${d.Version} zip hash`);
      assert.equal(d.GoModSum, want.GoModSum, `${d.Path}@${d.Version} go.mod hash`);
    }
    assert.ok(
      upstream.requests.some((p) => p.includes('/example.com/%21upper/@v/v1.0.0-%21r%21c1.zip')),
      'escaped path reached upstream',
    );
  });

  test('a second cold client is served from the store without asking the upstream for artifacts', async () => {
    await client.clearModCache();
    const before = upstream.requests.filter((p) => /\.(zip|mod|info)$/.test(p)).length;
    const result = await client.run(['mod', 'download', '-json', ...expected.keys()], {
      env: { GOPROXY: modgate.url },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(upstream.requests.filter((p) => /\.(zip|mod|info)$/.test(p)).length, before);
  });

  test('go list -m -versions lists tagged versions in order', async () => {
    const result = await client.run(['list', '-m', '-versions', 'example.com/hello'], {
      env: { GOPROXY: modgate.url },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'example.com/hello v1.0.0 v1.1.0 v1.2.0-pre');
  });

  test('go get in a module writes a go.sum that matches the direct hashes', async () => {
    const project = join(client.dir, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'go.mod'), 'module example.com/consumer\n\ngo 1.19\n');
    await writeFile(
      join(project, 'main.go'),
      'package main\n\nimport "example.com/hello"\n\nfunc main() { println(hello.Hello()) }\n',
    );
    const get = await client.run(['get', 'example.com/hello@latest'], {
      cwd: project,
      env: { GOPROXY: modgate.url },
    });
    assert.equal(get.code, 0, get.stderr);
    const goMod = await readFile(join(project, 'go.mod'), 'utf8');
    assert.match(goMod, /example\.com\/hello v1\.1\.0/);
    const goSum = await readFile(join(project, 'go.sum'), 'utf8');
    for (const key of ['example.com/hello@v1.1.0', 'example.com/dep@v0.1.0']) {
      const want = expected.get(key)!;
      assert.ok(goSum.includes(`${want.Path} ${want.Version} ${want.Sum}`), `go.sum has ${key} zip hash`);
      assert.ok(
        goSum.includes(`${want.Path} ${want.Version}/go.mod ${want.GoModSum}`),
        `go.sum has ${key} go.mod hash`,
      );
    }
    const build = await client.run(['build', './...'], { cwd: project, env: { GOPROXY: modgate.url } });
    assert.equal(build.code, 0, build.stderr);
  });

  test('a branch query resolves through the upstream to its pseudo-version', async () => {
    const project = join(client.dir, 'branch');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'go.mod'), 'module example.com/branch\n\ngo 1.19\n');
    const get = await client.run(['get', 'example.com/hello@main'], {
      cwd: project,
      env: { GOPROXY: modgate.url },
    });
    assert.equal(get.code, 0, get.stderr);
    assert.match(
      await readFile(join(project, 'go.mod'), 'utf8'),
      new RegExp(`example\\.com/hello ${PSEUDO}`),
    );
    // The resolved version's .info is now stored like any canonical version's.
    const stored = JSON.parse(await readFile(join(dir, `data/example.com/hello/@v/${PSEUDO}.info`), 'utf8'));
    assert.equal(stored.Version, PSEUDO);
  });

  test('the data directory is itself a valid GOPROXY=file:// tree', async () => {
    const offline = await GoSandbox.create();
    try {
      const result = await offline.run(['mod', 'download', '-json', ...expected.keys()], {
        env: { GOPROXY: `file://${join(dir, 'data')}` },
      });
      assert.equal(result.code, 0, result.stderr + result.stdout);
      for (const d of parseJsonStream<Download>(result.stdout)) {
        assert.equal(d.Sum, expected.get(`${d.Path}@${d.Version}`)!.Sum);
      }
      const versions = await offline.run(['list', '-m', '-versions', 'example.com/hello'], {
        env: { GOPROXY: `file://${join(dir, 'data')}` },
      });
      assert.equal(versions.stdout.trim(), 'example.com/hello v1.0.0 v1.1.0 v1.2.0-pre');
    } finally {
      await offline.dispose();
    }
  });
});
