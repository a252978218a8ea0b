import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Buildah } from '../helpers/buildah.js';
import { GoSandbox } from '../helpers/go.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { runModgate } from '../helpers/run-cli.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { UpstreamServer } from '../helpers/upstream-server.js';
import { writeProject } from './fixture-projects.js';
import { buildTestImages } from './test-images.js';

const PRIVATE = 'example.com/private/vault';
const GREETING = 'hello from greet v1.0.0';

/**
 * `modgate init docker` output built unchanged by buildah against an HTTPS module proxy on 127.0.0.1 that
 * serves a public module to anyone and a private one only with the .netrc credential, which the build gets
 * through `--secret id=netrc` alone. Each test builds on the previous one's state, in order.
 */
describe('init docker: the Dockerfile built for real with buildah', { timeout: 900_000 }, () => {
  let work: string;
  let project: string;
  let upstream: UpstreamServer;
  let buildah: Buildah;
  let netrc: string;
  let password: string;
  let goVersion: string;
  let go: GoSandbox;
  let tlsCertFile: string;
  /** The Authorization header of every request for the private module. */
  const privateAuth: (string | undefined)[] = [];
  const logs: string[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'modgate-buildah-test-'));
    const tls = await selfSignedCertificate(work);
    const tree = join(work, 'tree');
    await writeProxyTree(tree, [
      {
        path: 'example.com/greet',
        version: 'v1.0.0',
        files: { 'greet.go': `package greet\n\nfunc Hello() string { return "${GREETING}" }\n` },
      },
      { path: PRIVATE, version: 'v1.0.0', files: { 'vault.go': 'package vault\n\nconst Name = "vault"\n' } },
      {
        path: 'example.com/workdep',
        version: 'v1.0.0',
        files: { 'workdep.go': 'package workdep\n\nconst Word = "from the workspace"\n' },
      },
    ]);
    upstream = await UpstreamServer.start(tree, tls);
    password = randomBytes(16).toString('hex');
    const expected = `Basic ${Buffer.from(`ci:${password}`).toString('base64')}`;
    upstream.authorize = (path, authorization) => {
      if (!path.startsWith(`/${PRIVATE}/`)) return true;
      privateAuth.push(authorization);
      return authorization === expected;
    };
    netrc = join(work, 'netrc');
    await writeFile(netrc, `machine ${new URL(upstream.url).host} login ci password ${password}\n`);

    tlsCertFile = tls.certFile;
    go = await GoSandbox.create();
    goVersion = /^go(\d+\.\d+)/.exec((await go.run(['env', 'GOVERSION'], { env: {} })).stdout)![1]!;
    project = await writeProject('buildah', {
      'go.mod': `module example.com/hello\n\ngo ${goVersion}\n\nrequire (\n\texample.com/greet v1.0.0\n\t${PRIVATE} v1.0.0\n)\n`,
      'main.go': mainGo('first'),
    });
    await tidy(project);

    const init = await runModgate([
      'init',
      'docker',
      project,
      '--goproxy',
      upstream.url,
      '--private',
      'example.com/private',
    ]);
    assert.equal(init.code, 0, init.stderr);

    buildah = await Buildah.create();
    await buildTestImages(buildah, goVersion, tls.cert);
    upstream.requests.splice(0);
    privateAuth.splice(0);
  });

  after(async () => {
    await go?.dispose();
    await buildah?.dispose();
    await upstream?.stop();
    await rm(work, { recursive: true, force: true });
    if (project) await rm(project, { recursive: true, force: true });
  });

  /**
   * With `layers`, every step is committed (and scanned for the secret later); without, every step runs again,
   * so only the cache mounts can spare downloads.
   */
  async function build(tag: string, options: { secret: boolean; layers: boolean }) {
    const result = await buildah.build(project, tag, [
      ...(options.layers ? ['--layers'] : []),
      ...(options.secret ? ['--secret', `id=netrc,src=${netrc}`] : []),
    ]);
    logs.push(result.stdout, result.stderr);
    return result;
  }

  test('without the netrc secret the build stops at the download step, asking for it', async () => {
    const r = await build('hello:nosecret', { secret: false, layers: true });
    assert.notEqual(r.code, 0, 'a missing required secret must fail the build');
    assert.match(r.stderr, /secret.*netrc|netrc.*secret/i);
    assert.equal(upstream.requests.length, 0, 'nothing is downloaded without the credential');
  });

  test('the first build downloads every module once, the private one with the credential', async () => {
    const r = await build('hello:1', { secret: true, layers: true });
    assert.equal(r.code, 0, r.stderr);
    for (const zip of ['/example.com/greet/@v/v1.0.0.zip', `/${PRIVATE}/@v/v1.0.0.zip`]) {
      assert.equal(upstream.count(zip), 1, `${zip}: downloaded once, then read from the cache mount`);
    }
    assert.ok(privateAuth.length > 0);
    assert.ok(
      privateAuth.every((a) => a === `Basic ${Buffer.from(`ci:${password}`).toString('base64')}`),
      'every private request carried the netrc credential',
    );
    assert.match(await runImage('hello:1'), /hello from greet v1\.0\.0 vault first/);
  });

  test('after a source change the second build, every step rerun, makes no module request', async () => {
    upstream.requests.splice(0);
    await writeFile(join(project, 'main.go'), mainGo('second'));
    const r = await build('hello:2', { secret: true, layers: false });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(upstream.requests, [], 'the module cache mount served everything');
    assert.match(await runImage('hello:2'), /vault second/, 'the change was built');
  });

  test('the credential is in no layer, no cache mount, no exported image and no build log', async () => {
    const oci = join(work, 'oci');
    const pushed = await buildah.run(['push', '--disable-compression', 'hello:2', `oci:${oci}`]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const places = [...buildah.storageDirs, oci];
    // The scan must be able to see what is there: the greeting is compiled into the binary in those layers.
    assert.ok(await anyFileContains(places, GREETING), 'the scan finds text that the layers do hold');
    assert.equal(await anyFileContains(places, password), false, 'the password is in no stored file');
    for (const log of logs) assert.ok(!log.includes(password), 'the password is in no build log');
  });

  test("a workspace builds from go.work and its modules' go.mod files, each module fetched once", async () => {
    const workspace = await writeProject('buildah-workspace', {
      'go.work': `go ${goVersion}\n\nuse (\n\t./app\n\t./lib\n)\n`,
      'app/go.mod': `module example.com/app\n\ngo ${goVersion}\n`,
      'app/cmd/hello/main.go':
        'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Say()) }\n',
      'lib/go.mod': `module example.com/lib\n\ngo ${goVersion}\n\nrequire example.com/workdep v1.0.0\n`,
      'lib/lib.go':
        'package lib\n\nimport "example.com/workdep"\n\nfunc Say() string { return "hello " + workdep.Word }\n',
    });
    try {
      await tidy(join(workspace, 'lib'), { GOWORK: 'off' });
      const init = await runModgate(['init', 'docker', workspace, '--goproxy', upstream.url]);
      assert.equal(init.code, 0, init.stderr);
      upstream.requests.splice(0);
      const r = await buildah.build(workspace, 'workspace:1');
      logs.push(r.stdout, r.stderr);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(upstream.count('/example.com/workdep/@v/v1.0.0.zip'), 1);
      assert.match(await runImage('workspace:1'), /hello from the workspace/);
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });

  /** go.sum from the real go command through the same proxy, as a developer's machine would write it. */
  async function tidy(dir: string, env: Record<string, string> = {}): Promise<void> {
    const r = await go.run(['mod', 'tidy'], {
      cwd: dir,
      env: { GOPROXY: upstream.url, SSL_CERT_FILE: tlsCertFile, NETRC: netrc, ...env },
    });
    assert.equal(r.code, 0, r.stderr);
  }

  async function runImage(tag: string): Promise<string> {
    const from = await buildah.run(['from', '--pull-never', tag]);
    assert.equal(from.code, 0, from.stderr);
    const container = from.stdout.trim();
    const ran = await buildah.run(['run', '--isolation', 'chroot', container, '--', '/usr/local/bin/hello']);
    await buildah.run(['rm', container]);
    assert.equal(ran.code, 0, ran.stderr);
    // println writes to standard error.
    return ran.stdout + ran.stderr;
  }
});

function mainGo(word: string): string {
  return [
    'package main',
    '',
    'import (',
    '\t"example.com/greet"',
    `\t"${PRIVATE}"`,
    ')',
    '',
    `func main() { println(greet.Hello(), vault.Name, "${word}") }`,
    '',
  ].join('\n');
}

/** Whether any regular file under `dirs` contains `text` (as UTF-8 bytes). */
async function anyFileContains(dirs: string[], text: string): Promise<boolean> {
  const needle = Buffer.from(text);
  for (const dir of dirs) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile()) continue;
      const content = await readFile(join(e.parentPath, e.name)).catch(() => undefined);
      if (content?.includes(needle)) return true;
    }
  }
  return false;
}
