import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GoSandbox } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { type RawResponse, rawRequest } from '../helpers/raw-http.js';
import { createToken } from '../helpers/run-cli.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { UpstreamServer } from '../helpers/upstream-server.js';
import { secretForms } from '../secret-scan/scanner.js';

const UPSTREAM_PASSWORD = 'upstream-S3CRET-7f3a';
const GIT_TOKEN = 'glpat-GITS3CRET-91bd';

/**
 * One deployment with every kind of credential configured (an upstream password in its URL, a git token, client
 * tokens), driven through successes and failures; then every log line, every response body, the metrics page
 * and every file under the data directory are searched for each secret. (npm test also scans what the whole
 * suite produced, see scripts/test-suite.ts.)
 */
describe('no credential or token ever appears in logs, bodies, metrics or stored files', () => {
  let dir: string;
  let upstream: UpstreamServer;
  let modgate: ModgateProcess;
  let go: GoSandbox;
  let certFile: string;
  const tokens: string[] = [];
  const bodies: RawResponse[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-secrets-'));
    await writeProxyTree(join(dir, 'tree'), [
      { path: 'corp.example/lib', version: 'v1.0.0' },
      { path: 'example.com/pub', version: 'v1.0.0' },
    ]);
    upstream = await UpstreamServer.start(join(dir, 'tree'));
    const expected = `Basic ${Buffer.from(`ci:${UPSTREAM_PASSWORD}`).toString('base64')}`;
    upstream.authorize = (_path, authorization) => authorization === expected;
    const tls = await selfSignedCertificate(dir);
    certFile = tls.certFile;
    const data = join(dir, 'data');
    tokens.push(await createToken(data, 'ci', 'corp.example'), await createToken(data, 'ops', 'admin'));
    const upstreamUrl = new URL(upstream.url);
    upstreamUrl.username = 'ci';
    upstreamUrl.password = UPSTREAM_PASSWORD;
    modgate = await ModgateProcess.start(
      [
        '--data',
        data,
        '--upstream',
        upstreamUrl.href,
        '--private',
        'corp.example',
        '--private-upstream',
        `${upstreamUrl.href},direct`,
        '--auth',
        'corp.example',
        '--private-checksum-db',
        'sum.corp.test',
        '--tls-cert',
        tls.certFile,
        '--tls-key',
        tls.keyFile,
        '--log-level',
        'debug',
      ],
      { MODGATE_GIT_TOKENS: `https://git.corp.example/=${GIT_TOKEN}` },
    );
    go = await GoSandbox.create();
  });

  after(async () => {
    await modgate?.stop();
    await upstream?.stop();
    await go?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('successes and failures of every kind, then the scan', async () => {
    const host = new URL(modgate.url).host;
    await writeFile(join(go.dir, 'home/.netrc'), `machine ${host} login token password ${tokens[0]}\n`);
    const ok = await go.run(['mod', 'download', 'corp.example/lib@v1.0.0', 'example.com/pub@v1.0.0'], {
      env: { GOPROXY: modgate.url, SSL_CERT_FILE: certFile, GOSUMDB: 'off' },
    });
    assert.equal(ok.code, 0, ok.stderr);
    const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
    for (const [path, options] of [
      ['/corp.example/lib/@v/list', {}],
      ['/corp.example/lib/@v/list', bearer(`${tokens[0]!.slice(0, -3)}xyz`)],
      ['/corp.example/lib/@v/list', bearer(tokens[1]!)],
      ['/corp.example/missing/@v/v1.0.0.zip', bearer(tokens[0]!)],
      // The git source is asked, and fails, for a host the git token is configured for.
      ['/git.corp.example/team/repo/@v/list', bearer(tokens[0]!)],
      ['/sumdb/sum.corp.test/lookup/corp.example/lib@v1.0.0', bearer(tokens[0]!)],
      ['/metrics', {}],
      ['/metrics', bearer(tokens[1]!)],
    ] as const)
      bodies.push(await rawRequest(modgate.url, path, options));
    assert.ok(bodies.some((b) => b.status === 401) && bodies.some((b) => b.status === 403));
    const metrics = bodies.at(-1)!;
    assert.equal(metrics.status, 200);

    // As is, URL-encoded or inside base64: the forms the suite-wide scan looks for too.
    const secrets = [UPSTREAM_PASSWORD, GIT_TOKEN, ...tokens.map((t) => t.slice(16))].flatMap((secret) =>
      secretForms(secret).map((f) => f.text),
    );
    const places: [string, string][] = [
      ...modgate.logs.map((l, i): [string, string] => [`log line ${i}`, l]),
      ...bodies.map((b, i): [string, string] => [`response ${i}`, `${JSON.stringify(b.headers)}\n${b.body}`]),
    ];
    for (const entry of await readdir(join(dir, 'data'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      places.push([path, await readFile(path, 'latin1').catch(() => '')]);
    }
    assert.ok(places.length > 20, 'there is something to scan');
    for (const [where, text] of places)
      for (const secret of secrets) assert.ok(!text.includes(secret), `${where} holds a secret`);
  });
});
