import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ChainSource } from '../../src/sources/chain-source.js';
import { NotFoundError, UpstreamError } from '../../src/sources/errors.js';
import type { Source } from '../../src/sources/source.js';

/** A source answering every call with one outcome, and recording that it was asked. */
function source(name: string, outcome: 'ok' | 'notfound' | 'error', asked: string[]): Source {
  const answer = async () => {
    asked.push(name);
    if (outcome === 'notfound') throw new NotFoundError(`${name}: not found`);
    if (outcome === 'error') throw new UpstreamError(`${name}: broken`);
    return Buffer.from(name);
  };
  return {
    name,
    list: async () => (await answer()).toString(),
    latest: answer,
    info: answer,
    mod: answer,
    zip: async () => Readable.from([await answer()]),
  };
}

test('"," falls through only on not-found; "|" on anything', async () => {
  const asked: string[] = [];
  const commaAfterError = new ChainSource([
    { source: source('a', 'error', asked), fallBackOnError: false },
    { source: source('b', 'ok', asked), fallBackOnError: false },
  ]);
  await assert.rejects(commaAfterError.mod('m', 'v1.0.0'), /a: broken/);
  assert.deepEqual(asked, ['a']);

  asked.length = 0;
  const pipe = new ChainSource([
    { source: source('a', 'error', asked), fallBackOnError: true },
    { source: source('b', 'ok', asked), fallBackOnError: false },
  ]);
  assert.equal((await pipe.mod('m', 'v1.0.0')).toString(), 'b');

  asked.length = 0;
  const comma = new ChainSource([
    { source: source('a', 'notfound', asked), fallBackOnError: false },
    { source: source('b', 'ok', asked), fallBackOnError: false },
  ]);
  assert.equal((await comma.mod('m', 'v1.0.0')).toString(), 'b');
  assert.deepEqual(asked, ['a', 'b']);
});

test('reports the last error of the highest rank, as go does', async () => {
  const asked: string[] = [];
  const chain = new ChainSource([
    { source: source('a', 'error', asked), fallBackOnError: true },
    { source: source('b', 'notfound', asked), fallBackOnError: false },
  ]);
  await assert.rejects(
    chain.info('m', 'v1.0.0'),
    (err) => err instanceof UpstreamError && /a: broken/.test(err.message),
  );
  const allMissing = new ChainSource([
    { source: source('a', 'notfound', asked), fallBackOnError: false },
    { source: source('b', 'notfound', asked), fallBackOnError: false },
  ]);
  await assert.rejects(
    allMissing.info('m', 'v1.0.0'),
    (err) => err instanceof NotFoundError && /b: not found/.test(err.message),
  );
});
