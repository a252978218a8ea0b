import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidPathError, InvalidVersionError } from '../../src/gomod/errors.js';
import {
  canonicalVersion,
  check,
  checkFilePath,
  checkImportPath,
  checkPath,
  checkPathMajor,
  matchPathMajor,
  pathMajorPrefix,
  splitPathVersion,
} from '../../src/gomod/path.js';
import { checkPathTests } from './check-path-vectors.js';

function accepts(fn: (p: string) => void, p: string): boolean {
  try {
    fn(p);
    return true;
  } catch (err) {
    assert.ok(err instanceof InvalidPathError, `expected InvalidPathError, got ${err}`);
    return false;
  }
}

// module_test.go checkTests: path, version, valid.
const checkTests: [string, string, boolean][] = [
  ['rsc.io/quote', '0.1.0', false],
  ['rsc io/quote', 'v1.0.0', false],
  ['github.com/go-yaml/yaml', 'v0.8.0', true],
  ['github.com/go-yaml/yaml', 'v1.0.0', true],
  ['github.com/go-yaml/yaml', 'v2.0.0', false],
  ['github.com/go-yaml/yaml', 'v2.1.5', false],
  ['github.com/go-yaml/yaml', 'v3.0.0', false],
  ['github.com/go-yaml/yaml/v2', 'v1.0.0', false],
  ['github.com/go-yaml/yaml/v2', 'v2.0.0', true],
  ['github.com/go-yaml/yaml/v2', 'v2.1.5', true],
  ['github.com/go-yaml/yaml/v2', 'v3.0.0', false],
  ['gopkg.in/yaml.v0', 'v0.8.0', true],
  ['gopkg.in/yaml.v0', 'v1.0.0', false],
  ['gopkg.in/yaml.v0', 'v2.0.0', false],
  ['gopkg.in/yaml.v0', 'v2.1.5', false],
  ['gopkg.in/yaml.v0', 'v3.0.0', false],
  ['gopkg.in/yaml.v1', 'v0.8.0', false],
  ['gopkg.in/yaml.v1', 'v1.0.0', true],
  ['gopkg.in/yaml.v1', 'v2.0.0', false],
  ['gopkg.in/yaml.v1', 'v2.1.5', false],
  ['gopkg.in/yaml.v1', 'v3.0.0', false],
  // gopkg.in .v1 means v1 only, but early vgo wrote v0 pseudo-versions for it and go.mod files still hold them.
  ['gopkg.in/check.v1', 'v0.0.0', false],
  ['gopkg.in/check.v1', 'v0.0.0-20160102150405-abcdef123456', true],
  ['gopkg.in/yaml.v2', 'v1.0.0', false],
  ['gopkg.in/yaml.v2', 'v2.0.0', true],
  ['gopkg.in/yaml.v2', 'v2.1.5', true],
  ['gopkg.in/yaml.v2', 'v3.0.0', false],
  ['rsc.io/quote', 'v17.0.0', false],
  ['rsc.io/quote', 'v17.0.0+incompatible', true],
];

describe('check (module.Check)', () => {
  for (const [path, version, ok] of checkTests) {
    it(`${path} ${version} → ${ok}`, () => {
      if (ok) check(path, version);
      else
        assert.throws(
          () => check(path, version),
          (e) => e instanceof InvalidPathError || e instanceof InvalidVersionError,
        );
    });
  }

  it('words its errors as Go does', () => {
    assert.throws(() => check('rsc.io/quote', '0.1.0'), {
      message: 'rsc.io/quote@0.1.0: invalid version: not a semantic version',
    });
    assert.throws(() => check('github.com/go-yaml/yaml', 'v2.0.0'), {
      message: 'github.com/go-yaml/yaml@v2.0.0: invalid version: should be v0 or v1, not v2',
    });
    assert.throws(() => check('github.com/go-yaml/yaml/v2', 'v3.0.0'), {
      message: 'github.com/go-yaml/yaml/v2@v3.0.0: invalid version: should be v2, not v3',
    });
    assert.throws(() => check('rsc io/quote', 'v1.0.0'), {
      message: `malformed module path "rsc io/quote": invalid char ' '`,
    });
  });
});

