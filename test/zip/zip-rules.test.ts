import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  type CandidateFile,
  checkFiles,
  checkModuleVersion,
  checkZipEntries,
  cleanPath,
  equalFold,
  isVendoredPackage,
  MAX_GO_MOD,
  MAX_LICENSE,
  MAX_ZIP_FILE,
  ZipRuleError,
} from '../../src/gomod/zip-rules.js';
import { inspectModuleZip } from '../../src/zipfile/inspect-module-zip.js';
import { writeModuleZip } from '../../src/zipfile/write-module-zip.js';
import { parseTxtar, readZipTests, type Txtar, X_MOD_ZIP_TESTDATA, type ZipTest } from '../helpers/txtar.js';

/** Go's formatCheckedFiles, the `want` section of check_files and check_zip vectors. */
function format(
  valid: string[],
  omitted: Array<{ path: string; reason: string }>,
  invalid: typeof omitted,
): string {
  const lines = (list: typeof omitted) => list.map((p) => `${p.path}: ${p.reason}\n`).join('');
  return `valid:\n${valid.map((v) => `${v}\n`).join('')}\nomitted:\n${lines(omitted)}\ninvalid:\n${lines(invalid)}`;
}

function splitWant(archive: Txtar): { want: string; files: Txtar['files'] } {
  const i = archive.files.findIndex((f) => f.name === 'want');
  assert.ok(i >= 0, 'vector has a want section');
  return { want: archive.files[i]!.data.toString('utf8'), files: archive.files.filter((_, j) => j !== i) };
}

function runCheckFiles(files: Txtar['files']): string {
  const candidates = files.map((f) => ({ path: f.name, size: f.data.length, mode: 'file' as const }));
  // Go reads the go line from the regular root go.mod (the last one, if listed twice).
  const goMod = files.findLast((f) => f.name === 'go.mod')?.data.toString('utf8');
  const cf = checkFiles(candidates, goMod);
  assert.equal(cf.sizeError, undefined);
  return format(
    cf.valid.map((f) => f.path),
    cf.omitted,
    cf.invalid,
  );
}

describe('check_files vectors of x/mod v0.7.0', () => {
  for (const t of readZipTests(join(X_MOD_ZIP_TESTDATA, 'check_files'))) {
    test(t.name, () => {
      const { want, files } = splitWant(t.archive);
      assert.equal(runCheckFiles(files), want);
    });
  }
});

// x/mod ≥ v0.22.0 (golang/mod 9cd0e4c9, zip/testdata/check_files/various_go12{3,4}.txt) is not packaged in
// Debian; the two vectors that pin the version-gated vendor rule are copied here.
const VARIOUS_GO123 = `-- want --
valid:
valid.go
go.mod
vendor/modules.txt

omitted:
vendor/x/y: file is in vendor directory
sub/go.mod: file is in another module
.hg_archival.txt: file is inserted by 'hg archive' and is always omitted

invalid:
not/../clean: file path is not clean
invalid.go': malformed file path "invalid.go'": invalid char '\\''
valid.go: multiple entries for file "valid.go"
-- valid.go --
-- not/../clean --
-- go.mod --
go 1.23
-- invalid.go' --
-- vendor/x/y --
-- vendor/modules.txt --
-- sub/go.mod --
-- .hg_archival.txt --
-- valid.go --
duplicate
-- valid.go --
another duplicate
`;
const VARIOUS_GO124 = `-- want --
valid:
valid.go
go.mod

omitted:
vendor/x/y: file is in vendor directory
vendor/modules.txt: file is in vendor directory
sub/go.mod: file is in another module
.hg_archival.txt: file is inserted by 'hg archive' and is always omitted

invalid:
not/../clean: file path is not clean
invalid.go': malformed file path "invalid.go'": invalid char '\\''
valid.go: multiple entries for file "valid.go"
-- valid.go --
-- not/../clean --
-- go.mod --
go 1.24
-- invalid.go' --
-- vendor/x/y --
-- vendor/modules.txt --
-- sub/go.mod --
go 1.23
-- .hg_archival.txt --
-- valid.go --
duplicate
-- valid.go --
another duplicate
`;

