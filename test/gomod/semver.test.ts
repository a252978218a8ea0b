import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as semver from '../../src/gomod/semver.js';

// semver_test.go tests: input and canonical form ('' = invalid), in increasing order (equal canonical = equal).
const tests: [string, string][] = [
  ['bad', ''],
  ['v1-alpha.beta.gamma', ''],
  ['v1-pre', ''],
  ['v1+meta', ''],
  ['v1-pre+meta', ''],
  ['v1.2-pre', ''],
  ['v1.2+meta', ''],
  ['v1.2-pre+meta', ''],
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

/** A deterministic Fisher-Yates shuffle (a small LCG), so a failure can be replayed. */
function shuffle(list: readonly string[], seed: number): string[] {
  const out = [...list];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('semver (semver_test.go)', () => {
  for (const [input, out] of tests) {
    it(`${input}: isValid, canonical, major, majorMinor, prerelease, build`, () => {
      assert.equal(semver.isValid(input), out !== '', 'isValid');
      assert.equal(semver.canonical(input), out, 'canonical');

      const dot = out.indexOf('.');
      assert.equal(semver.major(input), dot >= 0 ? out.slice(0, dot) : '', 'major');

      let mm = '';
      if (out !== '') {
        mm = input;
        if (mm.includes('+')) mm = mm.slice(0, mm.indexOf('+'));
        if (mm.includes('-')) mm = mm.slice(0, mm.indexOf('-'));
        const dots = mm.split('.').length - 1;
        if (dots === 0) mm += '.0';
        else if (dots === 2) mm = mm.slice(0, mm.lastIndexOf('.'));
      }
      assert.equal(semver.majorMinor(input), mm, 'majorMinor');

      const dash = out.indexOf('-');
      assert.equal(semver.prerelease(input), out !== '' && dash >= 0 ? out.slice(dash) : '', 'prerelease');

      const plus = input.indexOf('+');
      assert.equal(semver.build(input), out !== '' && plus >= 0 ? input.slice(plus) : '', 'build');
    });
  }

  it('compare orders every pair as the table does', () => {
    tests.forEach(([vi, oi], i) => {
      tests.forEach(([vj, oj], j) => {
        const want = oi === oj ? 0 : i < j ? -1 : 1;
        assert.equal(semver.compare(vi, vj), want, `compare(${vi}, ${vj})`);
      });
    });
  });

  it('max returns the canonical larger of every pair', () => {
    tests.forEach(([vi], i) => {
      tests.forEach(([vj], j) => {
        const want = i < j ? semver.canonical(vj) : semver.canonical(vi);
        assert.equal(semver.max(vi, vj), want, `max(${vi}, ${vj})`);
      });
    });
  });

  it('sort sorts a shuffled copy and leaves the input alone', () => {
    const versions = tests.map(([v]) => v);
    for (let seed = 1; seed <= 20; seed++) {
      const shuffled = shuffle(versions, seed);
      const before = [...shuffled];
      const sorted = semver.sort(shuffled);
      assert.deepEqual(shuffled, before);
      for (let i = 1; i < sorted.length; i++) {
        const c = semver.compare(sorted[i - 1]!, sorted[i]!);
        assert.ok(c < 0 || (c === 0 && sorted[i - 1]! <= sorted[i]!), `${sorted[i - 1]} before ${sorted[i]}`);
      }
    }
  });

  it('sort breaks ties by string order, as ByVersion does', () => {
    assert.deepEqual(semver.sort(['v1.0.0+b', 'v1.0.0', 'v1.0.0+a', 'x', 'bad', 'v0.1.0']), [
      'bad',
      'x',
      'v0.1.0',
      'v1.0.0',
      'v1.0.0+a',
      'v1.0.0+b',
    ]);
  });

  it('compares numbers by length first and ignores build metadata', () => {
    assert.equal(semver.compare('v1.10.0', 'v1.9.0'), 1);
    assert.equal(semver.compare('v1.0.0-beta.11', 'v1.0.0-beta.9'), 1);
    assert.equal(semver.compare('v1.0.0+metadata-dash', 'v1.0.0+metadata-dash1'), 0);
    assert.equal(semver.compare('v1.0.0-1', 'v1.0.0-a'), -1);
  });

  it('rejects leading zeros in numbers and numeric prerelease identifiers only', () => {
    assert.equal(semver.isValid('v01.0.0'), false);
    assert.equal(semver.isValid('v1.0.0-01'), false);
    assert.equal(semver.isValid('v1.0.0-0a'), true);
    assert.equal(semver.isValid('v1.0.0+01'), true);
    assert.equal(semver.isValid('v1.0.0-'), false);
    assert.equal(semver.isValid('v1.0.0+'), false);
    assert.equal(semver.isValid('v1.0.0-a..b'), false);
    assert.equal(semver.isValid('1.0.0'), false);
  });
});
