import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  goQuote,
  goQuoteRune,
  goTrimSpace,
  InvalidPathError,
  InvalidVersionError,
  isGoPrint,
} from '../../src/gomod/errors.js';

describe('InvalidPathError / InvalidVersionError', () => {
  it('read like module.InvalidPathError', () => {
    const err = new InvalidPathError('module', 'x', 'missing dot in first path element');
    assert.equal(err.message, 'malformed module path "x": missing dot in first path element');
    assert.equal(err.kind, 'module');
    assert.equal(err.path, 'x');
    assert.ok(err instanceof Error);
  });

  it('read like module.InvalidVersionError, alone or inside a ModuleError', () => {
    assert.equal(new InvalidVersionError('', 'v1', 'bad').message, 'version "v1" invalid: bad');
    assert.equal(new InvalidVersionError('', 'v1', 'bad', true).message, 'pseudo-version "v1" invalid: bad');
    const wrapped = new InvalidVersionError('example.com/m', 'v2.0.0', 'should be v0 or v1, not v2');
    assert.equal(wrapped.message, 'example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2');
    assert.equal(wrapped.path, 'example.com/m');
    assert.equal(wrapped.version, 'v2.0.0');
  });
});

describe('goQuote (strconv.Quote)', () => {
  const tests: [string, string][] = [
    ['', '""'],
    ['abc', '"abc"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ["it's", `"it's"`],
    ['\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\x00\x1b\x7f', '"\\x00\\x1b\\x7f"'],
    ['\u263a caf\u00e9', '"\u263a caf\u00e9"'],
    ['\u00a0\u2028\u200b', '"\\u00a0\\u2028\\u200b"'],
    ['\u{10FFFF}', '"\\U0010ffff"'],
    ['\u{1F600}', '"\u{1F600}"'],
    ['\uDCFF', '"\\ufffd"'],
  ];
  for (const [s, want] of tests) {
    it(`${JSON.stringify(s)} → ${want}`, () => assert.equal(goQuote(s), want));
  }
});

describe('goQuoteRune (strconv.QuoteRune)', () => {
  const tests: [number, string][] = [
    [0x61, "'a'"],
    [0x27, "'\\''"],
    [0x22, `'"'`],
    [0x20, "' '"],
    [0x0a, "'\\n'"],
    [0x263a, "'\u263a'"],
  ];
  for (const [r, want] of tests) {
    it(`${r.toString(16)} → ${want}`, () => assert.equal(goQuoteRune(r), want));
  }
});

describe('isGoPrint / goTrimSpace', () => {
  it('isGoPrint keeps the ASCII space only', () => {
    assert.equal(isGoPrint(0x20), true);
    assert.equal(isGoPrint(0x41), true);
    assert.equal(isGoPrint(0xa0), false);
    assert.equal(isGoPrint(0x09), false);
    assert.equal(isGoPrint(0x301), true);
  });
  it('goTrimSpace trims Unicode White_Space but not a BOM', () => {
    assert.equal(goTrimSpace(' \t\n\v\f\r\u0085\u00a0x y\u3000\u2029'), 'x y');
    assert.equal(goTrimSpace('\uFEFFx'), '\uFEFFx');
  });
});