describe('checkPath / checkImportPath / checkFilePath (module_test.go checkPathTests)', () => {
  for (const [path, ok, importOK, fileOK] of checkPathTests) {
    it(JSON.stringify(path), () => {
      assert.equal(accepts(checkPath, path), ok, 'checkPath');
      assert.equal(accepts(checkImportPath, path), importOK, 'checkImportPath');
      assert.equal(accepts(checkFilePath, path), fileOK, 'checkFilePath');
    });
  }
});

describe('path error messages', () => {
  const cases: [(p: string) => void, string, string][] = [
    [checkPath, 'example/m', 'malformed module path "example/m": missing dot in first path element'],
    [
      checkPath,
      'Example.com/m',
      `malformed module path "Example.com/m": invalid char 'E' in first path element`,
    ],
    [checkPath, '-x.com/m', 'malformed module path "-x.com/m": leading dash'],
    [checkPath, '', 'malformed module path "": empty string'],
    [checkPath, 'x.y//z', 'malformed module path "x.y//z": double slash'],
    [checkPath, 'x.y/z/', 'malformed module path "x.y/z/": trailing slash'],
    [checkPath, 'x.y/.z', 'malformed module path "x.y/.z": leading dot in path element'],
    [checkPath, 'x.y/z.', 'malformed module path "x.y/z.": trailing dot in path element'],
    [checkPath, 'x.y/../z', 'malformed module path "x.y/../z": invalid path element ".."'],
    [
      checkPath,
      'x.y/con.go',
      'malformed module path "x.y/con.go": "con" disallowed as path element component on Windows',
    ],
    [checkPath, 'x.y/abc~1', 'malformed module path "x.y/abc~1": trailing tilde and digits in path element'],
    [checkPath, 'x.y/z/v1', 'malformed module path "x.y/z/v1": invalid version'],
    [checkPath, 'x.y/\u263a', `malformed module path "x.y/\u263a": invalid char '\u263a'`],
    [checkImportPath, 'x.y/"', `malformed import path "x.y/\\"": invalid char '"'`],
    [checkFilePath, 'a/b\tc', `malformed file path "a/b\\tc": invalid char '\\t'`],
    [checkFilePath, 'a/\uDCFF', 'malformed file path "a/\\ufffd": invalid UTF-8'],
  ];
  for (const [fn, path, message] of cases) {
    it(message, () => {
      assert.throws(
        () => fn(path),
        (err: unknown) => {
          assert.ok(err instanceof InvalidPathError);
          assert.equal(err.message, message);
          assert.equal(err.path, path);
          return true;
        },
      );
    });
  }

  it('records the kind', () => {
    for (const [fn, kind] of [
      [checkPath, 'module'],
      [checkImportPath, 'import'],
      [checkFilePath, 'file'],
    ] as const) {
      assert.throws(
        () => fn(''),
        (err: unknown) => err instanceof InvalidPathError && err.kind === kind,
      );
    }
  });
});

