import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSumdbList } from '../../src/cli/sumdb-list.js';
import { generateKey } from '../../src/sumdb/note.js';

test('bare names are reached like GOSUMDB (no URL here); name=URL sets one; off proxies none', () => {
  assert.deepEqual(parseSumdbList('sum.golang.org'), [{ name: 'sum.golang.org' }]);
  assert.deepEqual(parseSumdbList('sum.golang.org, localhost.localdev/sumdb=http://127.0.0.1:8080/db/'), [
    { name: 'sum.golang.org' },
    { name: 'localhost.localdev/sumdb', url: 'http://127.0.0.1:8080/db' },
  ]);
  assert.deepEqual(parseSumdbList('off'), []);
});

test('a verifier key may stand for the name, so modgate can authenticate what it stores', () => {
  const { verifierKey } = generateKey('sum.corp.example/db', Buffer.alloc(32, 1));
  assert.deepEqual(parseSumdbList(`${verifierKey}, ${verifierKey}=https://db.corp.example/`), [
    { name: 'sum.corp.example/db', verifierKey },
    { name: 'sum.corp.example/db', verifierKey, url: 'https://db.corp.example' },
  ]);
  assert.throws(
    () => parseSumdbList('sum.example+1234+abc'),
    /is not a verifier key "<name>\+<hash>\+<key>"/,
  );
});

test('bad entries are refused, naming the entry and what is wrong', () => {
  assert.throws(() => parseSumdbList('Sum.Golang.org'), /"Sum.Golang.org" is not a checksum database name/);
  assert.throws(() => parseSumdbList('sum.example=ftp://x'), /must be http or https/);
  assert.throws(() => parseSumdbList('sum.example=not a url'), /is not a URL/);
  assert.throws(() => parseSumdbList('sum.golang.org,'), /"" is not a checksum database name/);
});
