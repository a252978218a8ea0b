import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatRecord,
  formatTree,
  MalformedRecordError,
  MalformedTreeError,
  parseRecord,
  parseTree,
  recordHash,
} from '../../src/sumdb/tlog.js';

// Ports of x/mod v0.7.0 sumdb/tlog/note_test.go.

const treeText = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';
const helloHash = recordHash('hello world');

test('TestFormatTree: the golden tree head hashes "hello world"', () => {
  assert.equal(formatTree({ N: 123456789012, Hash: helloHash }), treeText);
});

test('TestParseTree: golden, bad and with junk at the end', () => {
  const tree = parseTree(Buffer.from(treeText));
  assert.equal(tree.N, 123456789012);
  assert.deepEqual(Buffer.from(tree.Hash), helloHash);

  const badTrees = [
    `not-${treeText}`,
    'go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n',
  ];
  for (const bad of badTrees) assert.throws(() => parseTree(bad), MalformedTreeError, JSON.stringify(bad));

  const goodTrees = [`${treeText}JOE`, `${treeText}JOE\n`, treeText + 'JOE\n'.repeat(1000)];
  for (const good of goodTrees) {
    const t = parseTree(good);
    assert.equal(t.N, 123456789012);
    assert.deepEqual(Buffer.from(t.Hash), helloHash);
  }
});

test('parseTree: the rest of Go ParseTree rules', () => {
  const hash = 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=';
  const bad = [
    `go.sum database tree\n+5\n${hash}\n`, // ParseInt accepts a sign, the canonical-form check does not
    `go.sum database tree\n-0\n${hash}\n`,
    `go.sum database tree\n007\n${hash}\n`,
    `go.sum database tree\n5\n${hash}`, // only two newlines
    `go.sum database tree\n9007199254740992\n${hash}\n`, // 2^53: valid for Go, beyond a JavaScript number
    `go.sum database tree\n5\n${hash.slice(0, -1)}\n`,
    `go.sum database tree\n5\n${hash}\n${'x'.repeat(1e6)}`, // over 1e6 bytes in all
  ];
  for (const text of bad) assert.throws(() => parseTree(text), MalformedTreeError, text.slice(0, 60));
  assert.equal(parseTree(`go.sum database tree\n0\n${hash}\n`).N, 0);
  assert.equal(parseTree(`go.sum database tree\n9007199254740991\n${hash}\n`).N, 2 ** 53 - 1);
});

test('TestFormatRecord: golden and bad record texts', () => {
  assert.equal(formatRecord(123456789012, 'hello, world\n').toString(), '123456789012\nhello, world\n\n');
  const badTexts = ['', 'hello\nworld', 'hello\n\nworld\n', 'hello\x01world\n'];
  for (const bad of badTexts) assert.throws(() => formatRecord(123456789012, bad), MalformedRecordError);
});

test('TestParseRecord: golden, empty rest, and bad records', () => {
  const junk = Buffer.concat([Buffer.from('junk on end\x01'), Buffer.of(0xff)]);
  let r = parseRecord(Buffer.concat([Buffer.from('123456789012\nhello, world\n\n'), junk]));
  assert.equal(r.id, 123456789012);
  assert.equal(r.text.toString(), 'hello, world\n');
  assert.deepEqual(r.rest, junk);

  const inText = '123456789012\nhello, world\n\n';
  r = parseRecord(Buffer.from(inText));
  assert.equal(r.id, 123456789012);
  assert.equal(r.text.toString(), 'hello, world\n');
  assert.equal(r.rest.length, 0);

  const badRecords = [
    Buffer.from(`not-${inText}`),
    Buffer.from('123\nhello\x01world\n\n'),
    Buffer.concat([Buffer.from('123\nhello'), Buffer.of(0xff), Buffer.from('world\n\n')]),
    Buffer.from('123\nhello world\n'),
    Buffer.from('0x123\nhello world\n\n'),
  ];
  for (const bad of badRecords) assert.throws(() => parseRecord(bad), MalformedRecordError, bad.toString());
});

test("parseRecord reads ids as loosely as Go's strconv.ParseInt", () => {
  assert.equal(parseRecord(Buffer.from('+7\na\n\n')).id, 7);
  assert.equal(parseRecord(Buffer.from('007\na\n\n')).id, 7);
  assert.equal(parseRecord(Buffer.from('-1\na\n\n')).id, -1);
  assert.throws(() => parseRecord(Buffer.from('\na\n\n')), MalformedRecordError);
  assert.throws(() => parseRecord(Buffer.from('1_0\na\n\n')), MalformedRecordError);
  assert.throws(() => parseRecord(Buffer.from('9007199254740992\na\n\n')), MalformedRecordError);
});

test('record text: a leading empty line passes, as in Go; a blank line anywhere else does not', () => {
  assert.equal(formatRecord(1, '\nabc\n').toString(), '1\n\nabc\n\n');
  assert.equal(formatRecord(1, '\n').toString(), '1\n\n\n');
  assert.throws(() => formatRecord(1, 'abc\n\n'), MalformedRecordError);
  assert.throws(() => formatRecord(1, Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x0a])), MalformedRecordError);
});
