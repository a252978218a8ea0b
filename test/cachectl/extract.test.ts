import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CacheProject, DEP, makeWritable, type RestoreJson } from './cache-project.js';

/** Where go extracts Dep v1.0.0, and the marker go leaves beside its zip while extracting. */
const DEP_DIR = 'example.com/!dep@v1.0.0';
const DEP_PARTIAL = `cache/download/${DEP}/v1.0.0.partial`;

describe('cache restore extracts modules into the module cache as go does', () => {
  let p: CacheProject;

  before(async () => {
    p = await CacheProject.create('cache-extract');
    await p.downloadDependencies();
    const saved = await p.cache(['save', '--to', p.store]);
    assert.equal(saved.code, 0, saved.stderr);
  });

  after(async () => {
    await makeWritable(p.go.modCache);
    await p?.dispose();
  });

  /** An empty module cache to restore into; go's read-only directories are made writable to delete them. */
  async function emptyModCache(): Promise<void> {
    await makeWritable(p.go.modCache);
    await p.go.clearModCache();
  }

  /** Runs go with no network at all: everything it needs must already be in the module cache. */
  function goOffline(args: string[], goflags = '-mod=mod') {
    return p.go.run(args, { cwd: p.projectDir, env: { GOPROXY: 'off', GOFLAGS: goflags } });
  }

  test('without -modcacherw: read-only files and directories, no .partial, and go verifies and builds offline', async () => {
    await emptyModCache();
    const restored = await p.cacheJson<RestoreJson>(['restore', '--from', p.store], { GOFLAGS: '-mod=mod' });
    assert.equal(restored.code, 0, restored.stderr);
    const dir = join(p.go.modCache, DEP_DIR);
    assert.deepEqual((await readdir(dir)).sort(), ['dep.go', 'go.mod']);
    assert.equal((await stat(join(dir, 'dep.go'))).mode & 0o777, 0o444);
    assert.equal((await stat(dir)).mode & 0o222, 0, 'the module directory is writable');
    assert.equal(await exists(join(p.go.modCache, DEP_PARTIAL)), false);
    // go takes the directories as its own: it neither extracts them again nor finds them different from go.sum.
    const verify = await goOffline(['mod', 'verify']);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /all modules verified/);
    // Had go extracted it again, it would have removed and rewritten the files: new inodes.
    const inode = (await stat(join(dir, 'dep.go'))).ino;
    const download = await goOffline(['mod', 'download']);
    assert.equal(download.code, 0, download.stderr);
    assert.equal((await stat(join(dir, 'dep.go'))).ino, inode);
    const build = await goOffline(['build', './...']);
    assert.equal(build.code, 0, build.stderr);
  });

  test('with -modcacherw in GOFLAGS the directories stay writable, as go leaves them', async () => {
    await emptyModCache();
    const restored = await p.cache(['restore', '--from', p.store], { GOFLAGS: '-mod=mod -modcacherw' });
    assert.equal(restored.code, 0, restored.stderr);
    assert.notEqual((await stat(join(p.go.modCache, DEP_DIR))).mode & 0o200, 0);
    const verify = await goOffline(['mod', 'verify'], '-mod=mod -modcacherw');
    assert.equal(verify.code, 0, verify.stderr);
  });

  test('-modcacherw set with go env -w (in the GOENV file) is honoured as well', async () => {
    await emptyModCache();
    const goEnvFile = join(p.dir, 'go.env');
    await writeFile(goEnvFile, 'GOFLAGS=-mod=mod -modcacherw\n');
    const restored = await p.cache(['restore', '--from', p.store], { GOFLAGS: '', GOENV: goEnvFile });
    assert.equal(restored.code, 0, restored.stderr);
    assert.notEqual((await stat(join(p.go.modCache, DEP_DIR))).mode & 0o200, 0);
  });

  test('an interrupted extraction (a .partial marker) is replaced, as go would replace it', async () => {
    await emptyModCache();
    const dir = join(p.go.modCache, DEP_DIR);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'left-over.go'), 'package dep\n');
    await mkdir(join(p.go.modCache, 'cache/download', DEP), { recursive: true });
    await writeFile(join(p.go.modCache, DEP_PARTIAL), '');
    const restored = await p.cache(['restore', '--from', p.store]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.deepEqual((await readdir(dir)).sort(), ['dep.go', 'go.mod']);
    assert.equal(await exists(join(p.go.modCache, DEP_PARTIAL)), false);
    const verify = await goOffline(['mod', 'verify']);
    assert.equal(verify.code, 0, verify.stderr);
  });

  test('--into writes a GOPROXY tree and extracts nothing', async () => {
    await emptyModCache();
    const tree = join(p.dir, 'tree-only');
    const restored = await p.cache(['restore', '--from', p.store, '--into', tree]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(await exists(join(p.go.modCache, DEP_DIR)), false);
    assert.match(await readFile(join(tree, DEP, 'v1.0.0.mod'), 'utf8'), /^module example.com\/Dep/);
  });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
