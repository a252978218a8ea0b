import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { open as openZip } from 'yauzl';
import { stageZip } from '../../src/proxy/stage-zip.js';
import { NotFoundError } from '../../src/sources/errors.js';
import { GitSource } from '../../src/sources/git/git-source.js';
import { inspectModuleZip } from '../../src/zipfile/inspect-module-zip.js';
import { GitFixture } from '../helpers/git-fixture.js';
import { GoDirectOracle } from '../helpers/go-direct.js';

let dir: string;
let oracle: GoDirectOracle;
let source: GitSource;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-git-hostile-'));
  const root = join(dir, 'git');
  const huge = await GitFixture.create(root, 'github.com/evil/huge');
  await huge.commit('600 MiB', {
    files: { 'go.mod': 'module github.com/evil/huge\n' },
    zeroFiles: { 'blob.bin': 600 << 20 },
  });
  await huge.tag('v1.0.0');
  await huge.publish();
  const links = await GitFixture.create(root, 'github.com/evil/links');
  await links.commit('links', {
    files: { 'go.mod': 'module github.com/evil/links\n', 'l.go': 'package l\n' },
    symlinks: { passwd: '/etc/passwd', 'dir/up': '../../../../etc', 'go.sum': '/etc/shadow' },
  });
  await links.tag('v1.0.0');
  await links.publish();
  oracle = await GoDirectOracle.create(root);
  source = new GitSource({
    dataDir: join(dir, 'data'),
    git: { config: { [`url.file://${root}/github.com/.insteadOf`]: 'https://github.com/' } },
  });
});

after(async () => {
  await oracle.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('hostile repositories', () => {
  test("a tag pointing at a 600 MiB tree is refused with go's reason", async () => {
    await assert.rejects(source.zip('github.com/evil/huge', 'v1.0.0'), (err: Error) => {
      assert.ok(err instanceof NotFoundError, String(err));
      assert.match(err.message, /module source tree too large \(max size is 524288000 bytes\)/);
      return true;
    });
  });

  test('symlinks out of the repository are left out of the zip, as go does', async () => {
    const zipPath = join(dir, 'links.zip');
    await stageZip(await source.zip('github.com/evil/links', 'v1.0.0'), zipPath, 'links');
    const expected = await oracle.download('github.com/evil/links', 'v1.0.0');
    const names = await zipNames(zipPath);
    assert.deepEqual(names.sort(), [
      'github.com/evil/links@v1.0.0/go.mod',
      'github.com/evil/links@v1.0.0/l.go',
    ]);
    assert.equal((await inspectModuleZip(zipPath, 'github.com/evil/links', 'v1.0.0')).h1, expected.sum);
  });
});

function zipNames(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    openZip(path, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: { fileName: string }) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.once('end', () => resolve(names));
      zip.once('error', reject);
      zip.readEntry();
    });
  });
}
