import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autoQuote,
  compareGoLang,
  directiveArguments,
  goVersion,
  langVersion,
  legacyGoMod,
  modulePath,
  mustQuote,
} from '../../src/gomod/modfile.js';

describe('modulePath (modfile.ModulePath)', () => {
  const tests: [string, string, string | undefined][] = [
    ['plain', 'module example.com/m\n', 'example.com/m'],
    ['no trailing newline', 'module example.com/m', 'example.com/m'],
    [
      'after other lines',
      '// comment\n\ngo 1.21\nmodule example.com/m\nrequire x.com/y v1.0.0\n',
      'example.com/m',
    ],
    ['trailing comment', 'module example.com/m // the module\n', 'example.com/m'],
    ['commented out', '// module example.com/old\nmodule example.com/new\n', 'example.com/new'],
    ['tabs and CRLF', '\tmodule\texample.com/m \r\n', 'example.com/m'],
    ['interpreted string', 'module "example.com/m"\n', 'example.com/m'],
    ['escapes in a string', 'module "example.com/\\u0041\\x42"\n', 'example.com/AB'],
    ['raw string', 'module `example.com/m`\n', 'example.com/m'],
    ['raw string drops CR', 'module `example.com/\rm`\n', 'example.com/m'],
    ['quoted path with a space', 'module "example.com/a b"\n', 'example.com/a b'],
    ['block form', 'module (\n\t// the path\n\texample.com/m\n)\n', 'example.com/m'],
    ['quoted in a block', 'module (\n\t"example.com/m"\n)\n', 'example.com/m'],
    ['first of two', 'module a.com/x\nmodule b.com/y\n', 'a.com/x'],
    ['missing', 'go 1.21\nrequire x.com/y v1.0.0\n', undefined],
    ['empty file', '', undefined],
    ['bare keyword', 'module\n', undefined],
    ['keyword with only a comment', 'module // nothing\n', undefined],
    ['another word', 'modulex example.com/m\n', undefined],
    ['empty block', 'module (\n)\n', undefined],
    ['unterminated string', 'module "example.com/m\n', undefined],
    ['bad escape', 'module "example.com/\\q"\n', undefined],
    ['junk after a string', 'module "example.com/m" x\n', undefined],
    ['unquoted keeps the rest of the line', 'module example.com/m extra\n', 'example.com/m extra'],
    // Go does not skip a byte-order mark, so the first line no longer starts with "module".
    ['BOM', '\uFEFFmodule example.com/m\n', undefined],
  ];
  for (const [name, text, want] of tests) {
    it(name, () => {
      assert.equal(modulePath(text), want, 'string');
      assert.equal(modulePath(new TextEncoder().encode(text)), want, 'bytes');
    });
  }
});

describe('goVersion (the go directive, as ParseLax reads it)', () => {
  const tests: [string, string | undefined][] = [
    ['module m\n\ngo 1.21\n', '1.21'],
    ['module m\ngo 1.24.0\n', '1.24.0'],
    ['go 1.24rc1 // release candidate\n', '1.24rc1'],
    ['go 1.12\nmodule m\n', '1.12'],
    ['go (\n\t1.22\n)\n', '1.22'],
    // ParseLax repairs what the strict rule rejects.
    ['go 1.21-foo\n', '1.21'],
    ['go v1.18.0\n', '1.18'],
    // The lax rule wants something after the minor version, so a bare v-prefixed one stays invalid.
    ['go v1.18\n', undefined],
    ['module m\n', undefined],
    ['go 1\n', undefined],
    ['go 1.21 1.22\n', undefined],
    ['go\n', undefined],
    ['go 1.21\ngo 1.22\n', undefined],
    ['// go 1.21\nmodule m\n', undefined],
    ['require (\n\tgo v1.0.0\n)\n', undefined],
  ];
  for (const [text, want] of tests) {
    it(JSON.stringify(text), () => {
      assert.equal(goVersion(text), want);
      assert.equal(goVersion(new TextEncoder().encode(text)), want);
    });
  }
});

