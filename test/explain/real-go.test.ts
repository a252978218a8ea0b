import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { classifyText, type Failure } from '../../src/explain/classify.js';
import { type GoResult, GoSandbox, goBinary } from '../helpers/go.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { UpstreamServer } from '../helpers/upstream-server.js';
import { GitAuthServer } from './git-auth-server.js';
import { embedInNoise } from './noisy-log.js';

const run = promisify(execFile);

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Expected {
  id: string;
  /** go's output line (trimmed, or a prefix of it) that must be the evidence. */
  evidence: string;
  transient: boolean;
  module?: string;
  inferred?: RegExp[];
}

/** Embeds go's stderr in CI noise, classifies it, and checks the single failure found against `expected`. */
async function expectExplained(result: GoResult, expected: Expected): Promise<Failure> {
  assert.notEqual(result.code, 0, `go should have failed:\n${result.stderr}`);
  const noisy = embedInNoise(result.stderr);
  const { failures } = await classifyText(noisy.log);
  assert.equal(
    failures.length,
    1,
    `one failure expected in:\n${result.stderr}\ngot ${JSON.stringify(failures, null, 2)}`,
  );
  const failure = failures[0]!;
  assert.equal(failure.id, expected.id, result.stderr);
  assert.equal(failure.evidence.line, noisy.lineOf(expected.evidence), result.stderr);
  assert.ok(failure.evidence.text.startsWith(expected.evidence), failure.evidence.text);
  assert.ok(!failure.evidence.text.includes('\x1b'), 'colours are stripped');
  assert.equal(failure.transient, expected.transient);
  if (expected.module) assert.equal(failure.module, expected.module);
  for (const fact of expected.inferred ?? []) {
    assert.ok(
      failure.inferred.some((f) => fact.test(f)),
      `inferred facts ${JSON.stringify(failure.inferred)} lack ${fact}`,
    );
  }
  return failure;
}

/** The line of go's stderr that contains `needle`, trimmed: the expected evidence. */
function lineWith(stderr: string, needle: string): string {
  const line = stderr.split('\n').find((l) => l.includes(needle));
  assert.ok(line, `${JSON.stringify(needle)} not in:\n${stderr}`);
  return line.trim();
}

