import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeModuleZip } from '../../src/zipfile/write-module-zip.js';
import { GoSandbox } from '../helpers/go.js';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';

describe('an upstream that lies is refused, and nothing it sent is stored', () => {
  let fixture: ProxyFixture;
  let go: GoSandbox;
  let tree: string;
  let data: string;

  before(async () => {
    const modules = ['wrongmod', 'wronginfo', 'mismatch', 'retag', 'badjson', 'badtime'].map((name) => ({
      path: `example.com/${name}`,
      version: 'v1.0.0',
    }));
    fixture = await ProxyFixture.start('lying', modules, {
      args: ['--not-found-ttl', '0'],
      prepare: async (tree) => {
        await writeFile(join(tree, 'example.com/wrongmod/@v/v1.0.0.mod'), 'module example.com/other\n');
        await writeFile(
          join(tree, 'example.com/wronginfo/@v/v1.0.0.info'),
          '{"Version":"v1.0.1","Time":"2024-01-02T03:04:05Z"}',
        );
        await writeFile(
          join(tree, 'example.com/mismatch/@v/v1.0.0.mod'),
          'module example.com/mismatch\n\ngo 1.21\n',
        );
        await writeFile(join(tree, 'example.com/badjson/@v/v1.0.0.info'), '{"Version":');
        // Date.parse takes this; go's JSON time decoding does not, and would fail on it forever once stored.
        await writeFile(
          join(tree, 'example.com/badtime/@v/v1.0.0.info'),
          '{"Version":"v1.0.0","Time":"2020-01-01"}',
        );
      },
    });
    tree = fixture.tree;
    data = fixture.data;
    go = await GoSandbox.create();
  });

  after(async () => {
    await fixture.stop();
    await go.dispose();
  });

  test('a go.mod declaring another module: 410 with the reason, shown by go', async () => {
    const res = await rawRequest(fixture.modgate.url, '/example.com/wrongmod/@v/v1.0.0.mod');
    assert.equal(res.status, 410);
    assert.match(res.body.toString(), /declares module "example.com\/other"/);
    assert.equal(existsSync(join(data, 'example.com/wrongmod/@v/v1.0.0.mod')), false);
    const result = await go.run(['mod', 'download', 'example.com/wrongmod@v1.0.0'], {
      env: { GOPROXY: fixture.modgate.url },
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /410 Gone/);
    assert.match(
      result.stderr,
      /server response: go\.mod of example\.com\/wrongmod@v1\.0\.0 declares module/,
    );
  });

  test('.info for another version than requested, or not JSON', async () => {
    const wrong = await rawRequest(fixture.modgate.url, '/example.com/wronginfo/@v/v1.0.0.info');
    assert.equal(wrong.status, 410);
    assert.match(wrong.body.toString(), /instead of the requested v1\.0\.0/);
    const broken = await rawRequest(fixture.modgate.url, '/example.com/badjson/@v/v1.0.0.info');
    assert.equal(broken.status, 410);
    assert.match(broken.body.toString(), /is not JSON/);
    const badTime = await rawRequest(fixture.modgate.url, '/example.com/badtime/@v/v1.0.0.info');
    assert.equal(badTime.status, 410);
    assert.match(badTime.body.toString(), /invalid Time "2020-01-01"/);
  });

  test('a zip whose go.mod differs from the served .mod', async () => {
    assert.equal((await rawRequest(fixture.modgate.url, '/example.com/mismatch/@v/v1.0.0.mod')).status, 200);
    const res = await rawRequest(fixture.modgate.url, '/example.com/mismatch/@v/v1.0.0.zip');
    assert.equal(res.status, 410);
    assert.match(res.body.toString(), /differs from the stored \.mod/);
    assert.equal(existsSync(join(data, 'example.com/mismatch/@v/v1.0.0.zip')), false);
  });

  test('different bytes offered later for a recorded version are refused, and both hashes logged', async () => {
    const first = await rawRequest(fixture.modgate.url, '/example.com/retag/@v/v1.0.0.zip');
    assert.equal(first.status, 200);
    const recorded = (await readFile(join(data, 'example.com/retag/@v/v1.0.0.ziphash'), 'utf8')).trim();
    // The tag is moved upstream, and the stored zip is lost (evicted, disk replaced); the recorded hash remains.
    await writeModuleZip(join(tree, 'example.com/retag/@v/v1.0.0.zip'), 'example.com/retag', 'v1.0.0', [
      { path: 'go.mod', content: 'module example.com/retag\n\ngo 1.19\n' },
      { path: 'lib.go', content: 'package lib // moved tag\n' },
    ]);
    await unlink(join(data, 'example.com/retag/@v/v1.0.0.zip'));
    await fixture.restart();
    const again = await rawRequest(fixture.modgate.url, '/example.com/retag/@v/v1.0.0.zip');
    assert.equal(again.status, 410);
    assert.match(again.body.toString(), new RegExp(`modgate recorded ${recorded.replace(/[+/=]/g, '\\$&')}`));
    assert.equal(existsSync(join(data, 'example.com/retag/@v/v1.0.0.zip')), false);
    assert.equal(
      (await readFile(join(data, 'example.com/retag/@v/v1.0.0.ziphash'), 'utf8')).trim(),
      recorded,
    );
    await new Promise((r) => setTimeout(r, 100));
    const logged = fixture.modgate.logs
      .map((l) => JSON.parse(l) as Record<string, string>)
      .find((e) => e.msg?.includes('different bytes'));
    assert.ok(logged, 'an error line names the conflict');
    assert.equal(logged.recorded, recorded);
    assert.match(logged.offered ?? '', /^h1:/);
    assert.notEqual(logged.offered, recorded);
  });
});
