import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { hash1, hashGoMod, isValidH1, sha256 } from '../../src/gomod/dirhash.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const h1Of = (summary: string) => `h1:${createHash('sha256').update(summary).digest('base64')}`;
const files = (contents: Record<string, string>) =>
  Object.entries(contents).map(([name, content]) => ({ name, sha256: sha256(content) }));

test('TestHash1 of x/mod sumdb/dirhash: names sorted, two spaces, one line each', () => {
  const got = hash1(files({ xyz: 'data for xyz', abc: 'data for abc' }));
  assert.equal(got, h1Of(`${hex('data for abc')}  abc\n${hex('data for xyz')}  xyz\n`));
  assert.throws(() => hash1(files({ xyz: 'x', 'a\nbc': 'y' })), /newlines/);
});

test('go.mod hashes from go-protocol.md §6 and §10.1', () => {
  assert.equal(hashGoMod('module example.com/m\n'), 'h1:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k=');
  assert.equal(hashGoMod(''), 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=');
  assert.equal(hashGoMod(new Uint8Array()), 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=');
  assert.equal(hashGoMod('module example.com/foo\n'), 'h1:tJ2YS1a8pyA3nrypRdbsq6Ias2I/0YUVbjNBUoLstcw=');
});

test('two-file zip hashes from go-protocol.md §6 and §10.1', () => {
  assert.equal(
    hash1(
      files({
        'example.com/foo@v1.0.0/go.mod': 'module example.com/foo\n',
        'example.com/foo@v1.0.0/foo.go': 'package foo\n',
      }),
    ),
    'h1:s6dv4hTuhzo+y48ELWnzDuH1i3oN2H48y2W7tKyOlxo=',
  );
  assert.equal(
    hash1(
      files({
        'example.com/m@v1.0.0/go.mod': 'module example.com/m\n',
        'example.com/m@v1.0.0/m.go': 'package m\n',
      }),
    ),
    'h1:fCHMqo5ggHEQvwcrsN81zr5orRk5lClR36KRHpfUjKg=',
  );
});

test('the empty tree hashes to sha256 of the empty summary (unzip/empty.txt)', () => {
  assert.equal(hash1([]), 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
});

test('names sort as UTF-8 bytes: U+E000 before U+1F600, unlike a UTF-16 sort', () => {
  const emoji = 'm@v1.0.0/\u{1F600}.go';
  const privateUse = 'm@v1.0.0/\uE000.go';
  assert.deepEqual([emoji, privateUse].sort(), [emoji, privateUse], 'JavaScript sorts by UTF-16 units');
  const want = h1Of(`${hex('b')}  ${privateUse}\n${hex('a')}  ${emoji}\n`);
  assert.equal(hash1(files({ [emoji]: 'a', [privateUse]: 'b' })), want);
  assert.equal(hash1(files({ [privateUse]: 'b', [emoji]: 'a' })), want);
});

test('names that have no UTF-8 form are refused', () => {
  assert.throws(() => hash1(files({ 'a\uD800b': 'x' })), /not valid UTF-8/);
});

test('isValidH1 accepts exactly h1: and a canonical base64 SHA-256', () => {
  assert.equal(isValidH1('h1:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k='), true);
  assert.equal(isValidH1(hash1([])), true);
  for (const bad of [
    '',
    'h1:',
    'h2:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k=',
    'h1:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k',
    'h1:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k==',
    'h1:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3l=',
    'h1:flS2VctbRrTv-sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k=',
    ' h1:flS2VctbRrTv+sBE+VKgxx6hlkMGPVz9MGOmzMYFg3k=',
  ]) {
    assert.equal(isValidH1(bad), false, bad);
  }
});
