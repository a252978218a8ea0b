import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GoSandbox } from '../helpers/go.js';
import { GoAuthClient } from '../helpers/goauth-client.js';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';
import { createToken, runModgate } from '../helpers/run-cli.js';
import { selfSignedCertificate } from '../helpers/tls.js';

const MODULES = [
  { path: 'corp.example/payments', version: 'v1.0.0' },
  { path: 'corp.example/hr', version: 'v1.0.0' },
  { path: 'example.com/public', version: 'v1.0.0' },
];

/**
 * The real go command reads protected modules with a token from .netrc or from GOPROXY's user info; without
 * one, or with a revoked or out-of-scope one, it fails with modgate's reason, and public modules stay open.
 */
describe('client authentication and per-module access', () => {
  let fixture: ProxyFixture;
  let go: GoSandbox;
  let certDir: string;
  let certFile: string;
  const tokens: Record<string, string> = {};

  const netrc = (token: string | undefined) =>
    // go matches the machine name against the host of the GOPROXY URL, port included.
    writeFile(
      join(go.dir, 'home/.netrc'),
      token ? `machine ${new URL(fixture.modgate.url).host} login token password ${token}\n` : '',
    );
  const download = (module: string, proxy = fixture.modgate.url) =>
    go.run(['mod', 'download', '-json', `${module}@v1.0.0`], {
      env: { GOPROXY: proxy, SSL_CERT_FILE: certFile },
    });

  before(async () => {
    // go sends .netrc credentials, and those in GOPROXY, over HTTPS only.
    certDir = await mkdtemp(join(tmpdir(), 'modgate-auth-tls-'));
    const tls = await selfSignedCertificate(certDir);
    fixture = await ProxyFixture.start('auth', MODULES, {
      args: ['--auth', 'corp.example', '--tls-cert', tls.certFile, '--tls-key', tls.keyFile],
    });
    certFile = tls.certFile;
    const create = (name: string, ...scopes: string[]) => createToken(fixture.data, name, ...scopes);
    tokens.payments = await create('ci-payments', 'corp.example/payments');
    tokens.hr = await create('ci-hr', 'corp.example/hr');
    tokens.revoked = await create('leaked', 'corp.example/*');
    tokens.admin = await create('ops', 'admin');
    assert.equal((await runModgate(['token', 'revoke', 'leaked', '--data', fixture.data])).code, 0);
    go = await GoSandbox.create();
  });

  after(async () => {
    await fixture?.stop();
    await go?.dispose();
    await rm(certDir, { recursive: true, force: true });
  });

  test('tokens are printed once and listed without their secrets', async () => {
    assert.match(tokens.payments!, /^mg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = (await runModgate(['token', 'list', '--data', fixture.data])).stdout;
    assert.match(listed, /ci-payments {2}scopes=corp\.example\/payments {2}no expiry {2}last used never/);
    assert.match(listed, /leaked {2}scopes=corp\.example\/\* {2}revoked /);
    for (const secret of Object.values(tokens)) assert.ok(!listed.includes(secret.slice(16)));
  });

  test('public modules need no token', async () => {
    await netrc(undefined);
    const result = await download('example.com/public');
    assert.equal(result.code, 0, result.stderr + result.stdout);
  });

  test('without a token go fails with 401 and the reason', async () => {
    await netrc(undefined);
    const result = await download('corp.example/payments');
    assert.notEqual(result.code, 0);
    assert.match(result.stdout, /401 Unauthorized/);
    assert.match(result.stdout, /modgate needs a token to serve corp\.example\/payments, and none was sent/);
    const raw = await rawRequest(fixture.modgate.url, '/corp.example/payments/@v/list');
    assert.equal(raw.status, 401);
    assert.match(String(raw.headers['www-authenticate']), /Basic realm="modgate"/);
  });

  test('a token in .netrc reads the modules in its scope, and only those', async () => {
    await netrc(tokens.payments);
    const ok = await download('corp.example/payments');
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    const denied = await download('corp.example/hr');
    assert.notEqual(denied.code, 0);
    assert.match(denied.stdout, /403 Forbidden/);
    assert.match(denied.stdout, /token ci-payments may not read corp\.example\/hr/);
  });

  test('a token in GOPROXY (https://user:token@host form) works too', async () => {
    await netrc(undefined);
    await go.clearModCache();
    const url = new URL(fixture.modgate.url);
    const result = await download('corp.example/hr', `https://token:${tokens.hr}@${url.host}`);
    assert.equal(result.code, 0, result.stderr + result.stdout);
  });

  test('a revoked token is refused with the reason', async () => {
    await netrc(tokens.revoked);
    await go.clearModCache();
    const result = await download('corp.example/payments');
    assert.notEqual(result.code, 0);
    assert.match(result.stdout, /the token sent is revoked/);
  });

  test('warm artifacts are not served around the check (the in-memory fast lane is gated)', async () => {
    const path = '/corp.example/payments/@v/v1.0.0.mod';
    const auth = { authorization: `Bearer ${tokens.payments}` };
    for (let i = 0; i < 3; i++)
      assert.equal((await rawRequest(fixture.modgate.url, path, { headers: auth })).status, 200);
    assert.equal((await rawRequest(fixture.modgate.url, path)).status, 401);
  });

  test('/metrics needs the admin scope', async () => {
    assert.equal((await rawRequest(fixture.modgate.url, '/metrics')).status, 401);
    const headers = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
    assert.equal((await rawRequest(fixture.modgate.url, '/metrics', headers(tokens.payments!))).status, 403);
    assert.equal((await rawRequest(fixture.modgate.url, '/metrics', headers(tokens.admin!))).status, 200);
    assert.equal((await rawRequest(fixture.modgate.url, '/healthz')).status, 200);
  });

  test('a client following the GOAUTH protocol (go help goauth, Go 1.24) reads with the Bearer header its command prints', async () => {
    const origin = fixture.modgate.url;
    const log = join(certDir, 'goauth.log');
    const command = join(certDir, 'goauth-command');
    // Nothing on the first, argument-less run; once a request failed, a Bearer token for the whole server.
    await writeFile(
      command,
      `#!/bin/sh\nprintf 'call %s\\n' "$*" >> '${log}'\n[ $# -eq 0 ] && exit 0\ncat >> '${log}'\n` +
        `printf '%s\\n\\n%s\\n\\n' '${origin}' 'Authorization: Bearer ${tokens.payments}'\n`,
      { mode: 0o755 },
    );
    const client = new GoAuthClient(command);
    const mod = (module: string) => `${origin}/${module}/@v/v1.0.0.mod`;
    const ok = await client.get(mod('corp.example/payments'));
    assert.equal(ok.status, 200, ok.body.toString());
    assert.match(ok.body.toString(), /^module corp\.example\/payments/);
    const denied = await client.get(mod('corp.example/hr'));
    assert.match(denied.body.toString(), /token ci-payments may not read corp\.example\/hr/);
    // 401 without credentials, then the retry with them; the stored credential goes with the next first try.
    assert.deepEqual(
      client.responses.map((r) => r.status),
      [401, 200, 403, 403],
    );
    const calls = await readFile(log, 'utf8');
    assert.match(
      calls,
      /^call \ncall https:\/\/127\.0\.0\.1:\d+\/corp\.example\/payments\/@v\/v1\.0\.0\.mod\n/,
    );
    assert.match(
      calls,
      /\nHTTP\/1\.1 401 Unauthorized\n(.+\n)*Www-Authenticate: Basic realm="modgate", Bearer realm="modgate"\n/,
    );
    assert.match(
      calls,
      /\ncall https:\/\/127\.0\.0\.1:\d+\/corp\.example\/hr\/@v\/v1\.0\.0\.mod\nHTTP\/1\.1 403 Forbidden\n/,
    );
  });

  test('no token reaches a log line or a stored file in the clear', async () => {
    const secrets = Object.values(tokens).map((t) => t.slice(16));
    for (const line of fixture.modgate.logs)
      for (const s of secrets) assert.ok(!line.includes(s), `a log line holds a token: ${line}`);
    const files = await readdir(fixture.data, { recursive: true, withFileTypes: true });
    for (const f of files.filter((e) => e.isFile())) {
      // Staging files come and go while the server works.
      const content = await readFile(join(f.parentPath, f.name), 'latin1').catch(() => '');
      for (const s of secrets) assert.ok(!content.includes(s), `${f.name} holds a token`);
    }
  });
});

describe('rate limiting per token and per client address', () => {
  let fixture: ProxyFixture;
  let token: string;

  before(async () => {
    fixture = await ProxyFixture.start('ratelimit', MODULES, { args: ['--rate-limit', '5'] });
    token = await createToken(fixture.data, 'ci', '*');
  });

  after(() => fixture?.stop());

  test('beyond the limit: 429 with Retry-After; another token has its own budget', async () => {
    const path = '/example.com/public/@v/list';
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await rawRequest(fixture.modgate.url, path)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const limited = await rawRequest(fixture.modgate.url, path);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.match(limited.body.toString(), /rate limit of 5 requests per minute exceeded/);
    const withToken = await rawRequest(fixture.modgate.url, path, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(withToken.status, 200, 'a token is counted apart from its address');
    assert.equal(
      (await rawRequest(fixture.modgate.url, '/healthz')).status,
      200,
      'health checks are never limited',
    );
  });
});
