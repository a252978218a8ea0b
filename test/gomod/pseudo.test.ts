import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidVersionError } from '../../src/gomod/errors.js';
import {
  isPseudoVersion,
  isZeroPseudoVersion,
  pseudoVersion,
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
  zeroPseudoVersion,
} from '../../src/gomod/pseudo.js';

// pseudo_test.go pseudoTests: major, older (base tag), resulting pseudo-version at pseudoTime with rev "hash".
const pseudoTests: [string, string, string][] = [
  ['', '', 'v0.0.0-20060102150405-hash'],
  ['v0', '', 'v0.0.0-20060102150405-hash'],
  ['v1', '', 'v1.0.0-20060102150405-hash'],
  ['v2', '', 'v2.0.0-20060102150405-hash'],
  ['unused', 'v0.0.0', 'v0.0.1-0.20060102150405-hash'],
  ['unused', 'v1.2.3', 'v1.2.4-0.20060102150405-hash'],
  ['unused', 'v1.2.99999999999999999', 'v1.2.100000000000000000-0.20060102150405-hash'],
  ['unused', 'v1.2.3-pre', 'v1.2.3-pre.0.20060102150405-hash'],
  ['unused', 'v1.3.0-pre', 'v1.3.0-pre.0.20060102150405-hash'],
  ['unused', 'v0.0.0--', 'v0.0.0--.0.20060102150405-hash'],
  ['unused', 'v1.0.0+metadata', 'v1.0.1-0.20060102150405-hash+metadata'],
  ['unused', 'v2.0.0+incompatible', 'v2.0.1-0.20060102150405-hash+incompatible'],
  ['unused', 'v2.3.0-pre+incompatible', 'v2.3.0-pre.0.20060102150405-hash+incompatible'],
];

const pseudoTime = new Date(Date.UTC(2006, 0, 2, 15, 4, 5));

describe('pseudo-versions (pseudo_test.go)', () => {
  for (const [major, older, version] of pseudoTests) {
    it(`${JSON.stringify(major)} ${JSON.stringify(older)} ⇄ ${version}`, () => {
      assert.equal(pseudoVersion(major, older, pseudoTime, 'hash'), version, 'pseudoVersion');
      assert.equal(isPseudoVersion(version), true, 'isPseudoVersion(version)');
      assert.equal(isPseudoVersion(older), false, 'isPseudoVersion(older)');
      assert.equal(pseudoVersionTime(version).getTime(), pseudoTime.getTime(), 'pseudoVersionTime(version)');
      assert.throws(() => pseudoVersionTime(older), InvalidVersionError, 'pseudoVersionTime(older)');
      assert.equal(pseudoVersionRev(version), 'hash', 'pseudoVersionRev(version)');
      assert.throws(() => pseudoVersionRev(older), InvalidVersionError, 'pseudoVersionRev(older)');
      assert.equal(pseudoVersionBase(version), older, 'pseudoVersionBase');
    });
  }

  it('pseudoVersionTime rejects "---" (TestInvalidPseudoVersionTime)', () => {
    assert.throws(() => pseudoVersionTime('---'), { message: 'pseudo-version "---" invalid: syntax error' });
  });

  // TestInvalidPseudoVersionBase.
  const invalidBase = [
    'v0.0.0',
    'v0.0.0-', // malformed: empty prerelease
    'v0.0.0-0.20060102150405-hash', // Z+1 == 0
    'v0.1.0-0.20060102150405-hash', // Z+1 == 0
    'v1.0.0-0.20060102150405-hash', // Z+1 == 0
    'v0.0.0-20060102150405-hash+incompatible', // +incompatible without base version
    'v0.0.0-20060102150405-hash+metadata', // other metadata without base version
  ];
  for (const v of invalidBase) {
    it(`pseudoVersionBase rejects ${v}`, () =>
      assert.throws(() => pseudoVersionBase(v), InvalidVersionError));
  }

  it('words pseudoVersionBase errors as Go does', () => {
    assert.throws(() => pseudoVersionBase('v1.0.0-0.20060102150405-hash'), {
      message:
        'pseudo-version "v1.0.0-0.20060102150405-hash" invalid: version before v1.0.0 would have negative patch number',
    });
    assert.throws(() => pseudoVersionBase('v0.0.0-20060102150405-hash+incompatible'), {
      message:
        'pseudo-version "v0.0.0-20060102150405-hash+incompatible" invalid: lacks base version, but has build metadata "+incompatible"',
    });
  });
});

describe('pseudo-version vectors (go-protocol.md §3.5)', () => {
  const t = new Date('2019-10-07T18:15:32Z');
  const rev = 'abcdefabcdef';
  const vectors: [string, string, string][] = [
    ['', '', 'v0.0.0-20191007181532-abcdefabcdef'],
    ['v2', '', 'v2.0.0-20191007181532-abcdefabcdef'],
    ['', 'v1.2.3', 'v1.2.4-0.20191007181532-abcdefabcdef'],
    ['', 'v1.2.3-pre', 'v1.2.3-pre.0.20191007181532-abcdefabcdef'],
    ['', 'v2.0.0+incompatible', 'v2.0.1-0.20191007181532-abcdefabcdef+incompatible'],
    ['', 'v1.2.9', 'v1.2.10-0.20191007181532-abcdefabcdef'],
  ];
  for (const [major, older, want] of vectors) {
    it(want, () => {
      assert.equal(pseudoVersion(major, older, t, rev), want);
      assert.equal(pseudoVersionTime(want).toISOString(), '2019-10-07T18:15:32.000Z');
      assert.equal(pseudoVersionRev(want), rev);
    });
  }

  it('formats the time in UTC and drops sub-second parts', () => {
    const local = new Date('2019-10-08T03:15:32.987+09:00');
    assert.equal(pseudoVersion('', '', local, rev), 'v0.0.0-20191007181532-abcdefabcdef');
  });

  it('rejects timestamps Go time.Parse rejects', () => {
    for (const ts of [
      '20191307181532',
      '20190230000000',
      '20191000000000',
      '20191007241532',
      '20191007186032',
    ]) {
      assert.throws(() => pseudoVersionTime(`v0.0.0-${ts}-${rev}`), {
        message: new RegExp(`malformed time "${ts}"`),
      });
    }
    assert.equal(pseudoVersionTime(`v0.0.0-20200229000000-${rev}`).toISOString(), '2020-02-29T00:00:00.000Z');
  });
});

describe('zero pseudo-versions', () => {
  it('are vX.0.0-00010101000000-000000000000', () => {
    assert.equal(zeroPseudoVersion('v0'), 'v0.0.0-00010101000000-000000000000');
    assert.equal(zeroPseudoVersion(''), 'v0.0.0-00010101000000-000000000000');
    assert.equal(zeroPseudoVersion('v2'), 'v2.0.0-00010101000000-000000000000');
  });
  it('are recognized', () => {
    assert.equal(isZeroPseudoVersion('v0.0.0-00010101000000-000000000000'), true);
    assert.equal(isZeroPseudoVersion('v3.0.0-00010101000000-000000000000'), true);
    assert.equal(isZeroPseudoVersion('v0.0.0-20191007181532-abcdefabcdef'), false);
    assert.equal(isZeroPseudoVersion(''), false);
  });
  it('carry Go time.Time{} as their time', () => {
    const t = pseudoVersionTime('v0.0.0-00010101000000-000000000000');
    assert.equal(t.getUTCFullYear(), 1);
    assert.equal(t.toISOString(), '0001-01-01T00:00:00.000Z');
  });
});
