import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keys } from '../../src/proxy/keys.js';

test('no module can store a remote answer where another module keeps one', () => {
  // Module paths may end in list, latest or query; each key must still be a file of its own, never a
  // directory that another key needs (which would make one write fail and the other read wrong data).
  const stored: string[] = [];
  for (const module of [
    'example.com/m',
    'example.com/m/list',
    'example.com/m/latest',
    'example.com/m/query',
  ]) {
    stored.push(keys.remoteList(module), keys.remoteLatest(module), keys.remoteQuery(module, 'list'));
    stored.push(
      keys.remoteQuery(module, 'main'),
      keys.localList(module),
      keys.artifact(module, 'v1.0.0', 'info'),
    );
  }
  assert.equal(new Set(stored).size, stored.length, 'all keys differ');
  for (const a of stored) {
    for (const b of stored) assert.ok(!b.startsWith(`${a}/`), `${a} is a directory of ${b}`);
  }
});
