import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MissingRecordLineError, recordLines } from '../../src/sumdb/lookup.js';
import { formatRecord, parseRecord } from '../../src/sumdb/tlog.js';

const zip = `example.com/b v0.1.0 h1:${'C'.repeat(43)}=`;
const mod = `example.com/b v0.1.0/go.mod h1:${'D'.repeat(43)}=`;
const text = `${zip}\n${mod}\n`;

test('recordLines picks the zip line or the go.mod line of the requested version', () => {
  assert.deepEqual(recordLines(text, 'example.com/b', 'v0.1.0'), [zip]);
  assert.deepEqual(recordLines(Buffer.from(text), 'example.com/b', 'v0.1.0/go.mod'), [mod]);
});

test('no line for the module version is an error, not a pass (CVE-2026-42501)', () => {
  for (const [path, version] of [
    ['example.com/a', 'v1.0.0'],
    ['example.com', 'v0.1.0'], // a path prefix is not the path
    ['example.com/b', 'v0.1'], // nor is a version prefix
    ['example.com/b', 'v0.1.0/go'],
  ]) {
    assert.throws(() => recordLines(text, path!, version!), MissingRecordLineError, `${path}@${version}`);
  }
});

test('lines after the authenticated record are never consulted (CVE-2026-56864)', () => {
  const smuggled = `example.com/evil v1.0.0 h1:${'E'.repeat(43)}=\n`;
  const response = Buffer.concat([formatRecord(1, text), Buffer.from(`go.sum database tree\n${smuggled}`)]);
  const { text: authenticated } = parseRecord(response);
  assert.throws(() => recordLines(authenticated, 'example.com/evil', 'v1.0.0'), MissingRecordLineError);
});
