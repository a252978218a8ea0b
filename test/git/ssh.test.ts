import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NotFoundError } from '../../src/sources/errors.js';
import { GitSource } from '../../src/sources/git/git-source.js';
import { GitFixture } from '../helpers/git-fixture.js';
import { SshGitServer, sshKeyPair } from '../helpers/ssh-git-server.js';
import { snapshotDirectories } from '../helpers/suite-artifacts.js';

/**
 * A private host over SSH with a key (a real SSH server on 127.0.0.1, the real ssh client and git): the right
 * key works, a wrong key or an unknown host key gives a clear not-found naming the host and what is wrong,
 * and the private key never lands in the data directory.
 */
describe('git source over SSH with a key', () => {
  let dir: string;
  let server: SshGitServer;
  let good: { privateKey: string; publicKey: string };
  let wrong: { privateKey: string; publicKey: string };
  let knownHosts: string;
  let sources = 0;

  const source = (key: string, hosts = knownHosts) => {
    const data = join(dir, `data-${++sources}`);
    return {
      data,
      git: new GitSource({
        dataDir: data,
        mappings: [{ pattern: 'git.corp.example/*/*', url: `ssh://git@127.0.0.1:${server.port}/{path}` }],
        credentials: { ssh: { knownHosts: hosts, keys: { '*': key } } },
      }),
    };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-git-ssh-'));
    const repo = await GitFixture.create(join(dir, 'repos'), 'team/secret');
    await repo.commit('v1.0.0', {
      files: { 'go.mod': 'module git.corp.example/team/secret\n', 'lib.go': 'package secret\n' },
    });
    await repo.tag('v1.0.0');
    await repo.publish();
    good = await sshKeyPair(dir, 'deploy_key');
    wrong = await sshKeyPair(dir, 'other_key');
    server = await SshGitServer.start(join(dir, 'repos'), dir, good.publicKey);
    knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `${server.knownHostsLine}\n`);
  });

  after(async () => {
    await server?.stop();
    await snapshotDirectories('stored', dir, 'data-');
    await rm(dir, { recursive: true, force: true });
  });

  test('the deploy key reads the repository', async () => {
    const { git, data } = source(good.privateKey);
    const info = JSON.parse((await git.info('git.corp.example/team/secret', 'v1.0.0')).toString());
    assert.equal(info.Version, 'v1.0.0');
    assert.equal(
      (await git.mod('git.corp.example/team/secret', 'v1.0.0')).toString(),
      'module git.corp.example/team/secret\n',
    );
    // The key is referred to by path, never copied under the data directory.
    const secret = await readFile(good.privateKey, 'utf8');
    const body = secret.split('\n').find((l) => l.length > 40)!;
    for (const entry of await readdir(data, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const text = await readFile(join(entry.parentPath, entry.name), 'latin1').catch(() => '');
      assert.ok(!text.includes(body), `${entry.name} holds the private key`);
    }
  });

  test('a key the host does not accept: a not-found naming the host and the key', async () => {
    await assert.rejects(
      source(wrong.privateKey).git.info('git.corp.example/team/secret', 'v1.0.0'),
      (err: Error) => {
        assert.ok(err instanceof NotFoundError, String(err));
        assert.match(
          err.message,
          new RegExp(`127\\.0\\.0\\.1:${server.port} refused the SSH key .*other_key`),
        );
        return true;
      },
    );
  });

  test('a host key missing from known_hosts: refused, never trusted on first use', async () => {
    const empty = join(dir, 'empty_known_hosts');
    await writeFile(empty, '');
    await assert.rejects(
      source(good.privateKey, empty).git.info('git.corp.example/team/secret', 'v1.0.0'),
      (err: Error) => {
        assert.ok(err instanceof NotFoundError, String(err));
        assert.match(err.message, /the SSH host key of .* is not in .*empty_known_hosts/);
        return true;
      },
    );
  });
});
