import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { NotFoundError } from '../../src/sources/errors.js';
import { explainAuthFailure, type GitCredentialOptions } from '../../src/sources/git/credentials.js';
import { GitError } from '../../src/sources/git/git-runner.js';
import { GitSource } from '../../src/sources/git/git-source.js';
import { GitFixture } from '../helpers/git-fixture.js';
import { GitHttpServer } from '../helpers/git-http-server.js';
import { snapshotDirectories } from '../helpers/suite-artifacts.js';

const run = promisify(execFile);
const TOKEN = 's3cret-token-4242';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

let dir: string;
let server: GitHttpServer;
let gitWrapper: string;
let argvLog: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-git-credentials-'));
  const root = join(dir, 'repos');
  const repo = await GitFixture.create(root, 'team/lib');
  await repo.commit('v1.0.0', {
    files: { 'go.mod': 'module private.example/team/lib\n', 'lib.go': 'package lib\n' },
  });
  await repo.tag('v1.0.0');
  await repo.publish();
  server = await GitHttpServer.start(root, { username: 'x-access-token', password: TOKEN });
  // git is run through a wrapper that records its arguments, to show the token is never among them.
  argvLog = join(dir, 'argv.log');
  gitWrapper = join(dir, 'git-wrapper');
  await writeFile(gitWrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec git "$@"\n`);
  await chmod(gitWrapper, 0o755);
});

after(async () => {
  await server.stop();
  await snapshotDirectories('stored', dir, 'data-');
  await rm(dir, { recursive: true, force: true });
});

let sources = 0;
function source(credentials: GitCredentialOptions): { source: GitSource; data: string } {
  const data = join(dir, `data-${++sources}`);
  return {
    data,
    source: new GitSource({
      dataDir: data,
      mappings: [{ pattern: 'private.example/*/*', url: `${server.url}{path}` }],
      credentials,
      git: { binary: gitWrapper },
    }),
  };
}

/** A key and a certificate for 127.0.0.1, made by openssl in `dir` (cert.pem is what git must trust). */
async function selfSignedCertificate(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  await mkdir(dir, { recursive: true });
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { key: await readFile(key), cert: await readFile(cert) };
}

/** Every file under a directory, read as bytes. */
async function filesUnder(root: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return out;
}

describe('private hosts over HTTPS', () => {
  test('a token reaches the host as a header, never through argv, URLs or files', async () => {
    const { source: s, data } = source({ tokens: { [server.url]: TOKEN } });
    assert.equal(await s.list('private.example/team/lib'), 'v1.0.0\n');
    assert.equal(
      JSON.parse((await s.info('private.example/team/lib', 'v1.0.0')).toString()).Version,
      'v1.0.0',
    );
    assert.ok(server.authorizations.includes(`Basic ${BASIC}`));
    assert.ok(server.targets.every((t) => !t.includes(TOKEN)));
    const argv = await readFile(argvLog, 'utf8');
    assert.ok(argv.includes('ls-remote'), 'the wrapper saw the git commands');
    assert.ok(!argv.includes(TOKEN) && !argv.includes(BASIC));
    for (const file of await filesUnder(data)) {
      assert.ok(
        !file.includes(TOKEN) && !file.includes(BASIC),
        'no file under the data directory holds the token',
      );
    }
  });

  test('a .netrc entry works the same', async () => {
    const netrc = join(dir, 'netrc');
    await writeFile(netrc, `machine 127.0.0.1 login x-access-token password ${TOKEN}\n`, { mode: 0o600 });
    assert.equal(await source({ netrc }).source.list('private.example/team/lib'), 'v1.0.0\n');
  });

  test('a missing token is a quick not-found naming the host and what to configure', async () => {
    const host = new URL(server.url).host;
    await assert.rejects(source({}).source.list('private.example/team/lib'), (err: Error) => {
      assert.ok(err instanceof NotFoundError, String(err));
      assert.match(
        err.message,
        new RegExp(`${host} wants credentials for .* and none are configured: give a token`),
      );
      return true;
    });
  });

  test('a wrong token is a not-found saying the token was refused, without showing it', async () => {
    await assert.rejects(
      source({ tokens: { [server.url]: 'wrong-token' } }).source.list('private.example/team/lib'),
      (err: Error) => {
        assert.ok(err instanceof NotFoundError, String(err));
        assert.match(err.message, /refused the configured token/);
        assert.doesNotMatch(err.message, /wrong-token/);
        return true;
      },
    );
  });

  test('over real HTTPS: a token works, a missing one names the host', async () => {
    const tls = await selfSignedCertificate(join(dir, 'tls'));
    const https = await GitHttpServer.start(
      join(dir, 'repos'),
      { username: 'x-access-token', password: TOKEN },
      tls,
    );
    try {
      const make = (credentials: GitCredentialOptions) =>
        new GitSource({
          dataDir: join(dir, `data-${++sources}`),
          mappings: [{ pattern: 'private.example/*/*', url: `${https.url}{path}` }],
          credentials,
          git: { config: { 'http.sslCAInfo': join(dir, 'tls', 'cert.pem') } },
        });
      assert.equal(
        await make({ tokens: { [https.url]: TOKEN } }).list('private.example/team/lib'),
        'v1.0.0\n',
      );
      await assert.rejects(make({}).list('private.example/team/lib'), (err: Error) => {
        assert.ok(err instanceof NotFoundError, String(err));
        assert.match(err.message, new RegExp(`${new URL(https.url).host} wants credentials`));
        return true;
      });
    } finally {
      await https.stop();
    }
  });

  test('tokens are only sent over https (loopback aside)', () => {
    assert.throws(
      () => new GitSource({ dataDir: dir, credentials: { tokens: { 'http://git.corp.example/': TOKEN } } }),
      /"http:\/\/git\.corp\.example\/": tokens are only sent over https/,
    );
  });
});

describe('SSH login failures', () => {
  const failure = (stderr: string) =>
    new GitError(
      'ssh://git@git.corp.example/team/lib.git',
      ['ls-remote', '-q', 'origin'],
      128,
      stderr,
      'exit status 128',
    );
  const ssh = {
    knownHosts: '/etc/modgate/known_hosts',
    keys: { 'git.corp.example': '/etc/modgate/id_ed25519' },
  };

  test('a refused or missing key names the host and the key', () => {
    const denied = failure(
      'git@git.corp.example: Permission denied (publickey).\nfatal: Could not read from remote repository.',
    );
    assert.equal(
      explainAuthFailure(denied, { ssh }),
      'git.corp.example refused the SSH key /etc/modgate/id_ed25519 for ssh://git@git.corp.example/team/lib.git',
    );
    assert.match(
      explainAuthFailure(denied, {}) ?? '',
      /wants an SSH key for .* and none is configured for git\.corp\.example/,
    );
  });

  test('an unknown host key names the known_hosts file to add it to', () => {
    const unknown = failure(
      'No ED25519 host key is known for git.corp.example and you have requested strict checking.\nHost key verification failed.',
    );
    assert.match(
      explainAuthFailure(unknown, { ssh }) ?? '',
      /host key of git\.corp\.example is not in \/etc\/modgate\/known_hosts/,
    );
  });
});