describe('check_files vectors of newer x/mod (go1.24 vendor rule)', () => {
  for (const [name, text] of [
    ['various_go123', VARIOUS_GO123],
    ['various_go124', VARIOUS_GO124],
  ] as const) {
    test(name, () => {
      const { want, files } = splitWant(parseTxtar(Buffer.from(text)));
      assert.equal(runCheckFiles(files), want);
    });
  }
});

describe('check_zip vectors of x/mod v0.7.0, on declared names and sizes', () => {
  for (const t of readZipTests(join(X_MOD_ZIP_TESTDATA, 'check_zip'))) {
    test(t.name, () => {
      const { want, files } = splitWant(t.archive);
      const entries = files.map((f) => ({ name: f.name, uncompressedSize: f.data.length }));
      let valid: string[] = [];
      let invalid: ZipRuleError['problems'] = [];
      try {
        valid = checkZipEntries(t.path, t.version, entries).map((e) => e.name);
      } catch (err) {
        assert.ok(err instanceof ZipRuleError, String(err));
        invalid = err.problems;
        // With problems the valid list is not returned; Go's want still lists it, so compare around it.
        valid = want.split('\n\nomitted:')[0]!.split('\n').slice(1).filter(Boolean);
      }
      assert.equal(format(valid, [], invalid), want);
    });
  }
});

/** Create (checkFiles, writeModuleZip), then hash the zip as the go command would. */
async function create(dir: string, t: Pick<ZipTest, 'path' | 'version' | 'archive'>): Promise<string> {
  checkModuleVersion(t.path, t.version);
  const candidates = t.archive.files.map((f) => ({
    path: f.name,
    size: f.data.length,
    mode: 'file' as const,
    data: f.data,
  }));
  const goMod = t.archive.files.findLast((f) => f.name === 'go.mod')?.data.toString('utf8');
  const cf = checkFiles(candidates, goMod);
  if (cf.sizeError !== undefined) throw new Error(cf.sizeError);
  if (cf.invalid.length > 0) throw new ZipRuleError(cf.invalid);
  const zipPath = join(dir, `${Math.random().toString(36).slice(2)}.zip`);
  await writeModuleZip(
    zipPath,
    t.path,
    t.version,
    cf.valid.map((f) => ({ path: f.path, content: f.data })),
  );
  return (await inspectModuleZip(zipPath, t.path, t.version)).h1;
}

describe('create vectors of x/mod v0.7.0 (checkFiles, writeModuleZip, HashZip)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-create-'));
  after(() => rm(dir, { recursive: true, force: true }));
  for (const t of readZipTests(join(X_MOD_ZIP_TESTDATA, 'create'))) {
    test(t.name, async () => {
      if (t.wantErr === '') {
        assert.equal(await create(dir, t), t.hash);
        return;
      }
      await assert.rejects(create(dir, t), (err: Error) => {
        assert.ok(err instanceof ZipRuleError, String(err));
        // Go prints invalid bytes as \xff; src/gomod's goQuote prints a lone surrogate as \ufffd.
        assert.ok(err.message.includes(t.wantErr.replace(/\\x[0-9a-f]{2}/g, '\\ufffd')), err.message);
        return true;
      });
    });
  }

  // x/mod master zip/testdata/create/exclude_vendor_go124.txt (since golang/mod c8a73197, Oct 2024, before
  // Go 1.24): under go 1.24 vendor/modules.txt goes, and both sub/vendor/sub.txt (its text says "excluded"
  // but the hash keeps it) and pkg/vendor/vendor.go stay.
  test('exclude_vendor_go124 (newer x/mod)', async () => {
    const archive = parseTxtar(
      Buffer.from(`-- go.mod --
module example.com/m

go 1.24
modules.txt is excluded in 1.24+. See golang.org/issue/63395
-- vendor/modules.txt --
excluded
see comment in isVendoredPackage and golang.org/issue/31562.
-- vendor/example.com/x/x.go --
excluded
-- sub/vendor/sub.txt --
excluded
-- pkg/vendor/vendor.go --
included
see comment in isVendoredPackage and golang.org/issue/37397
`),
    );
    const h1 = await create(dir, { path: 'example.com/m', version: 'v1.0.0', archive });
    assert.equal(h1, 'h1:mJR1q75yiMK6+CDw6DuhMS4v4hNoLXqkyk2Cph4VS8Q=');
  });
});

