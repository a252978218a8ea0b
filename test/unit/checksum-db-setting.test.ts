import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChecksumDb } from '../../src/cli/checksum-db-setting.js';
import { generateKey } from '../../src/sumdb/note.js';

const SUM_GOLANG_ORG = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';

test('checksumDb is read like GOSUMDB: known names, the China alias, keys with or without a URL, off', () => {
  assert.equal(parseChecksumDb('off'), 'off');
  assert.deepEqual(parseChecksumDb('sum.golang.org'), {
    name: 'sum.golang.org',
    verifierKey: SUM_GOLANG_ORG,
  });
  assert.deepEqual(parseChecksumDb('sum.golang.google.cn'), {
    name: 'sum.golang.org',
    verifierKey: SUM_GOLANG_ORG,
    url: 'https://sum.golang.google.cn',
  });
  const { verifierKey } = generateKey('sum.corp.example', Buffer.alloc(32, 1));
  assert.deepEqual(parseChecksumDb(`${verifierKey}  http://127.0.0.1:8080/db/`), {
    name: 'sum.corp.example',
    verifierKey,
    url: 'http://127.0.0.1:8080/db',
  });
});

test('a bad checksumDb says what is wrong', () => {
  assert.throws(
    () => parseChecksumDb('sum.example.com'),
    /neither a known database name .* nor a verifier key/,
  );
  assert.throws(() => parseChecksumDb(`${SUM_GOLANG_ORG} https://a https://b`), /too many fields/);
  assert.throws(() => parseChecksumDb(`${SUM_GOLANG_ORG} ftp://mirror`), /must be http or https/);
  assert.throws(() => parseChecksumDb('sum.golang.org not-a-url'), /is not a URL/);
});