describe('langVersion (go/version.Lang)', () => {
  const tests: [string, string][] = [
    ['1.24.0', 'go1.24'],
    ['1.24rc1', 'go1.24'],
    ['1.21', 'go1.21'],
    ['1.21.13', 'go1.21'],
    ['1.9', 'go1.9'],
    ['1', 'go1'],
    ['1.0', 'go1'],
    ['2.0', 'go2.0'],
    ['', ''],
    ['1.', ''],
    ['1.021', ''],
    ['1.21.x', ''],
    ['1.21-bigcorp', 'go1.21'],
    ['v1.21', ''],
  ];
  for (const [v, want] of tests) {
    it(`${JSON.stringify(v)} → ${JSON.stringify(want)}`, () => assert.equal(langVersion(v), want));
  }
});

describe('compareGoLang (go/version.Compare)', () => {
  const tests: [string, string, -1 | 0 | 1][] = [
    ['go1.24', 'go1.24', 0],
    ['go1.23', 'go1.24', -1],
    ['go1.9', 'go1.24', -1],
    ['go1.100', 'go1.24', 1],
    ['go2', 'go1.24', 1],
    ['', 'go1.24', -1],
    ['', '', 0],
    ['bad', 'go1.24', -1],
    ['go1.24.0', 'go1.24', 1],
    ['go1.24rc1', 'go1.24', 1],
    ['go1.24rc1', 'go1.24.0', -1],
    ['go1.24beta1', 'go1.24rc1', -1],
    ['go1.20', 'go1.20.0', 0],
  ];
  for (const [a, b, want] of tests) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${want}`, () => {
      assert.equal(compareGoLang(a, b), want);
      assert.equal(compareGoLang(b, a), -want || 0);
    });
  }
});

describe('mustQuote / autoQuote / legacyGoMod', () => {
  const tests: [string, string][] = [
    ['example.com/m', 'example.com/m'],
    ['', '""'],
    ['a b', '"a b"'],
    ['a"b', '"a\\"b"'],
    ["a'b", `"a'b"`],
    ['a`b', '"a`b"'],
    ['(', '('],
    ['a(', '"a("'],
    ['a,b', '"a,b"'],
    ['a//b', '"a//b"'],
    ['a/*b', '"a/*b"'],
    ['a\tb', '"a\\tb"'],
    ['caf\u00e9', 'caf\u00e9'],
    ['a\u00a0b', '"a\\u00a0b"'],
    ['\u{1F600}', '\u{1F600}'],
    ['a\u{E0001}', '"a\\U000e0001"'],
  ];
  for (const [s, want] of tests) {
    it(`${JSON.stringify(s)} → ${want}`, () => {
      assert.equal(autoQuote(s), want);
      assert.equal(mustQuote(s), want !== s);
    });
  }

  it('legacyGoMod is "module <path>\\n"', () => {
    assert.equal(legacyGoMod('example.com/m'), 'module example.com/m\n');
    assert.equal(legacyGoMod('gopkg.in/yaml.v2'), 'module gopkg.in/yaml.v2\n');
    assert.equal(legacyGoMod('example.com/a,b'), 'module "example.com/a,b"\n');
  });
});

describe('directiveArguments', () => {
  const gowork = [
    'go 1.23',
    'toolchain go1.23.4 // pinned',
    'use ./app',
    'use (',
    '\t./lib // shared code',
    '\t"./with space"',
    ')',
    'replace example.com/old v1.0.0 => ../fork',
  ].join('\n');

  it('reads single-line and block directives in order, unquoting arguments', () => {
    assert.deepEqual(directiveArguments(gowork, 'use'), [['./app'], ['./lib'], ['./with space']]);
    assert.deepEqual(directiveArguments(gowork, 'toolchain'), [['go1.23.4']]);
    assert.deepEqual(directiveArguments(gowork, 'replace'), [['example.com/old', 'v1.0.0', '=>', '../fork']]);
  });

  it('gives nothing for an absent verb and keeps a badly quoted argument as written', () => {
    assert.deepEqual(directiveArguments(gowork, 'require'), []);
    assert.deepEqual(directiveArguments('use "./a\\q"', 'use'), [['"./a\\q"']]);
  });
});