describe('isVendoredPackage (x/mod vendor_test.go, with the go1.24 column)', () => {
  const pre124 = ['', 'go1.14', 'go1.21.0', 'go1.22.4', 'go1.23', 'go1.23.1', 'go1.2', 'go1.7', 'go1.9'];
  const from124 = ['go1.24', 'go1.24.0', 'go1.24rc1', 'go1.25', 'go1.99.0'];
  const cases: Array<[path: string, pre: boolean, post: boolean]> = [
    ['vendor/foo/foo.go', true, true],
    ['pkg/vendor/foo/foo.go', true, true],
    ['longpackagename/vendor/foo/foo.go', true, true],
    ['vendor/vendor.go', false, false],
    ['vendor/foo/modules.txt', true, true],
    ['modules.txt', false, false],
    ['vendor/amodules.txt', false, false],
    // golang.org/issue/63395: modules.txt left out from go1.24 on.
    ['vendor/modules.txt', false, true],
    // golang.org/issue/37397: the offset bug, fixed from go1.24 on.
    ['pkg/vendor/vendor.go', true, false],
    ['longpackagename/vendor/vendor.go', true, false],
    ['a/vendor/x.go', true, false],
    ['a/vendor/b/x.go', true, true],
    ['a/b/vendor/c/d.go', true, true],
    ['avendor/x/y.go', false, false],
    ['a/vendorx/y.go', false, false],
  ];
  for (const [path, pre, post] of cases) {
    test(path, () => {
      for (const v of pre124)
        assert.equal(isVendoredPackage(path, v), pre, `${path} at ${JSON.stringify(v)}`);
      for (const v of from124) assert.equal(isVendoredPackage(path, v), post, `${path} at ${v}`);
    });
  }

  test('the go line of the root go.mod picks the rule', () => {
    const files: CandidateFile[] = [
      { path: 'go.mod', size: 10, mode: 'file' },
      { path: 'pkg/vendor/x.go', size: 1, mode: 'file' },
      { path: 'vendor/modules.txt', size: 1, mode: 'file' },
    ];
    const kept = (goMod?: string) => checkFiles(files, goMod).valid.map((f) => f.path);
    assert.deepEqual(kept(), ['go.mod', 'vendor/modules.txt']);
    assert.deepEqual(kept('module m\n\ngo 1.23.4\n'), ['go.mod', 'vendor/modules.txt']);
    assert.deepEqual(kept('module m\n\ngo 1.24.0\n'), ['go.mod', 'pkg/vendor/x.go']);
    assert.deepEqual(kept('module m\n\ngo 1.24rc1\n'), ['go.mod', 'pkg/vendor/x.go']);
    assert.deepEqual(kept('module m\n'), ['go.mod', 'vendor/modules.txt']);
  });
});

