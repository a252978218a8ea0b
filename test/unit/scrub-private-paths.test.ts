import assert from 'node:assert/strict';
import { test } from 'node:test';
import { privatePathScrubber, scrubLogObject } from '../../src/server/scrub-private-paths.js';

const scrub = privatePathScrubber('corp.example,github.com/acme/*');

test('private module paths are hidden wherever they appear in a token', () => {
  assert.equal(scrub('/corp.example/lib/@v/v1.0.0.zip'), '/<private>');
  assert.equal(
    scrub('/sumdb/sum.corp.test/lookup/corp.example/lib@v1.0.0'),
    '/sumdb/sum.corp.test/lookup/<private>',
  );
  assert.equal(scrub('zip for github.com/acme/secret@v1.2.3 is invalid'), 'zip for <private> is invalid');
  assert.equal(scrub('key _modgate/remote/corp.example/x/@list'), 'key _modgate/remote/<private>');
  assert.equal(
    scrub('"https://proxy/corp.example/a/@v/list" answered 404'),
    '"https://proxy/<private>" answered 404',
  );
});

test('public paths and names that only look alike are kept (a public path with a private-looking element inside may be hidden too: the scrubber errs towards hiding)', () => {
  for (const text of ['/github.com/acme-other/x/@v/list', 'GET /healthz 200', 'notcorp.example/a']) {
    assert.equal(scrub(text), text);
  }
});

test('log objects are scrubbed throughout, errors included', () => {
  const format = scrubLogObject(scrub);
  const out = format({
    url: '/corp.example/a/@v/v1.0.0.mod',
    nested: { list: ['github.com/acme/x@v1.0.0'] },
    err: new Error('fetching corp.example/a@v1.0.0 failed'),
    status: 404,
  }) as { url: string; nested: { list: string[] }; err: { message: string; stack: string }; status: number };
  assert.equal(out.url, '/<private>');
  assert.deepEqual(out.nested.list, ['<private>']);
  assert.equal(out.err.message, 'fetching <private> failed');
  assert.ok(!out.err.stack.includes('corp.example'));
  assert.equal(out.status, 404);
});
