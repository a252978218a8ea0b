import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadServeConfig } from '../../src/cli/config.js';

test('embedded defaults: port 3000, ./modgate-data, proxy.golang.org', () => {
  const config = loadServeConfig({ flags: {}, env: {} });
  assert.equal(config.port, 3000);
  assert.equal(config.data, './modgate-data');
  assert.equal(config.upstream, 'https://proxy.golang.org');
  assert.equal(config.listTtl, 60_000);
});

test('flags beat environment variables, which beat the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-config-'));
  const file = join(dir, 'modgate.yaml');
  await writeFile(file, 'port: 4000\ndata: /srv/file\nlistTtl: 5m\nupstream: https://file.example\n');
  const config = loadServeConfig({
    flags: { port: '5000' },
    env: { MODGATE_PORT: '4500', MODGATE_DATA: '/srv/env' },
    file,
  });
  assert.equal(config.port, 5000);
  assert.equal(config.data, '/srv/env');
  assert.equal(config.listTtl, 300_000);
  assert.equal(config.upstream, 'https://file.example');
});

test('bad values are all reported, each naming its origin, value and what is expected', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-config-'));
  const file = join(dir, 'modgate.yaml');
  await writeFile(file, 'listTtl: soon\nupstreams: x\n');
  assert.throws(
    () => loadServeConfig({ flags: { port: '70000' }, env: { MODGATE_LOG_LEVEL: 'loud' }, file }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /flag --port = "70000": expected an integer from 0 to 65535/);
      assert.match(err.message, /environment variable MODGATE_LOG_LEVEL = "loud": expected fatal, error/);
      assert.match(err.message, /key "listTtl" in .*modgate\.yaml = "soon": expected a duration/);
      assert.match(err.message, /unknown key "upstreams"/);
      return true;
    },
  );
});

test('a config file that is not YAML or not a mapping is reported', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-config-'));
  const broken = join(dir, 'broken.yaml');
  await writeFile(broken, 'port: [1\n');
  assert.throws(() => loadServeConfig({ flags: {}, env: {}, file: broken }), /config file .*broken\.yaml/);
  const list = join(dir, 'list.yaml');
  await writeFile(list, '- 1\n- 2\n');
  assert.throws(
    () => loadServeConfig({ flags: {}, env: {}, file: list }),
    /expected a mapping of settings, got a list/,
  );
  assert.throws(
    () => loadServeConfig({ flags: {}, env: {}, file: join(dir, 'missing.yaml') }),
    /config file .*missing\.yaml: ENOENT/,
  );
});

test('redis is off by default; a URL that is not redis:// or a lock TTL under a second is refused', () => {
  const config = loadServeConfig({ flags: {}, env: {} });
  assert.equal(config.redis, '');
  assert.equal(config.lockTtl, 30_000);
  const set = loadServeConfig({
    flags: { lockTtl: '5s' },
    env: { MODGATE_REDIS: 'rediss://:pw@redis:6380/1' },
  });
  assert.equal(set.redis, 'rediss://:pw@redis:6380/1');
  assert.equal(set.lockTtl, 5_000);
  assert.throws(
    () => loadServeConfig({ flags: { redis: 'redis.internal:6379', lockTtl: '200ms' }, env: {} }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(
        err.message,
        /flag --redis = "redis.internal:6379": expected a redis:\/\/ or rediss:\/\/ URL/,
      );
      assert.match(err.message, /flag --lock-ttl = "200ms": expected a duration from 1s/);
      return true;
    },
  );
});