describe('checkFiles details', () => {
  test('submodules: any-case go.mod that is a regular file; symlinks and others omitted', () => {
    const cf = checkFiles([
      { path: 'a.go', size: 1, mode: 'file' },
      { path: 'b/GO.MOD', size: 1, mode: 'file' },
      { path: 'b/b.go', size: 1, mode: 'file' },
      { path: 'c/go.mod', size: 1, mode: 'symlink' },
      { path: 'c/c.go', size: 1, mode: 'file' },
      { path: 'link', size: 1, mode: 'symlink' },
      { path: 'fifo', size: 0, mode: 'other' },
      { path: 'sub/.hg_archival.txt', size: 1, mode: 'file' },
      { path: '/abs', size: 1, mode: 'file' },
    ]);
    assert.deepEqual(
      cf.valid.map((f) => f.path),
      ['a.go', 'c/c.go', 'sub/.hg_archival.txt'],
    );
    assert.deepEqual(cf.omitted, [
      { path: 'b/GO.MOD', reason: 'file is in another module' },
      { path: 'b/b.go', reason: 'file is in another module' },
      { path: 'c/go.mod', reason: 'file is a symbolic link' },
      { path: 'link', reason: 'file is a symbolic link' },
      { path: 'fifo', reason: 'not a regular file' },
    ]);
    assert.deepEqual(cf.invalid, [{ path: '/abs', reason: 'file path is not relative' }]);
  });

  test('size limits: go.mod and LICENSE, and the whole tree', () => {
    const cf = checkFiles([
      { path: 'go.mod', size: MAX_GO_MOD + 1, mode: 'file' },
      { path: 'LICENSE', size: MAX_LICENSE + 1, mode: 'file' },
      { path: 'sub/LICENSE', size: MAX_LICENSE + 1, mode: 'file' },
    ]);
    assert.deepEqual(cf.invalid, [
      { path: 'go.mod', reason: `go.mod file too large (max size is ${MAX_GO_MOD} bytes)` },
      { path: 'LICENSE', reason: `LICENSE file too large (max size is ${MAX_LICENSE} bytes)` },
    ]);
    assert.equal(cf.sizeError, undefined);
    const big = checkFiles([
      { path: 'a', size: MAX_ZIP_FILE, mode: 'file' },
      { path: 'b', size: 1, mode: 'file' },
    ]);
    assert.equal(big.sizeError, `module source tree too large (max size is ${MAX_ZIP_FILE} bytes)`);
  });
});

