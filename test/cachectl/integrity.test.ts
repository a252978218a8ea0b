import assert from 'node:assert/strict';
import { cp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeModuleZip } from '../../src/zipfile/write-module-zip.js';
import {
  CacheProject,
  DEP,
  type RestoreJson,
  type SaveJson,
  TAMPERED_ZIP_REFUSED,
  writeTamperedDepZip,
} from './cache-project.js';

describe('cache restore and save refuse what does not match go.sum', () => {
  let p: CacheProject;
  let stores = 0;

  before(async () => {
    p = await CacheProject.create('cache-integrity');
    await p.downloadDependencies();
    const saved = await p.cache(['save', '--to', p.store]);
    assert.equal(saved.code, 0, saved.stderr);
  });

  after(async () => {
    await p?.dispose();
  });

  /** A copy of the good store to spoil, and an empty module cache to restore into. */
  async function freshStore(): Promise<string> {
    const copy = join(p.dir, `store-${++stores}`);
    await cp(p.store, copy, { recursive: true });
    await p.go.clearModCache();
    return copy;
  }

  test('a zip with other contents is refused by name and hashes, and nothing of that version is written', async () => {
    const store = await freshStore();
    await writeTamperedDepZip(join(store, DEP, 'v1.0.0.zip'));
    const result = await p.cacheJson<RestoreJson>(['restore', '--from', store]);
    assert.equal(result.code, 1);
    assert.equal(result.report.errors.length, 1);
    assert.match(result.stderr, TAMPERED_ZIP_REFUSED);
    assert.deepEqual(await p.depFilesRestored(), []);
    // Nor is anything of it extracted: the files were written as they were checked, and removed when refused.
    assert.deepEqual(await readdir(join(p.go.modCache, 'example.com')), ['app']);
    // The other module is restored whole.
    const lib = await readdir(join(p.go.modCache, 'cache/download/example.com/app/lib/@v'));
    assert.deepEqual(lib.sort(), ['v1.0.0.info', 'v1.0.0.mod', 'v1.0.0.zip', 'v1.0.0.ziphash']);
    // And go itself, with no network, cannot build: nothing poisoned slipped in for it to use.
    const build = await p.go.run(['build', './...'], { cwd: p.projectDir, env: { GOPROXY: 'off' } });
    assert.notEqual(build.code, 0);
  });

  // Each spoils one file of Dep v1.0.0 in the store: the version is refused, and none of its files is written.
  const spoiled: Array<{ what: string; file: string; content: string; message: RegExp }> = [
    {
      what: 'an altered go.mod',
      file: 'v1.0.0.mod',
      content: 'module example.com/Dep\n\ngo 1.19\n\nrequire evil.example v1.0.0\n',
      message: /^mod: checksum mismatch: go.sum has h1:/,
    },
    {
      what: 'something that is no zip at all',
      file: 'v1.0.0.zip',
      content: 'not a zip',
      message: /^zip: not a valid module zip: /,
    },
    {
      what: 'an .info for another version',
      file: 'v1.0.0.info',
      content: '{"Version":"v9.9.9"}',
      message: /^info: describes version "v9.9.9" instead/,
    },
  ];
  for (const { what, file, content, message } of spoiled) {
    test(`${what} is refused`, async () => {
      const store = await freshStore();
      await writeFile(join(store, DEP, file), content);
      const result = await p.cacheJson<RestoreJson>(['restore', '--from', store]);
      assert.equal(result.code, 1);
      assert.match(result.report.errors[0]?.message ?? '', message);
      assert.deepEqual(await p.depFilesRestored(), []);
    });
  }

  test('a module the store lacks is a miss: exit 3, or 0 with --allow-incomplete', async () => {
    const store = await freshStore();
    await rm(join(store, 'example.com/app'), { recursive: true });
    const result = await p.cacheJson<RestoreJson>(['restore', '--from', store, '--check']);
    assert.equal(result.code, 3);
    assert.deepEqual(
      result.report.misses.map((m) => `${m.module}@${m.version} ${m.file}`),
      ['example.com/app/lib@v1.0.0 zip', 'example.com/app/lib@v1.0.0 mod', 'example.com/app/lib@v1.0.0 info'],
    );
    assert.deepEqual(result.report.errors, []);
    assert.equal(result.report.check?.ok, false);
    assert.match(
      result.stderr,
      /not in the cache \(go will download these\):\n {2}example.com\/app\/lib@v1.0.0 zip\n/,
    );
    assert.match(result.stderr, /the offline check failed/);

    const allowed = await p.cache(['restore', '--from', store, '--allow-incomplete']);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  test('a cache directory that does not exist yet makes every module a miss', async () => {
    await p.go.clearModCache();
    const result = await p.cacheJson<RestoreJson>(['restore', '--from', join(p.dir, 'never-saved')]);
    assert.equal(result.code, 3);
    assert.equal(result.report.misses.length, 6);
    assert.match(result.stderr, /does not exist yet: every module is a miss/);
  });

  test('save never uploads a module whose local files do not match go.sum', async () => {
    const zip = join(p.go.modCache, 'cache/download', DEP, 'v1.0.0.zip');
    await p.go.clearModCache();
    await p.goOnline(['mod', 'download']);
    await writeModuleZip(zip, 'example.com/Dep', 'v1.0.0', [{ path: 'dep.go', content: 'package dep\n' }]);
    const store = join(p.dir, 'store-from-poisoned-cache');
    const result = await p.cacheJson<SaveJson>(['save', '--to', store]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /example.com\/Dep@v1.0.0: zip: checksum mismatch: .*; not uploaded/);
    assert.deepEqual(result.report.uploadedModules, ['example.com/app/lib@v1.0.0']);
    // Not the zip, and not the version's other files either.
    assert.deepEqual(await readdir(join(store, DEP)).catch(() => []), []);
  });
});
