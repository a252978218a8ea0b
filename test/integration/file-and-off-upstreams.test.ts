import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GoSandbox } from '../helpers/go.js';
import { ModgateProcess } from '../helpers/modgate.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { rawRequest } from '../helpers/raw-http.js';

let dir: string;
let go: GoSandbox;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-fileup-'));
  await writeProxyTree(join(dir, 'tree'), [
    { path: 'example.com/a', version: 'v1.0.0' },
    { path: 'example.com/b', version: 'v1.0.0' },
  ]);
  go = await GoSandbox.create();
});

after(async () => {
  await go.dispose();
  await rm(dir, { recursive: true, force: true });
});

test('a file:// tree works as an upstream, after a missing one in a "," list', async () => {
  const modgate = await ModgateProcess.start([
    '--upstream',
    `file://${join(dir, 'no-such-tree')},file://${join(dir, 'tree')}`,
    '--data',
    join(dir, 'data'),
  ]);
  try {
    const result = await go.run(['mod', 'download', '-json', 'example.com/a@v1.0.0'], {
      env: { GOPROXY: modgate.url },
    });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const missing = await rawRequest(modgate.url, '/example.com/none/@v/v1.0.0.info');
    assert.equal(missing.status, 404);
    assert.match(missing.body.toString(), /example\.com\/none/);
  } finally {
    await modgate.stop();
  }
});

test('upstream "off" serves exactly what is stored, and says why anything else is missing', async () => {
  const modgate = await ModgateProcess.start(['--upstream', 'off', '--data', join(dir, 'data')]);
  try {
    await go.clearModCache();
    const stored = await go.run(['mod', 'download', 'example.com/a@v1.0.0'], {
      env: { GOPROXY: modgate.url },
    });
    assert.equal(stored.code, 0, stored.stderr);
    const list = await rawRequest(modgate.url, '/example.com/a/@v/list');
    assert.equal(list.body.toString(), 'v1.0.0\n', 'stored versions are listed without any upstream');
    const other = await go.run(['mod', 'download', 'example.com/b@v1.0.0'], {
      env: { GOPROXY: modgate.url },
    });
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /server response: module lookup disabled by upstream "off"/);
  } finally {
    await modgate.stop();
  }
});