describe('checkZipEntries details', () => {
  const M = 'example.com/m@v1.0.0/';
  const problems = (names: Array<string | [string, number]>) => {
    const entries = names.map((n) =>
      typeof n === 'string' ? { name: n, uncompressedSize: 1 } : { name: n[0], uncompressedSize: n[1] },
    );
    try {
      checkZipEntries('example.com/m', 'v1.0.0', entries);
      return [];
    } catch (err) {
      assert.ok(err instanceof ZipRuleError);
      return err.problems;
    }
  };

  test('directories are collision-checked only; the bare prefix directory is skipped', () => {
    const entries = [`${M}`, `${M}a/`, `${M}a/x.go`, `${M}go.mod/`, `${M}go.mod/a.go`].map((name) => ({
      name,
      uncompressedSize: 0,
    }));
    assert.deepEqual(
      checkZipEntries('example.com/m', 'v1.0.0', entries).map((e) => e.name),
      [`${M}a/x.go`, `${M}go.mod/a.go`],
    );
  });

  test('hostile names', () => {
    assert.deepEqual(
      problems(['example.com/m@v1.0.0', `${M}../x.go`, `${M}a//b.go`, `${M}/abs.go`, 'other/x.go']),
      [
        { path: 'example.com/m@v1.0.0', reason: 'path does not have prefix "example.com/m@v1.0.0/"' },
        { path: `${M}../x.go`, reason: 'malformed file path "../x.go": invalid path element ".."' },
        { path: `${M}a//b.go`, reason: 'file path is not clean' },
        { path: `${M}/abs.go`, reason: 'malformed file path "/abs.go": empty path element' },
        { path: 'other/x.go', reason: 'path does not have prefix "example.com/m@v1.0.0/"' },
      ],
    );
    assert.deepEqual(
      problems([`${M}x.go`, `${M}X.go`, `${M}x.go`, `${M}x.go/`, `${M}sub/go.mod`, `${M}Go.Mod`]),
      [
        { path: `${M}X.go`, reason: 'case-insensitive file name collision: "x.go" and "X.go"' },
        { path: `${M}x.go`, reason: 'multiple entries for file "x.go"' },
        { path: `${M}x.go/`, reason: 'entry "x.go" is both a file and a directory' },
        { path: `${M}sub/go.mod`, reason: 'go.mod file not in module root directory' },
        { path: `${M}Go.Mod`, reason: 'go.mod files must have lowercase names' },
      ],
    );
  });

  test('declared sizes: go.mod, LICENSE and the total', () => {
    assert.deepEqual(
      problems([
        [`${M}go.mod`, MAX_GO_MOD + 1],
        [`${M}LICENSE`, MAX_LICENSE],
        [`${M}a/LICENSE`, MAX_LICENSE + 1],
      ]),
      [{ path: `${M}go.mod`, reason: `go.mod file too large (max size is ${MAX_GO_MOD} bytes)` }],
    );
    assert.deepEqual(
      problems([
        [`${M}a`, MAX_ZIP_FILE],
        [`${M}b`, 1],
      ]),
      [
        {
          path: 'example.com/m@v1.0.0',
          reason: `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`,
        },
      ],
    );
  });

  test('module path and version come first', () => {
    assert.throws(() => checkZipEntries('example.com/m', 'v1.0', []), {
      message: 'example.com/m@v1.0: version "v1.0" is not canonical (should be "v1.0.0")',
    });
    assert.throws(() => checkZipEntries('example.com/m/v2', 'v1.0.0', []), {
      message: 'example.com/m/v2@v1.0.0: invalid version: should be v2, not v1',
    });
  });
});

describe('case folding matches Go strings.EqualFold', () => {
  const pairs: Array<[string, string, boolean]> = [
    ['m.go', 'M.GO', true],
    ['k.go', '\u212A.go', true], // Kelvin sign
    ['s.go', '\u017F.go', true], // long s
    ['\u00DF', '\u1E9E', true], // ß, capital sharp s
    ['\u03C3', '\u03C2', true], // σ, final ς
    ['\u01C4', '\u01C5', true], // DŽ, Dž
    ['\u0345', '\u03B9', true], // ypogegrammeni, iota
    ['\u13A0', '\uAB70', true], // Cherokee
    ['i', '\u0131', false], // dotless i
    ['i', '\u0130', false], // dotted capital I
    ['ss', '\u00DF', false], // full folding is not simple folding
    ['a.go', 'a.go ', false],
  ];
  for (const [a, b, want] of pairs) {
    test(`${JSON.stringify(a)} ~ ${JSON.stringify(b)}`, () => {
      assert.equal(equalFold(a, b), want);
      const reasons = checkFiles([
        { path: a, size: 1, mode: 'file' },
        { path: b, size: 1, mode: 'file' },
      ]).invalid.map((p) => p.reason);
      // A combining mark alone is no valid file name; then only equalFold can be asked.
      if (reasons.some((r) => r.startsWith('malformed file path'))) return;
      assert.equal(
        reasons.some((r) => r.startsWith('case-insensitive file name collision')),
        want,
        reasons.join(),
      );
    });
  }
});

test('cleanPath is Go path.Clean', () => {
  const cases: Array<[string, string]> = [
    ['', '.'],
    ['a/b', 'a/b'],
    ['a//b', 'a/b'],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['a/../..', '..'],
    ['../../a', '../../a'],
    ['/../a', '/a'],
    ['a/', 'a'],
    ['/', '/'],
    ['./', '.'],
  ];
  for (const [input, want] of cases) assert.equal(cleanPath(input), want, input);
});
