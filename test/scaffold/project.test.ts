import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { ScaffoldError } from '../../src/scaffold/errors.js';
import { packageName } from '../../src/scaffold/main-packages.js';
import { binaryName, chooseMain, moduleSettings } from '../../src/scaffold/options.js';
import { privateHints } from '../../src/scaffold/private-hint.js';
import { cacheKeyFiles, type GoProject, readProject } from '../../src/scaffold/project.js';
import { SINGLE_MODULE, WORKSPACE, writeProject } from './fixture-projects.js';

async function withProject<T>(files: Record<string, string>, use: (p: GoProject) => T): Promise<T> {
  const dir = await writeProject('project', files);
  try {
    return use(await readProject(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rejectsWith(files: Record<string, string>, message: RegExp): Promise<void> {
  const dir = await writeProject('bad', files);
  try {
    await assert.rejects(
      readProject(dir),
      (err: Error) => err instanceof ScaffoldError && message.test(err.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('readProject', () => {
  test('a single module: its main package, go.sum, Go version', async () => {
    await withProject(SINGLE_MODULE, (p) => {
      assert.equal(p.workspace, false);
      assert.deepEqual(p.modules, [
        { dir: '.', path: 'example.com/hello', hasGoSum: true, requires: ['example.com/greet'] },
      ]);
      assert.deepEqual(p.mainPackages, ['.'], 'gen.go is //go:build ignore and must not count');
      assert.equal(p.goVersion, '1.23');
      assert.equal(p.vendored, false);
    });
  });

  test('a workspace: use directories, go.work.sum first in the key files, mains of every module', async () => {
    await withProject(WORKSPACE, (p) => {
      assert.equal(p.workspace, true);
      assert.deepEqual(
        p.modules.map((m) => m.dir),
        ['app', 'lib'],
      );
      assert.deepEqual(p.mainPackages, ['app/cmd/server']);
      assert.deepEqual(cacheKeyFiles(p), ['go.work.sum', 'app/go.sum']);
    });
  });

  test('a newer toolchain line picks the image; local replacements inside the root are download inputs', async () => {
    const files = {
      'go.mod':
        'module example.com/m/v2\n\ngo 1.22\n\ntoolchain go1.23.4\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ./third_party/dep\n',
      'third_party/dep/go.mod': 'module example.com/dep\n\ngo 1.20\n',
      'cmd/tool/main.go': 'package main\n\nfunc main() {}\n',
      'vendor/modules.txt': '# example.com/dep v1.0.0 => ./third_party/dep\n',
    };
    await withProject(files, (p) => {
      assert.equal(p.goVersion, '1.23.4');
      assert.deepEqual(p.replacements, [
        { dir: 'third_party/dep', path: 'example.com/dep', hasGoSum: false, requires: [] },
      ]);
      assert.equal(p.vendored, true);
      assert.equal(binaryName(p, 'cmd/tool'), 'tool');
      assert.equal(binaryName(p, '.'), 'm', 'the /v2 suffix is not a name');
      // Without any go.sum the key falls back to go.mod, never to a constant.
      assert.deepEqual(cacheKeyFiles(p), ['go.mod']);
    });
  });

  test('clear errors for what init cannot build', async () => {
    await rejectsWith({ 'main.go': 'package main\n' }, /no go\.mod or go\.work in .*go mod init/);
    await rejectsWith(
      { 'go.mod': 'module example.com/m\n' },
      /go\.mod has no valid go line.*go mod edit -go=/,
    );
    await rejectsWith({ 'go.work': 'go 1.23\n' }, /go\.work has no use directive/);
    await rejectsWith(
      { 'go.mod': 'module example.com/m\n\ngo 1.23\n\nrequire example.com/x v1.0.0\n' },
      /requires modules but there is no go\.sum: run `go mod tidy`/,
    );
    await rejectsWith({ 'go.work': 'go 1.23\nuse ./missing\n' }, /missing\/go\.mod does not exist/);
    await rejectsWith(
      { 'go.mod': 'module example.com/m\n\ngo 1.23\n\nreplace example.com/x => ../x\n' },
      /points at \.\.\/x, outside .*cannot reach it/,
    );
  });
});

describe('main packages', () => {
  test('packageName reads the package clause after comments and honours ignore build tags', () => {
    assert.equal(
      packageName('// Command x.\n/* block\npackage lib */\npackage main // the command\n'),
      'main',
    );
    assert.equal(packageName('package mainly\n'), 'mainly');
    assert.equal(packageName('//go:build ignore\n\npackage main\n'), undefined);
    assert.equal(packageName('// +build ignore\n\npackage main\n'), undefined);
    assert.equal(packageName('//go:build linux\n\npackage main\n'), 'main');
    assert.equal(packageName('// no clause\n'), undefined);
  });

  test('chooseMain: the only one, the one asked for, or an error that lists them', async () => {
    await withProject(WORKSPACE, (p) => {
      assert.equal(chooseMain(p, undefined), 'app/cmd/server');
      assert.equal(chooseMain(p, './app/cmd/server/'), 'app/cmd/server');
      assert.throws(
        () => chooseMain(p, './lib'),
        /--main \.\/lib is not a main package.*found: \.\/app\/cmd\/server/,
      );
    });
    const several = { ...SINGLE_MODULE, 'cmd/b/main.go': 'package main\n' };
    await withProject(several, (p) => {
      assert.throws(
        () => chooseMain(p, undefined),
        /found 2 main packages \(\., \.\/cmd\/b\): choose one with --main/,
      );
    });
    await withProject({ 'go.mod': 'module example.com/lib\n\ngo 1.23\n', 'lib.go': 'package lib\n' }, (p) => {
      assert.throws(() => chooseMain(p, undefined), /found no package main/);
    });
  });
});

describe('moduleSettings', () => {
  test('GOPRIVATE without a proxy; GONOSUMDB behind a modgate server; netrc follows --private', () => {
    assert.deepEqual(moduleSettings({ private: ['example.com/p/*'] }), {
      env: [['GOPRIVATE', 'example.com/p/*']],
      netrc: true,
    });
    assert.deepEqual(moduleSettings({ private: ['example.com/p/'], goproxy: 'http://127.0.0.1:3000/' }), {
      env: [
        ['GOPROXY', 'http://127.0.0.1:3000,direct'],
        ['GONOSUMDB', 'example.com/p'],
      ],
      netrc: true,
    });
    assert.deepEqual(moduleSettings({ private: ['example.com/p'], secret: 'none' }).netrc, false);
    assert.deepEqual(moduleSettings({ private: [], secret: 'netrc' }), { env: [], netrc: true });
  });

  test('refuses values that would write a broken or leaky file', () => {
    assert.throws(
      () => moduleSettings({ private: ['example.com/[p'] }),
      /--private "example\.com\/\[p" is not/,
    );
    assert.throws(() => moduleSettings({ private: ['a b'] }), /is not a module path pattern/);
    assert.throws(
      () => moduleSettings({ private: [], goproxy: 'ftp://x' }),
      /not an http:\/\/ or https:\/\/ URL/,
    );
    assert.throws(
      () => moduleSettings({ private: [], goproxy: 'https://u:tok@modgate.acme' }),
      /carries credentials.*\.netrc secret/,
    );
    assert.throws(() => moduleSettings({ private: [], goproxy: 'https://a,https://b' }), /is a list/);
  });
});

describe('privateHints', () => {
  test('notes requirements of the same forge organisation that no pattern covers, once per owner', async () => {
    const files = {
      'go.mod':
        'module github.com/acme/app\n\ngo 1.23\n\nrequire (\n\tgithub.com/acme/lib v1.0.0\n\tgithub.com/acme/util v1.0.0\n\tgithub.com/other/x v1.0.0\n)\n',
      'go.sum': '',
    };
    await withProject(files, (p) => {
      assert.deepEqual(privateHints(p, []), [
        "github.com/acme/lib has this project's owner (github.com/acme); if it is private, run again with --private github.com/acme",
      ]);
      assert.deepEqual(privateHints(p, ['github.com/acme']), []);
    });
  });
});