describe('explain: failures produced by the real go command', () => {
  let dir: string;
  let go: GoSandbox;
  let upstream: UpstreamServer;
  let gitAuth: GitAuthServer;
  let requirer: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-explain-'));
    go = await GoSandbox.create();
    await writeProxyTree(join(dir, 'tree'), [{ path: 'example.com/dep', version: 'v1.0.0' }]);
    upstream = await UpstreamServer.start(join(dir, 'tree'));
    gitAuth = await GitAuthServer.start();
    // No real network: every git URL on example.com goes to the local server that wants credentials.
    for (const scheme of ['https', 'ssh', 'git+ssh']) {
      await run('git', [
        'config',
        '--file',
        join(go.dir, 'gitconfig'),
        '--add',
        `url.${gitAuth.url}.insteadOf`,
        `${scheme}://example.com/`,
      ]);
    }
    requirer = await module(
      'requirer',
      'module example.com/requirer\n\ngo 1.21\n\nrequire example.com/private v1.0.0\n',
    );
  });

  after(async () => {
    await upstream.stop();
    await gitAuth.stop();
    await go.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    upstream.fault = () => 'serve';
    gitAuth.rearm();
    await go.clearModCache();
  });

  async function module(name: string, goMod: string, files: Record<string, string> = {}): Promise<string> {
    const moduleDir = join(dir, name);
    await mkdir(moduleDir, { recursive: true });
    await writeFile(join(moduleDir, 'go.mod'), goMod);
    for (const [file, content] of Object.entries(files)) await writeFile(join(moduleDir, file), content);
    return moduleDir;
  }

  test('connection refused by the GOPROXY', async () => {
    const port = await closedPort();
    const result = await go.run(['mod', 'download'], {
      cwd: requirer,
      env: { GOPROXY: `http://127.0.0.1:${port}` },
    });
    const failure = await expectExplained(result, {
      id: 'proxy-connection-refused',
      evidence: lineWith(result.stderr, 'connection refused'),
      transient: true,
      module: 'example.com/private',
      inferred: [/only "\|" does/, /no direct attempt followed/],
    });
    assert.equal(failure.version, 'v1.0.0');
  });

  for (const status of ['404', '410'] as const) {
    test(`proxy answers ${status} and GOPROXY has no direct`, async () => {
      upstream.fault = () => status;
      const result = await go.run(['mod', 'download'], { cwd: requirer, env: { GOPROXY: upstream.url } });
      const failure = await expectExplained(result, {
        id: 'proxy-not-found-no-direct',
        evidence: lineWith(result.stderr, `: ${status} `),
        transient: false,
        module: 'example.com/private',
        inferred: [
          new RegExp(
            `GOPROXY has no direct entry after ${upstream.url} \\(the final error came from a proxy with ${status}\\)`,
          ),
          /GOPRIVATE\/GONOPROXY does not match example\.com\/private/,
        ],
      });
      assert.equal(failure.url, `${upstream.url}/example.com/private/@v/v1.0.0.mod`);
    });
  }

  test('proxy answers 410 with ",direct": the direct (git) error outranks it', async () => {
    upstream.fault = () => '410';
    const moduleDir = await module(
      'requirer-git',
      'module example.com/requirer\n\ngo 1.21\n\nrequire example.com/private.git v1.0.0\n',
    );
    const result = await go.run(['mod', 'download'], {
      cwd: moduleDir,
      env: { GOPROXY: `${upstream.url},direct`, GIT_SSH_COMMAND: 'false' },
    });
    assert.ok(upstream.count('/example.com/private.git/@v/v1.0.0.mod') >= 1, 'the proxy was asked first');
    assert.doesNotMatch(result.stderr, /410/, 'the proxy error is not the one reported');
    await expectExplained(result, {
      id: 'git-terminal-prompts-disabled',
      evidence: lineWith(result.stderr, 'terminal prompts disabled'),
      transient: false,
      module: 'example.com/private.git',
      inferred: [
        /fetched example\.com\/private\.git directly with git/,
        /no git credentials are configured for 127\.0\.0\.1/,
      ],
    });
  });

  test('proxy answers 500', async () => {
    upstream.fault = () => '500';
    const result = await go.run(['mod', 'download'], {
      cwd: requirer,
      env: { GOPROXY: `${upstream.url},direct` },
    });
    await expectExplained(result, {
      id: 'proxy-server-error',
      evidence: lineWith(result.stderr, '500 Internal Server Error'),
      transient: true,
      module: 'example.com/private',
      inferred: [/answered 500 Internal Server Error, which is not 404\/410/],
    });
  });

  test('HTTPS_PROXY on a loopback port nothing listens on (docker build)', async () => {
    const port = await closedPort();
    const result = await go.run(['mod', 'download'], {
      cwd: requirer,
      env: { GOPROXY: 'https://proxy.golang.org', HTTPS_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: '' },
    });
    await expectExplained(result, {
      id: 'proxyconnect-loopback',
      evidence: lineWith(result.stderr, 'proxyconnect tcp'),
      transient: false,
      inferred: [new RegExp(`HTTPS_PROXY or HTTP_PROXY is set to 127\\.0\\.0\\.1:${port}`)],
    });
  });

  test('TLS: a certificate go does not trust', async () => {
    const tls = await selfSignedCertificate(dir);
    const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (_req, res) => res.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await go.run(['mod', 'download'], {
        cwd: requirer,
        env: { GOPROXY: `https://127.0.0.1:${port}` },
      });
      await expectExplained(result, {
        id: 'tls-error',
        evidence: lineWith(result.stderr, 'x509: certificate signed by unknown authority'),
        transient: false,
        module: 'example.com/private',
        inferred: [new RegExp(`went to the GOPROXY entry https://127\\.0\\.0\\.1:${port}`)],
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('TLS: https:// written for a plain-HTTP proxy', async () => {
    const result = await go.run(['mod', 'download'], {
      cwd: requirer,
      env: { GOPROXY: upstream.url.replace('http:', 'https:') },
    });
    const failure = await expectExplained(result, {
      id: 'tls-error',
      evidence: lineWith(result.stderr, 'server gave HTTP response to HTTPS client'),
      transient: false,
    });
    assert.match(failure.fix, /Use http:\/\//);
  });

  test('checksum mismatch against go.sum (SECURITY ERROR)', async () => {
    const moduleDir = await module(
      'mismatch',
      'module example.com/mismatch\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n',
      {
        'go.sum': `example.com/dep v1.0.0 h1:${'A'.repeat(43)}=\n`,
      },
    );
    const result = await go.run(['mod', 'download'], { cwd: moduleDir, env: { GOPROXY: upstream.url } });
    assert.match(result.stderr, /SECURITY ERROR/);
    await expectExplained(result, {
      id: 'checksum-mismatch',
      evidence: lineWith(result.stderr, 'checksum mismatch'),
      transient: false,
      module: 'example.com/dep',
      inferred: [/go\.sum already has a line/],
    });
  });

  test('checksum database answers 410 for a private module', async () => {
    const moduleDir = await module(
      'sumdb',
      'module example.com/sumdb\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n',
    );
    const sumdb = await UpstreamServer.start(join(dir, 'tree'));
    sumdb.fault = () => '410';
    try {
      const result = await go.run(['mod', 'download'], {
        cwd: moduleDir,
        env: { GOPROXY: upstream.url, GOSUMDB: `sum.golang.org ${sumdb.url}` },
      });
      await expectExplained(result, {
        id: 'sumdb-gone',
        evidence: lineWith(result.stderr, '/lookup/'),
        transient: false,
        module: 'example.com/dep',
        inferred: [/GONOSUMDB\/GOPRIVATE does not match example\.com\/dep/],
      });
    } finally {
      await sumdb.stop();
    }
  });

  test('checksum database unreachable', async () => {
    const moduleDir = await module(
      'sumdb-down',
      'module example.com/sumdb\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n',
    );
    const port = await closedPort();
    const result = await go.run(['mod', 'download'], {
      cwd: moduleDir,
      env: { GOPROXY: upstream.url, GOSUMDB: `sum.golang.org http://127.0.0.1:${port}` },
    });
    await expectExplained(result, {
      id: 'sumdb-unreachable',
      evidence: lineWith(result.stderr, '/lookup/'),
      transient: true,
      module: 'example.com/dep',
      inferred: [/go asked the checksum database/],
    });
  });

  test('missing go.sum entry under -mod=readonly', async () => {
    const moduleDir = await module(
      'nosum',
      'module example.com/nosum\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n',
      {
        'main.go': 'package main\n\nimport _ "example.com/dep"\n\nfunc main() {}\n',
      },
    );
    const result = await go.run(['build', './...'], {
      cwd: moduleDir,
      env: { GOPROXY: 'off', GOFLAGS: '-mod=readonly' },
    });
    const failure = await expectExplained(result, {
      id: 'missing-go-sum-entry',
      evidence: lineWith(result.stderr, 'missing go.sum entry'),
      transient: false,
      module: 'example.com/dep',
    });
    assert.match(failure.fix, /`go get example\.com\/nosum`/, 'the fix quotes the command go suggested');
  });

  test('git asks for credentials: terminal prompts disabled', async () => {
    const moduleDir = await module(
      'private-git',
      'module example.com/requirer\n\ngo 1.21\n\nrequire example.com/private.git v1.0.0\n',
    );
    const result = await go.run(['mod', 'download'], {
      cwd: moduleDir,
      env: { GOPROXY: 'direct', GOPRIVATE: 'example.com', GIT_SSH_COMMAND: 'false' },
    });
    await expectExplained(result, {
      id: 'git-terminal-prompts-disabled',
      evidence: lineWith(result.stderr, 'fatal: could not read Username'),
      transient: false,
      module: 'example.com/private.git',
      inferred: [/directly with git/],
    });
  });

  test('git may prompt but has no terminal: could not read Username', async () => {
    const moduleDir = await module(
      'private-git-tty',
      'module example.com/requirer\n\ngo 1.21\n\nrequire example.com/private.git v1.0.0\n',
    );
    // go leaves GIT_TERMINAL_PROMPT=1 alone; setsid takes away the controlling terminal, as in a CI container.
    const result = await new Promise<GoResult>((resolve) => {
      execFile(
        'setsid',
        ['-w', goBinary(), 'mod', 'download'],
        {
          cwd: moduleDir,
          env: go.env({
            GOPROXY: 'direct',
            GOPRIVATE: 'example.com',
            GIT_SSH_COMMAND: 'false',
            GIT_TERMINAL_PROMPT: '1',
          }),
        },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    await expectExplained(result, {
      id: 'git-could-not-read-username',
      evidence: lineWith(result.stderr, 'fatal: could not read Username'),
      transient: false,
      module: 'example.com/private.git',
      inferred: [/no usable git credentials for http:\/\/127\.0\.0\.1:\d+/],
    });
  });

  describe('with a local git repository as the origin', () => {
    let repo: string;
    before(async () => {
      repo = join(dir, 'repo');
      await mkdir(repo);
      await writeFile(join(repo, 'go.mod'), 'module example.com/repo.git\n\ngo 1.21\n');
      await writeFile(join(repo, 'repo.go'), 'package repo\n');
      const git = (...args: string[]) =>
        run('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
          cwd: repo,
          env: go.env({}),
        });
      await git('init', '-q', '-b', 'main');
      await git('add', '.');
      await git('commit', '-qm', 'initial');
      await git('tag', 'v1.0.0');
      await git('tag', 'v2.0.0');
      await run('git', [
        'config',
        '--file',
        join(go.dir, 'gitconfig'),
        `url.file://${repo}.insteadOf`,
        'https://example.com/repo',
      ]);
    });

    test('unknown revision', async () => {
      const consumer = await module('consumer-unknown', 'module example.com/consumer\n\ngo 1.21\n');
      const result = await go.run(['mod', 'download', 'example.com/repo.git@v1.2.3'], {
        cwd: consumer,
        env: { GOPROXY: 'direct', GIT_SSH_COMMAND: 'false' },
      });
      await expectExplained(result, {
        id: 'unknown-revision',
        evidence: lineWith(result.stderr, 'unknown revision v1.2.3'),
        transient: false,
        module: 'example.com/repo.git',
      });
    });

    test('invalid version: v2 tag on a path without /v2', async () => {
      const consumer = await module('consumer-v2', 'module example.com/consumer\n\ngo 1.21\n');
      const result = await go.run(['get', 'example.com/repo.git@v2.0.0'], {
        cwd: consumer,
        env: { GOPROXY: 'direct', GIT_SSH_COMMAND: 'false' },
      });
      const failure = await expectExplained(result, {
        id: 'invalid-version',
        evidence: lineWith(result.stderr, 'invalid version'),
        transient: false,
        module: 'example.com/repo.git',
      });
      assert.match(failure.fix, /\/vN module path/);
    });
  });

  test('GOFLAGS=-mod=mod with a go.work', async () => {
    const work = join(dir, 'work');
    await mkdir(join(work, 'a'), { recursive: true });
    await writeFile(join(work, 'go.work'), 'go 1.21\n\nuse ./a\n');
    await writeFile(join(work, 'a', 'go.mod'), 'module example.com/a\n\ngo 1.21\n');
    const result = await go.run(['list', '-m', 'all'], { cwd: join(work, 'a'), env: { GOPROXY: 'off' } });
    await expectExplained(result, {
      id: 'workspace-mod-flag',
      evidence: lineWith(result.stderr, '-mod may only be set'),
      transient: false,
      inferred: [/GOFLAGS \(or the command line\) has -mod=mod/],
    });
  });

  test('cannot load module listed in go.work', async () => {
    const work = join(dir, 'work-missing');
    await mkdir(join(work, 'a'), { recursive: true });
    await writeFile(join(work, 'go.work'), 'go 1.21\n\nuse ./a\nuse ./b\n');
    await writeFile(join(work, 'a', 'go.mod'), 'module example.com/a\n\ngo 1.21\n');
    const result = await go.run(['mod', 'download'], { cwd: join(work, 'a'), env: { GOPROXY: 'off' } });
    await expectExplained(result, {
      id: 'go-work-module-missing',
      evidence: lineWith(result.stderr, 'listed in go.work file'),
      transient: false,
    });
  });

  test('go.mod requires go 1.99 with GOTOOLCHAIN=local', async () => {
    const moduleDir = await module('future', 'module example.com/future\n\ngo 1.99\n');
    const result = await go.run(['mod', 'download'], { cwd: moduleDir, env: { GOPROXY: 'off' } });
    await expectExplained(result, {
      id: 'toolchain-too-new',
      evidence: lineWith(result.stderr, 'requires go >= 1.99'),
      transient: false,
      inferred: [/GOTOOLCHAIN=local/, /needs 1\.99/],
    });
  });

  test('go.mod requires go 1.99 with GOTOOLCHAIN=auto and no such toolchain on the proxy', async () => {
    const moduleDir = await module('future-auto', 'module example.com/future\n\ngo 1.99\n');
    upstream.fault = () => '404';
    const result = await go.run(['mod', 'download'], {
      cwd: moduleDir,
      env: { GOPROXY: upstream.url, GOTOOLCHAIN: 'auto' },
    });
    await expectExplained(result, {
      id: 'toolchain-download-failed',
      evidence: lineWith(result.stderr, 'toolchain not available'),
      transient: false,
    });
  });
});
