import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchPrefixPatterns, pathMatch } from '../../src/gomod/patterns.js';

const BAD = 'bad';

// path/match_test.go matchTests (Go 1.23): pattern, name, match, or BAD for ErrBadPattern.
const matchTests: [string, string, boolean | typeof BAD][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', BAD],
  ['[-]', '-', BAD],
  ['[x-]', 'x', BAD],
  ['[x-]', '-', BAD],
  ['[x-]', 'z', BAD],
  ['[-x]', 'x', BAD],
  ['[-x]', '-', BAD],
  ['[-x]', 'a', BAD],
  ['\\', 'a', BAD],
  ['[a-b-c]', 'a', BAD],
  ['[', 'a', BAD],
  ['[^', 'a', BAD],
  ['[^bc', 'a', BAD],
  ['a[', 'a', BAD],
  ['a[', 'ab', BAD],
  ['a[', 'x', BAD],
  ['a/b[', 'x', BAD],
  ['*x', 'xxx', true],
];

describe('pathMatch (path/match_test.go)', () => {
  for (const [pattern, name, want] of matchTests) {
    it(`Match(${pattern}, ${name}) → ${want}`, () => {
      if (want === BAD) assert.throws(() => pathMatch(pattern, name), { message: 'syntax error in pattern' });
      else assert.equal(pathMatch(pattern, name), want);
    });
  }

  it('finds a bad pattern after an early mismatch, as Go does', () => {
    assert.throws(() => pathMatch('x*[', 'abc'), { message: 'syntax error in pattern' });
    assert.throws(() => pathMatch('a*b\\', 'xyz'), { message: 'syntax error in pattern' });
  });
});

// module_test.go TestMatchPrefixPatterns: globs, target, want.
const prefixTests: [string, string, boolean][] = [
  ['', 'rsc.io/quote', false],
  ['/', 'rsc.io/quote', false],
  ['*/quote', 'rsc.io/quote', true],
  ['*/quo', 'rsc.io/quote', false],
  ['*/quo??', 'rsc.io/quote', true],
  ['*/quo*', 'rsc.io/quote', true],
  ['*quo*', 'rsc.io/quote', false],
  ['rsc.io', 'rsc.io/quote', true],
  ['*.io', 'rsc.io/quote', true],
  ['rsc.io/', 'rsc.io/quote', true],
  ['rsc', 'rsc.io/quote', false],
  ['rsc*', 'rsc.io/quote', true],

  ['rsc.io', 'rsc.io/quote/v3', true],
  ['*/quote', 'rsc.io/quote/v3', true],
  ['*/quote/', 'rsc.io/quote/v3', true],
  ['*/quote/*', 'rsc.io/quote/v3', true],
  ['*/quote/*/', 'rsc.io/quote/v3', true],
  ['*/v3', 'rsc.io/quote/v3', false],
  ['*/*/v3', 'rsc.io/quote/v3', true],
  ['*/*/*', 'rsc.io/quote/v3', true],
  ['*/*/*/', 'rsc.io/quote/v3', true],
  ['*/*/*', 'rsc.io/quote', false],
  ['*/*/*/', 'rsc.io/quote', false],

  ['*/*/*,,', 'rsc.io/quote', false],
  ['*/*/*,,*/quote', 'rsc.io/quote', true],
  [',,*/quote', 'rsc.io/quote', true],
];

describe('matchPrefixPatterns (module_test.go)', () => {
  for (const [globs, target, want] of prefixTests) {
    it(`${JSON.stringify(globs)} ${target} → ${want}`, () =>
      assert.equal(matchPrefixPatterns(globs, target), want));
  }
});

describe('matchPrefixPatterns (go-protocol.md §2.1)', () => {
  const tests: [string, string, boolean][] = [
    ['*.corp.com', 'git.corp.com/x/y', true],
    ['corp.com/private', 'corp.com/private', true],
    ['corp.com/private', 'corp.com/private/sub', true],
    ['corp.com/private', 'corp.com/privateX', false],
    // No trimming: a space is part of the pattern.
    ['a.com, b.com', 'b.com/m', false],
    ['a.com,b.com', 'b.com/m', true],
    // Only one trailing slash is removed.
    ['b.com//', 'b.com/m', false],
    // Case-sensitive.
    ['Corp.com', 'corp.com/m', false],
    // A malformed pattern matches nothing but does not spoil the others.
    ['[', 'a.com/m', false],
    ['[,a.com', 'a.com/m', true],
  ];
  for (const [globs, target, want] of tests) {
    it(`${JSON.stringify(globs)} ${target} → ${want}`, () =>
      assert.equal(matchPrefixPatterns(globs, target), want));
  }
});
