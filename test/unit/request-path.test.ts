import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from '../../src/proxy/errors.js';
import { parseProxyPath } from '../../src/server/request-path.js';

test('parses every GOPROXY endpoint, accepting both ! and %21 escapes', () => {
  assert.deepEqual(parseProxyPath('/example.com/m/@v/list'), { endpoint: 'list', module: 'example.com/m' });
  assert.deepEqual(parseProxyPath('/example.com/m/@latest'), { endpoint: 'latest', module: 'example.com/m' });
  assert.deepEqual(parseProxyPath('/github.com/%21azure/go/@v/v1.0.0-%21r%21c1.zip'), {
    endpoint: 'zip',
    module: 'github.com/Azure/go',
    version: 'v1.0.0-RC1',
  });
  assert.deepEqual(parseProxyPath('/github.com/!azure/go/@v/v1.0.0-!r!c1.info?x=1'), {
    endpoint: 'info',
    module: 'github.com/Azure/go',
    version: 'v1.0.0-RC1',
  });
  assert.deepEqual(parseProxyPath('/gopkg.in/yaml.v3/@v/master.info'), {
    endpoint: 'info',
    module: 'gopkg.in/yaml.v3',
    version: 'master',
  });
});

test('rejects what no module request can be', () => {
  for (const path of [
    '/example.com/m',
    '/example.com/m/@v/',
    '/example.com/m/@v/a/b.info',
    '/%',
    '/example.com/M/@v/list',
    '/./@v/list',
  ]) {
    assert.throws(() => parseProxyPath(path), BadRequestError, path);
  }
});
