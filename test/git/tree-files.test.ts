import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { extract } from 'tar-stream';
import { GitRunner } from '../../src/sources/git/git-runner.js';
import { ObjectReader } from '../../src/sources/git/object-reader.js';
import { readTreeFiles } from '../../src/sources/git/tree-files.js';
import { GitFixture } from '../helpers/git-fixture.js';

const GIT_IDENTITY = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.org',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.org',
};

/** What `git archive` puts in its tar for a directory: regular files and symlinks with their bytes. */
async function archived(runner: GitRunner, gitDir: string, commit: string, dir: string) {
  const args = ['archive', '--format=tar', commit, ...(dir === '' ? [] : ['--', dir])];
  const tar = extract();
  (await runner.stream(args, { repo: gitDir, gitDir })).stdout.pipe(tar);
  const files: { path: string; mode: string; content: string }[] = [];
  for await (const entry of tar) {
    const { name, type, linkname } = entry.header;
    const content = (await buffer(entry)).toString('latin1');
    if (type !== 'file' && type !== 'symlink') continue;
    const path = dir === '' ? name : name.slice(dir.length + 1);
    files.push({ path, mode: type, content: type === 'symlink' ? linkname! : content });
  }
  return files;
}

describe('reading a tree as git archive would give it', () => {
  let dir: string;
  let fixture: GitFixture;
  let runner: GitRunner;
  let reader: ObjectReader;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-tree-files-'));
    fixture = await GitFixture.create(dir, 'example.org/tree');
    runner = new GitRunner();
    reader = new ObjectReader(runner, fixture.bareDir, 'example.org/tree');
  });
  after(async () => {
    reader.close();
    await rm(dir, { recursive: true, force: true });
  });

  const read = async (commit: string, sub: string, maxBytes = 1 << 20) =>
    (await readTreeFiles(reader, commit, sub, maxBytes))?.map((f) => ({
      path: f.path,
      mode: f.mode,
      content: f.content.toString('latin1'),
    }));

  test('files, symlinks and nested directories match git archive; a submodule holds nothing', async () => {
    const commit = await fixture.commit('plain', {
      files: {
        'go.mod': 'module example.org/tree\n',
        'a.go': 'package tree\r\n',
        'deep/er/b.go': 'package er\n',
        'bin\xffary.dat': '\x00\x01\xfe\xff',
        'sub/go.mod': 'module example.org/tree/sub\n',
        'sub/s.go': 'package sub\n',
      },
      symlinks: { link: 'a.go', 'sub/up': '../go.mod' },
      gitlinks: { 'third_party/lib': '0123456789abcdef0123456789abcdef01234567' },
    });
    await fixture.publish();
    for (const sub of ['', 'sub', 'deep']) {
      const want = await archived(runner, fixture.bareDir, commit, sub);
      assert.ok(want.length > 0, sub);
      assert.deepEqual(await read(commit, sub), want, `directory "${sub}"`);
    }
  });

  test('any .gitattributes on the way or below, a missing directory or too many bytes leave it to git archive', async () => {
    const top = await fixture.commit('attributes at the top', {
      files: { '.gitattributes': '*.go eol=crlf\n' },
    });
    await fixture.publish();
    assert.equal(await read(top, ''), undefined);
    assert.equal(await read(top, 'sub'), undefined, 'the root attributes apply to sub/ too');
    const below = await fixture.commit('attributes below', {
      remove: ['.gitattributes'],
      files: { 'deep/er/.gitattributes': 'b.go ident\n' },
    });
    await fixture.publish();
    assert.equal(await read(below, 'deep'), undefined);
    assert.ok(await read(below, 'sub'), 'attributes elsewhere do not matter');
    assert.equal(await read(below, 'nowhere'), undefined);
    assert.equal(await read(below, 'a.go'), undefined, 'a file is not a directory');
    assert.equal(await read(below, 'sub', 10), undefined);
  });

  test('a zero-padded tree mode, which git reads as a number, is still a directory', async () => {
    const git = (args: string[], input?: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const child = execFile(
          'git',
          ['--git-dir', fixture.bareDir, ...args],
          { encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } },
          (err, stdout) => (err ? reject(err) : resolve(stdout.trim())),
        );
        child.stdin!.end(input);
      });
    const blob = await git(['hash-object', '-w', '--stdin'], Buffer.from('package sub\n'));
    const inner = await git(['mktree'], Buffer.from(`100644 blob ${blob}\ts.go\n`));
    const entry = (mode: string, name: string, hash: string) =>
      Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(hash, 'hex')]);
    // fsck only warns about `040000`, and real repositories have it.
    const raw = Buffer.concat([entry('100644', 'a.go', blob), entry('040000', 'sub', inner)]);
    const tree = await git(['hash-object', '-t', 'tree', '--literally', '-w', '--stdin'], raw);
    const commit = await git(['commit-tree', tree, '-m', 'padded']);
    const want = await archived(runner, fixture.bareDir, commit, '');
    assert.deepEqual(
      want.map((f) => f.path),
      ['a.go', 'sub/s.go'],
    );
    assert.deepEqual(await read(commit, ''), want);
  });

  test('the reader answers pipelined reads in order, and missing names as undefined', async () => {
    const head = await fixture.head();
    const names = [`${head}:go.mod`, `${head}:no pe`, 'no\nnewline', `${head}:sub/s.go`, '0000000'];
    const answers = await Promise.all(names.map((n) => reader.read(n, 1 << 20)));
    assert.deepEqual(
      answers.map((a) => a?.content?.toString()),
      ['module example.org/tree\n', undefined, undefined, 'package sub\n', undefined],
    );
    const big = await reader.read(`${head}:go.mod`, 3);
    assert.equal(big?.type, 'blob');
    assert.equal(big?.content, undefined, 'larger than allowed: no content, and the stream stays in step');
    assert.equal(
      (await reader.read(`${head}:sub/go.mod`, 100))?.content?.toString(),
      'module example.org/tree/sub\n',
    );
  });
});
