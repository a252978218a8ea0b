import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CacheProject, type RestoreJson, type SaveJson } from './cache-project.js';

describe('cache save and restore round trip with the real go command', () => {
  let p: CacheProject;

  before(async () => {
    p = await CacheProject.create('cache-roundtrip');
    await p.downloadDependencies();
  });

  after(async () => {
    await p?.dispose();
  });

  test('save from a module cache that holds nothing of go.sum says so', async () => {
    const empty = await p.cache(['save', '--to', p.store, '--gomodcache', join(p.dir, 'empty-modcache')]);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, / 0 files uploaded .* 6 not downloaded here/);
    assert.match(empty.stderr, /none of the modules go\.sum lists is in .*empty-modcache\/cache\/download/);
  });

  test('save uploads every downloaded module file once, then nothing', async () => {
    const first = await p.cacheJson<SaveJson>(['save', '--to', p.store]);
    assert.equal(first.code, 0, first.stderr);
    // lib and Dep v1.0.0, each with .info, .mod and .zip.
    assert.equal(first.report.uploaded, 6);
    assert.deepEqual(first.report.uploadedModules, ['example.com/Dep@v1.0.0', 'example.com/app/lib@v1.0.0']);
    assert.ok(first.report.bytes > 0);
    // The store is the download cache's own layout, case-encoded paths included.
    const mod = await readFile(join(p.store, 'example.com/!dep/@v/v1.0.0.mod'), 'utf8');
    assert.match(mod, /^module example.com\/Dep/);

    const again = await p.cacheJson<SaveJson>(['save', '--to', `dir:${p.store}`]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.report.uploaded, 0);
    assert.equal(again.report.alreadyStored, 6);
  });

  test('after a restore into an empty module cache, go downloads and builds without one request', async () => {
    await p.go.clearModCache();
    const restored = await p.cacheJson<RestoreJson>(['restore', '--from', p.store, '--check']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.hits, 6);
    assert.deepEqual(restored.report.misses, []);
    assert.deepEqual(restored.report.check, { ok: true, output: '' });
    // The .ziphash go would have written is there, holding the go.sum hash.
    const goSum = await readFile(join(p.projectDir, 'go.sum'), 'utf8');
    const zipHash = await readFile(
      join(p.go.modCache, 'cache/download/example.com/!dep/@v/v1.0.0.zip'.concat('hash')),
      'utf8',
    );
    assert.ok(goSum.includes(`example.com/Dep v1.0.0 ${zipHash}\n`), zipHash);

    const requestsBefore = p.upstream.requests.length;
    await p.goOnline(['mod', 'download']);
    await p.goOnline(['build', './...']);
    assert.deepEqual(p.upstream.requests.slice(requestsBefore), []);
    const offline = await p.go.run(['mod', 'download'], { cwd: p.projectDir, env: { GOPROXY: 'off' } });
    assert.equal(offline.code, 0, offline.stderr);
  });

  test('restoring again fetches nothing: the files are already in the module cache', async () => {
    const again = await p.cacheJson<RestoreJson>(['restore', '--from', p.store]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.report.hits, 0);
    assert.equal(again.report.alreadyPresent, 6);
    assert.match(
      (await p.cache(['restore', '--from', p.store])).stdout,
      /^restored 2 modules from dir:.* 0 files fetched .*0 missing, 0 refused, in [\d.]+ s\n$/,
    );
  });

  test('--into writes a tree that go uses as GOPROXY=file:// with a cold module cache', async () => {
    const tree = join(p.dir, 'proxy-tree');
    const restored = await p.cacheJson<RestoreJson>([
      'restore',
      '--from',
      p.store,
      '--into',
      tree,
      '--check',
    ]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.hits, 6);
    assert.equal(restored.report.check?.ok, true);
    await p.go.clearModCache();
    const build = await p.go.run(['build', './...'], {
      cwd: p.projectDir,
      env: { GOPROXY: `file://${tree}` },
    });
    assert.equal(build.code, 0, build.stderr);
    await rm(tree, { recursive: true });
  });

  test('after a dependency bump, save uploads only the new version', async () => {
    await p.goOnline(['get', 'example.com/Dep@v1.1.0']);
    await p.goOnline(['mod', 'download']);
    const saved = await p.cacheJson<SaveJson>(['save', '--to', p.store]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.deepEqual(saved.report.uploadedModules, ['example.com/Dep@v1.1.0']);
    assert.equal(saved.report.uploaded, 3);

    // A fresh runner restores the bumped set, and builds offline with the new version.
    await p.go.clearModCache();
    const restored = await p.cacheJson<RestoreJson>(['restore', '--from', p.store, '--check']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.report.check?.ok, true);
    const run = await p.go.run(['run', '.'], { cwd: p.projectDir, env: { GOPROXY: 'off' } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr.trim(), 'v1.1.0');
  });
});
