import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RepoLookupError, RepoResolver } from '../../src/sources/git/repo-root.js';

/** A resolver whose "git ls-remote" succeeds only for the given URLs, recording what it was asked. */
function resolver(reachable: string[] = [], options: { insecure?: string } = {}) {
  const pinged: string[] = [];
  const r = new RepoResolver({
    ...options,
    mappings: [
      { pattern: 'git.corp.example/*/*', url: 'ssh://git@git.corp.example/{path}.git' },
      { pattern: 'corp.example/tools', url: 'https://code.corp.example/{root}' },
    ],
    ping: async (url) => {
      pinged.push(url);
      return reachable.includes(url);
    },
  });
  return { r, pinged };
}

describe('module path → repository', () => {
  test('known hosts: the repository is the first elements, https, no probing', async () => {
    const { r, pinged } = resolver();
    assert.deepEqual(await r.resolve('github.com/acme/widget/sub/v2'), {
      root: 'github.com/acme/widget',
      url: 'https://github.com/acme/widget',
    });
    assert.deepEqual(await r.resolve('bitbucket.org/team/repo'), {
      root: 'bitbucket.org/team/repo',
      url: 'https://bitbucket.org/team/repo',
    });
    // As in go, the greedy name keeps `.git` in both.
    assert.deepEqual(await r.resolve('git.openstack.org/openstack/nova.git/x'), {
      root: 'git.openstack.org/openstack/nova.git',
      url: 'https://git.openstack.org/openstack/nova.git',
    });
    assert.deepEqual(pinged, []);
  });

  test('known hosts refuse paths go refuses, with go words', async () => {
    const { r } = resolver();
    await assert.rejects(r.resolve('github.com/acme'), /invalid github\.com import path "github\.com\/acme"/);
    await assert.rejects(
      r.resolve('github.com/acme/widget.git'),
      /invalid version control suffix in github\.com\/ path/,
    );
  });

  test('a .git qualifier: the first secure scheme git can reach, the root keeps .git', async () => {
    const { r, pinged } = resolver(['ssh://example.org/repos/lib']);
    assert.deepEqual(await r.resolve('example.org/repos/lib.git/pkg'), {
      root: 'example.org/repos/lib.git',
      url: 'ssh://example.org/repos/lib',
    });
    assert.deepEqual(pinged, [
      'https://example.org/repos/lib',
      'git+ssh://example.org/repos/lib',
      'ssh://example.org/repos/lib',
    ]);
  });

  test('git:// and http:// only for hosts configured as insecure', async () => {
    const secure = resolver(['http://example.org/lib']);
    await assert.rejects(secure.r.resolve('example.org/lib.git'), /no secure protocol found for repository/);
    const insecure = resolver(['http://example.org/lib'], { insecure: 'example.org' });
    assert.equal((await insecure.r.resolve('example.org/lib.git')).url, 'http://example.org/lib');
    assert.deepEqual(insecure.pinged, [
      'git://example.org/lib',
      'https://example.org/lib',
      'http://example.org/lib',
    ]);
  });

  test('other version control systems are refused by name', async () => {
    await assert.rejects(
      resolver().r.resolve('example.org/lib.hg'),
      /only git repositories are supported, not hg/,
    );
  });

  test('explicit mappings come first: the pattern gives the root, {path} and {root} the URL', async () => {
    const { r } = resolver();
    assert.deepEqual(await r.resolve('git.corp.example/team/repo/sub'), {
      root: 'git.corp.example/team/repo',
      url: 'ssh://git@git.corp.example/team/repo.git',
    });
    assert.deepEqual(await r.resolve('corp.example/tools/cmd/x'), {
      root: 'corp.example/tools',
      url: 'https://code.corp.example/corp.example/tools',
    });
  });

  test('an unknown host without mapping names what to configure', async () => {
    await assert.rejects(resolver().r.resolve('example.com/lib'), (err: Error) => {
      assert.ok(err instanceof RepoLookupError);
      assert.match(err.message, /example\.com\/lib: no repository known for this path; map it/);
      return true;
    });
  });
});