describe('splitPathVersion', () => {
  // module_test.go splitPathVersionTests: prefix, pathMajor.
  const splitPathVersionTests: [string, string][] = [
    ['x.y/z', ''],
    ['x.y/z', '/v2'],
    ['x.y/z', '/v3'],
    ['x.y/v', ''],
    ['gopkg.in/yaml', '.v0'],
    ['gopkg.in/yaml', '.v1'],
    ['gopkg.in/yaml', '.v2'],
    ['gopkg.in/yaml', '.v3'],
  ];
  for (const [prefix, pathMajor] of splitPathVersionTests) {
    it(`${prefix}${pathMajor}`, () => {
      assert.deepEqual(splitPathVersion(prefix + pathMajor), { prefix, pathMajor });
    });
  }

  it('gives back the input whenever it splits (checkPathTests)', () => {
    for (const [path] of checkPathTests) {
      const split = splitPathVersion(path);
      if (split) assert.equal(split.prefix + split.pathMajor, path, path);
    }
  });

  const more: [string, { prefix: string; pathMajor: string } | undefined][] = [
    ['example.com/v2', { prefix: 'example.com', pathMajor: '/v2' }],
    ['example.com/m/v10', { prefix: 'example.com/m', pathMajor: '/v10' }],
    ['example.com/m/v0', undefined],
    ['example.com/m/v1', undefined],
    ['example.com/m/v2.0', undefined],
    ['example.com/m/v02', undefined],
    ['example.com/mv2', { prefix: 'example.com/mv2', pathMajor: '' }],
    ['gopkg.in/yaml', undefined],
    ['gopkg.in/yaml.v02', undefined],
    ['gopkg.in/yaml.v2-unstable', { prefix: 'gopkg.in/yaml', pathMajor: '.v2-unstable' }],
    ['gopkg.in/user/pkg.v3', { prefix: 'gopkg.in/user/pkg', pathMajor: '.v3' }],
  ];
  for (const [path, want] of more) {
    it(`${path} → ${JSON.stringify(want)}`, () => assert.deepEqual(splitPathVersion(path), want));
  }
});

describe('checkPathMajor / matchPathMajor (module_test.go TestMatchPathMajor)', () => {
  const tests: [string, string, boolean][] = [
    ['v0.0.0', '', true],
    ['v0.0.0', '/v2', false],
    ['v0.0.0', '.v0', true],
    ['v0.0.0-20190510104115-cbcb75029529', '.v1', true],
    ['v1.0.0', '/v2', false],
    ['v1.0.0', '.v1', true],
    ['v1.0.0', '.v1-unstable', true],
    ['v2.0.0+incompatible', '', true],
    ['v2.0.0', '', false],
    ['v2.0.0', '/v2', true],
    ['v2.0.0', '.v2', true],
  ];
  for (const [v, pathMajor, want] of tests) {
    it(`${v} ${JSON.stringify(pathMajor)} → ${want}`, () => {
      assert.equal(matchPathMajor(v, pathMajor), want);
      if (want) checkPathMajor(v, pathMajor);
      else assert.throws(() => checkPathMajor(v, pathMajor), InvalidVersionError);
    });
  }

  it('words its error as Go does', () => {
    assert.throws(() => checkPathMajor('v1.0.0', '/v2'), {
      message: 'version "v1.0.0" invalid: should be v2, not v1',
    });
    assert.throws(() => checkPathMajor('v3.0.0', ''), {
      message: 'version "v3.0.0" invalid: should be v0 or v1, not v3',
    });
  });
});

describe('pathMajorPrefix', () => {
  const tests: [string, string][] = [
    ['', ''],
    ['/v2', 'v2'],
    ['.v1', 'v1'],
    ['.v2-unstable', 'v2'],
  ];
  for (const [pathMajor, want] of tests) {
    it(`${JSON.stringify(pathMajor)} → ${JSON.stringify(want)}`, () =>
      assert.equal(pathMajorPrefix(pathMajor), want));
  }
  it('rejects what Go panics on', () => {
    assert.throws(() => pathMajorPrefix('v2'), /lacks separator/);
    assert.throws(() => pathMajorPrefix('/v2.1'), /not a valid major version/);
  });
});

describe('canonicalVersion', () => {
  const tests: [string, string][] = [
    ['v1', 'v1.0.0'],
    ['v1.2', 'v1.2.0'],
    ['v1.2.3+meta', 'v1.2.3'],
    ['v2.0.0+incompatible', 'v2.0.0+incompatible'],
    ['v2+incompatible', ''],
    ['v2.3+incompatible', ''],
    ['bad', ''],
  ];
  for (const [v, want] of tests) {
    it(`${v} → ${JSON.stringify(want)}`, () => assert.equal(canonicalVersion(v), want));
  }
});
