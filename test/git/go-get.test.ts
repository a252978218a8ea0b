import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { NotFoundError } from '../../src/sources/errors.js';
import { GitSource } from '../../src/sources/git/git-source.js';
import { matchGoImport, parseMetaGoImports } from '../../src/sources/git/go-get.js';
import { PrivateNetworkGuard } from '../../src/sources/private-network-guard.js';
import { GitFixture } from '../helpers/git-fixture.js';
import { GoDirectOracle } from '../helpers/go-direct.js';
import { assertSameAsGo } from './same-as-go.js';

const meta = (content: string) => `<meta name="go-import" content="${content}">`;

describe('go-import meta tags', () => {
  test('only the head counts; attribute names in any case; exactly three fields', () => {
    const html = `<!DOCTYPE html><html><HEAD>
      <META NAME="go-import" CONTENT="example.org/a git https://git.example.org/a">
      ${meta('example.org/b git')}
      ${meta('example.org/c  git   https://git.example.org/c')}
      </head><body>${meta('example.org/d git https://git.example.org/d')}</body></html>`;
    assert.deepEqual(parseMetaGoImports(html), [
      { prefix: 'example.org/a', vcs: 'git', repoRoot: 'https://git.example.org/a' },
      { prefix: 'example.org/c', vcs: 'git', repoRoot: 'https://git.example.org/c' },
    ]);
  });

  test('mod entries come first and hide the other entries of their prefix', () => {
    const html =
      meta('example.org/a git https://git.example.org/a') +
      meta('example.org/a mod https://proxy.example.org');
    assert.deepEqual(parseMetaGoImports(html), [
      { prefix: 'example.org/a', vcs: 'mod', repoRoot: 'https://proxy.example.org' },
    ]);
  });

  test('exactly one tag must match, by path prefix', () => {
    const tags = parseMetaGoImports(
      meta('example.org/a git https://g/a') + meta('example.org/ab git https://g/ab'),
    );
    assert.equal(matchGoImport(tags, 'example.org/a/x', 'U').repoRoot, 'https://g/a');
    assert.throws(
      () => matchGoImport(tags, 'example.org/c', 'U'),
      /parse U: no go-import meta tags \(meta tag example\.org\/a did not match import path example\.org\/c, meta tag example\.org\/ab did not match/,
    );
    const twice = parseMetaGoImports(
      meta('example.org/a git https://g/1') + meta('example.org/a git https://g/2'),
    );
    assert.throws(
      () => matchGoImport(twice, 'example.org/a', 'U'),
      /multiple meta tags match import path "example\.org\/a"/,
    );
  });
});

/**
 * vanity.example pages served over plain http by a loopback server, which go reaches as its HTTP proxy and
 * modgate through a connector that never offers TLS: https fails for both, so only an insecure host works.
 */
describe('?go-get=1 discovery', () => {
  let dir: string;
  let server: Server;
  let port: number;
  let oracle: GoDirectOracle;
  let repoRoot: string;
  const pages: Record<string, string> = {
    'vanity.example/lib': meta('vanity.example/lib git https://git.vanity.example/lib'),
    'vanity.example/lib/sub': meta('vanity.example/lib git https://git.vanity.example/lib'),
    'vanity.example/liar/sub': meta('vanity.example/liar git https://git.vanity.example/lib'),
    'vanity.example/liar': meta('vanity.example/liar git https://evil.example/lib'),
    'vanity.example/proxied': meta('vanity.example/proxied mod https://proxy.vanity.example'),
    'vanity.example/local': meta('vanity.example/local git file:///etc'),
    'vanity.example/internal': meta('vanity.example/internal git https://git.internal.example/x'),
    'vanity.example/metadata': meta('vanity.example/metadata git http://169.254.169.254/x'),
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-go-get-'));
    repoRoot = join(dir, 'git');
    const repo = await GitFixture.create(repoRoot, 'git.vanity.example/lib');
    await repo.commit('lib', {
      files: {
        'go.mod': 'module vanity.example/lib\n\ngo 1.20\n',
        'lib.go': 'package lib\n',
        'sub/go.mod': 'module vanity.example/lib/sub\n\ngo 1.20\n',
        'sub/sub.go': 'package sub\n',
      },
    });
    await repo.tag('v1.0.0');
    await repo.tag('sub/v1.0.0');
    await repo.publish();
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const page = pages[`${url.hostname}${url.pathname}`];
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html' });
      res.end(`<html><head>${page ?? ''}</head><body>go-get</body></html>`);
    });
    // go asks its proxy for a tunnel to port 443 first; refusing it is what makes https fail.
    server.on('connect', (_req, socket) => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    oracle = await GoDirectOracle.create(repoRoot, ['git.vanity.example'], {
      HTTP_PROXY: `http://127.0.0.1:${port}`,
      HTTPS_PROXY: `http://127.0.0.1:${port}`,
      GOINSECURE: 'vanity.example',
    });
  });

  after(async () => {
    await oracle.dispose();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  function source(insecure?: string, checkHost?: (host: string) => Promise<void>): GitSource {
    const dispatcher = new Agent({
      connect: (options, callback) => {
        if (options.protocol === 'https:') return callback(new Error('no TLS on this test network'), null);
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => callback(null, socket));
        socket.once('error', (err) => callback(err, null));
      },
    });
    return new GitSource({
      dataDir: join(dir, 'data'),
      insecure,
      dispatcher,
      checkHost,
      git: {
        config: { [`url.file://${repoRoot}/git.vanity.example/.insteadOf`]: 'https://git.vanity.example/' },
      },
    });
  }

  test('a vanity path resolves to the repository its meta tag names, as go resolves it', async () => {
    const insecure = source('vanity.example');
    await assertSameAsGo(oracle, insecure, dir, 'vanity.example/lib', 'v1.0.0');
    // The tag names a shorter prefix: the prefix's own page must confirm it.
    await assertSameAsGo(oracle, insecure, dir, 'vanity.example/lib/sub', 'v1.0.0');
  });

  test('plain http only for hosts configured as insecure', async () => {
    await assert.rejects(source().info('vanity.example/lib', 'v1.0.0'), (err: Error) => {
      assert.ok(err instanceof NotFoundError, String(err));
      assert.match(err.message, /vanity\.example\/lib@v1\.0\.0: https fetch: no TLS on this test network/);
      return true;
    });
  });

  test('refuses a prefix the prefix itself disagrees with, mod entries and file URLs', async () => {
    const insecure = source('vanity.example');
    await assert.rejects(
      insecure.info('vanity.example/liar/sub', 'v1.0.0'),
      /http:\/\/vanity\.example\/liar\/sub\?go-get=1 and http:\/\/vanity\.example\/liar\?go-get=1 disagree about go-import for vanity\.example\/liar/,
    );
    await assert.rejects(
      insecure.info('vanity.example/proxied', 'v1.0.0'),
      /list that as an upstream instead/,
    );
    await assert.rejects(
      insecure.info('vanity.example/local', 'v1.0.0'),
      /invalid repo root "file:\/\/\/etc": file scheme disallowed/,
    );
    await assert.rejects(
      insecure.info('vanity.example/none', 'v1.0.0'),
      /reading http:\/\/vanity\.example\/none\?go-get=1: 404/,
    );
  });

  test('a module path never leads modgate into the private network (SSRF), unless the host is allowed', async () => {
    // A resolver standing in for DNS: vanity.example is public, the others are internal.
    const dns: Record<string, string[]> = {
      'vanity.example': ['93.184.216.34'],
      'git.internal.example': ['10.0.0.5'],
      'intranet.example': ['192.168.1.10'],
    };
    const guard = (allow: string) => new PrivateNetworkGuard(allow, async (host) => dns[host] ?? []);
    const guarded = source('vanity.example,intranet.example', (host) => guard('').check(host));
    await assert.rejects(guarded.info('vanity.example/internal', 'v1.0.0'), (err: Error) => {
      assert.ok(err instanceof NotFoundError, String(err));
      assert.match(err.message, /refusing to fetch from git\.internal\.example: it resolves to 10\.0\.0\.5/);
      return true;
    });
    await assert.rejects(
      guarded.info('vanity.example/metadata', 'v1.0.0'),
      /refusing to fetch from 169\.254\.169\.254: it is 169\.254\.169\.254/,
    );
    // The discovery page itself is not fetched from a private address either.
    await assert.rejects(
      guarded.info('intranet.example/x', 'v1.0.0'),
      /refusing to fetch from intranet\.example: it resolves to 192\.168\.1\.10/,
    );
    const allowed = source('vanity.example', (host) => guard('git.internal.example').check(host));
    await assert.rejects(allowed.info('vanity.example/internal', 'v1.0.0'), (err: Error) => {
      assert.doesNotMatch(err.message, /refusing to fetch/);
      return true;
    });
  });
});
