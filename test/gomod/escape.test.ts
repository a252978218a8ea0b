import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidPathError, InvalidVersionError } from '../../src/gomod/errors.js';
import { escapePath, escapeVersion, unescapePath, unescapeVersion } from '../../src/gomod/escape.js';
import { checkPathTests } from './check-path-vectors.js';

// module_test.go escapeTests plus the go-protocol.md §10.1 vectors: path, escaped form.
const escapeTests: [string, string][] = [
  [
    'ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789',
    'ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789',
  ],
  ['github.com/GoogleCloudPlatform/omega', 'github.com/!google!cloud!platform/omega'],
  ['github.com/Azure/azure-sdk-for-go', 'github.com/!azure/azure-sdk-for-go'],
  ['github.com/Sirupsen/logrus', 'github.com/!sirupsen/logrus'],
];

// module_test.go badUnescape.
const badUnescape = [
  'github.com/GoogleCloudPlatform/omega',
  'github.com/!google!cloud!platform!/omega',
  'github.com/!0google!cloud!platform/omega',
  'github.com/!_google!cloud!platform/omega',
  'github.com/!!google!cloud!platform/omega',
  '',
];

describe('escapePath', () => {
  for (const [path, esc] of escapeTests) {
    it(`${path} → ${esc}`, () => assert.equal(escapePath(path), esc));
  }
  it('rejects every invalid module path of checkPathTests', () => {
    for (const [path, ok] of checkPathTests) {
      if (!ok) assert.throws(() => escapePath(path), InvalidPathError, JSON.stringify(path));
    }
  });
});

describe('unescapePath', () => {
  for (const [path, esc] of escapeTests) {
    it(`${esc} → ${path}`, () => assert.equal(unescapePath(esc), path));
  }
  for (const bad of badUnescape) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => unescapePath(bad)));
  }
  it('rejects every invalid module path of checkPathTests', () => {
    for (const [path, ok] of checkPathTests) {
      if (!ok) assert.throws(() => unescapePath(path), Error, JSON.stringify(path));
    }
  });
  it('words its errors as Go does', () => {
    assert.throws(() => unescapePath('github.com/Azure/x'), {
      message: 'invalid escaped module path "github.com/Azure/x"',
    });
    assert.throws(() => unescapePath('github.com/!azure/x!'), {
      message: 'invalid escaped module path "github.com/!azure/x!"',
    });
    assert.throws(() => unescapePath('example/!x'), {
      message:
        'invalid escaped module path "example/!x": malformed module path "example/X": missing dot in first path element',
    });
    assert.throws(() => unescapePath('x.com/\u00e9'), {
      message: 'invalid escaped module path "x.com/\u00e9"',
    });
  });
});

// Versions: the §10.1 vector plus versions that are not semver but are valid file names.
const versionTests: [string, string][] = [
  ['v1.0.0-RC1', 'v1.0.0-!r!c1'],
  ['v1.2.3', 'v1.2.3'],
  ['v2.0.0+incompatible', 'v2.0.0+incompatible'],
  ['master', 'master'],
  ['FooBar', '!foo!bar'],
];

describe('escapeVersion / unescapeVersion', () => {
  for (const [v, esc] of versionTests) {
    it(`${v} ⇄ ${esc}`, () => {
      assert.equal(escapeVersion(v), esc);
      assert.equal(unescapeVersion(esc), v);
    });
  }

  const disallowed = ['', 'feature/x', '..', 'v1.0.', 'con', 'v1!', 'a*b', 'a:b', 'é!'];
  for (const v of disallowed) {
    it(`escapeVersion rejects ${JSON.stringify(v)}`, () => {
      assert.throws(
        () => escapeVersion(v),
        (err: unknown) => {
          assert.ok(err instanceof InvalidVersionError);
          assert.equal(err.message, `version ${JSON.stringify(v)} invalid: disallowed version string`);
          return true;
        },
      );
    });
  }

  it('unescapeVersion words its errors as Go does', () => {
    assert.throws(() => unescapeVersion('v1.0.0-RC1'), { message: 'invalid escaped version "v1.0.0-RC1"' });
    assert.throws(() => unescapeVersion('v1!'), { message: 'invalid escaped version "v1!"' });
    assert.throws(() => unescapeVersion('!1'), { message: 'invalid escaped version "!1"' });
    assert.throws(() => unescapeVersion('a/b'), {
      message: `invalid escaped version "a/b": invalid char '/'`,
    });
    assert.throws(() => unescapeVersion('..'), {
      message: 'invalid escaped version "..": invalid path element ".."',
    });
    assert.throws(() => unescapeVersion(''), { message: 'invalid escaped version "": empty path element' });
  });
});
