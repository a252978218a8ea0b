import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ProxyFixture } from '../helpers/proxy-fixture.js';
import { rawRequest } from '../helpers/raw-http.js';
import { type RawZipEntry, rawZip } from '../helpers/raw-zip.js';

const GO_MOD = (m: string) => ({ name: `${m}@v1.0.0/go.mod`, data: `module ${m}\n` });

/** Zips an upstream might send, each breaking a rule the go command enforces when it unpacks. */
const HOSTILE: Record<string, { entries: (m: string) => RawZipEntry[]; reason: RegExp }> = {
  outside: {
    entries: (m) => [GO_MOD(m), { name: 'other.com/x@v1.0.0/x.go', data: 'package x\n' }],
    reason: /does not have prefix/,
  },
  traversal: {
    entries: (m) => [GO_MOD(m), { name: `${m}@v1.0.0/../../etc/passwd`, data: 'root\n' }],
    reason: /not clean|invalid/,
  },
  duplicate: {
    entries: (m) => [
      GO_MOD(m),
      { name: `${m}@v1.0.0/a.go`, data: 'package a\n' },
      { name: `${m}@v1.0.0/a.go`, data: 'package b\n' },
    ],
    reason: /multiple entries/,
  },
  casefold: {
    entries: (m) => [
      GO_MOD(m),
      { name: `${m}@v1.0.0/README`, data: 'a' },
      { name: `${m}@v1.0.0/readme`, data: 'b' },
    ],
    reason: /case-insensitive file name collision/,
  },
  nestedgomod: {
    entries: (m) => [GO_MOD(m), { name: `${m}@v1.0.0/sub/go.mod`, data: 'module x\n' }],
    reason: /go\.mod file not in module root directory/,
  },
  liar: {
    // Declares 10 bytes but inflates to 1 MiB: a zip bomb in miniature.
    entries: (m) => [
      GO_MOD(m),
      { name: `${m}@v1.0.0/bomb.txt`, data: Buffer.alloc(1 << 20), declaredSize: 10 },
    ],
    reason: /size|invalid/i,
  },
  badcrc: {
    entries: (m) => [GO_MOD(m), { name: `${m}@v1.0.0/a.go`, data: 'package a\n', crc: 1234 }],
    reason: /crc|checksum|invalid/i,
  },
};

let fixture: ProxyFixture;

before(async () => {
  const modules = [...Object.keys(HOSTILE), 'notazip'].map((name) => ({
    path: `example.com/${name}`,
    version: 'v1.0.0',
  }));
  fixture = await ProxyFixture.start('zips', modules, {
    prepare: async (tree) => {
      for (const [name, { entries }] of Object.entries(HOSTILE)) {
        const m = `example.com/${name}`;
        await writeFile(join(tree, m, '@v/v1.0.0.zip'), rawZip(entries(m)));
        await writeFile(join(tree, m, '@v/v1.0.0.mod'), `module ${m}\n`);
      }
      await writeFile(join(tree, 'example.com/notazip/@v/v1.0.0.zip'), 'this is not a zip file at all');
    },
  });
});

after(() => fixture.stop());

for (const [name, { reason }] of Object.entries({
  ...HOSTILE,
  notazip: { reason: /not a valid zip|invalid/i },
})) {
  test(`a ${name} zip is refused with a reason and never stored`, async () => {
    const res = await rawRequest(fixture.modgate.url, `/example.com/${name}/@v/v1.0.0.zip`);
    assert.equal(res.status, 410, res.body.toString());
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.match(res.body.toString(), reason);
    assert.equal(existsSync(join(fixture.data, `example.com/${name}/@v/v1.0.0.zip`)), false);
    assert.equal(existsSync(join(fixture.data, `example.com/${name}/@v/v1.0.0.ziphash`)), false);
  });
}

test('after every refusal, nothing is left in staging and the server still serves', async () => {
  assert.deepEqual(await readdir(join(fixture.data, '_modgate/tmp')), []);
  assert.equal((await rawRequest(fixture.modgate.url, '/healthz')).status, 200);
  const metrics = (await rawRequest(fixture.modgate.url, '/metrics')).body.toString();
  assert.match(metrics, /modgate_integrity_refusals_total\{endpoint="zip"\} 8/);
});
