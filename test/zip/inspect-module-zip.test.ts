import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { ZipFile } from 'yazl';
import { hash1 } from '../../src/gomod/dirhash.js';
import { MAX_GO_MOD, MAX_ZIP_FILE, ZipRuleError } from '../../src/gomod/zip-rules.js';
import { inspectModuleZip } from '../../src/zipfile/inspect-module-zip.js';
import { writeModuleZip } from '../../src/zipfile/write-module-zip.js';
import { type RawZipEntry, rawZip } from '../helpers/raw-zip.js';
import { readZipTests, X_MOD_ZIP_TESTDATA } from '../helpers/txtar.js';

let dir: string;
let counter = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-inspect-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const nextPath = () => join(dir, `${++counter}.zip`);

/** Like Go's extractTxtarToTempZip; names yazl refuses (`..`, trailing `/`) go through the raw writer. */
async function zipOf(files: ReadonlyArray<{ name: string; data: Buffer }>): Promise<string> {
  const zipPath = nextPath();
  const zip = new ZipFile();
  try {
    for (const f of files) zip.addBuffer(f.data, f.name, { compress: true });
  } catch {
    await writeFile(zipPath, rawZip(files.map((f) => ({ name: f.name, data: f.data }))));
    return zipPath;
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return zipPath;
}

async function raw(entries: RawZipEntry[]): Promise<string> {
  const zipPath = nextPath();
  await writeFile(zipPath, rawZip(entries));
  return zipPath;
}

/** Rejects with a ZipRuleError whose problems include `want`. */
async function rejectsRule(
  p: Promise<unknown>,
  want: Array<{ path: string; reason: string | RegExp }>,
): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err instanceof ZipRuleError, `${err.name}: ${err.message}`);
    for (const w of want) {
      const hit = err.problems.some(
        (p) =>
          p.path === w.path &&
          (typeof w.reason === 'string' ? p.reason === w.reason : w.reason.test(p.reason)),
      );
      assert.ok(hit, `no problem ${w.path}: ${w.reason} in\n${err.message}`);
    }
    return true;
  });
}

describe('unzip vectors of x/mod v0.7.0, in memory and streaming', () => {
  for (const t of readZipTests(join(X_MOD_ZIP_TESTDATA, 'unzip'))) {
    for (const inMemoryLimit of [undefined, -1]) {
      test(`${t.name} (${inMemoryLimit === undefined ? 'in memory' : 'streaming'})`, async () => {
        const zipPath = await zipOf(t.archive.files);
        const inspect = () => inspectModuleZip(zipPath, t.path, t.version, { inMemoryLimit });
        if (t.wantErr === '') {
          assert.equal((await inspect()).h1, t.hash);
          return;
        }
        // Go prints an invalid byte as \xff; src/gomod's goQuote prints its lone surrogate as \ufffd.
        const wantErr = t.wantErr.replace(/\\x[0-9a-f]{2}/g, '\\ufffd');
        await assert.rejects(inspect(), (err: Error) => {
          assert.ok(err instanceof ZipRuleError, `${err.name}: ${err.message}`);
          assert.ok(err.message.includes(wantErr), `${err.message}\nshould contain ${wantErr}`);
          return true;
        });
      });
    }
  }
});

describe('check_zip vectors of x/mod v0.7.0', () => {
  for (const t of readZipTests(join(X_MOD_ZIP_TESTDATA, 'check_zip'))) {
    test(t.name, async () => {
      const want = t.archive.files.find((f) => f.name === 'want')!.data.toString('utf8');
      const wantInvalid = want.split('\ninvalid:\n')[1]!;
      const zipPath = await zipOf(t.archive.files.filter((f) => f.name !== 'want'));
      let got = '';
      try {
        await inspectModuleZip(zipPath, t.path, t.version);
      } catch (err) {
        assert.ok(err instanceof ZipRuleError, String(err));
        got = err.problems.map((p) => `${p.path}: ${p.reason}\n`).join('');
      }
      assert.equal(got, wantInvalid);
    });
  }
});

describe('inspectModuleZip on good zips', () => {
  test('returns the root go.mod, counts, and the hash from go-protocol.md §6', async () => {
    const zipPath = nextPath();
    const goMod = 'module example.com/foo\n';
    await writeModuleZip(zipPath, 'example.com/foo', 'v1.0.0', [
      { path: 'go.mod', content: goMod },
      { path: 'foo.go', content: new TextEncoder().encode('package foo\n') },
    ]);
    const got = await inspectModuleZip(zipPath, 'example.com/foo', 'v1.0.0');
    assert.deepEqual(got, {
      h1: 'h1:s6dv4hTuhzo+y48ELWnzDuH1i3oN2H48y2W7tKyOlxo=',
      goMod: Buffer.from(goMod),
      files: 2,
      uncompressedBytes: goMod.length + 'package foo\n'.length,
    });
  });

  test('directory entries and the bare M@V/ entry count in the hash, as in Go HashZip', async () => {
    const M = 'example.com/m@v1.0.0/';
    const zipPath = await raw([
      { name: M, data: '' },
      { name: `${M}a/`, data: '' },
      { name: `${M}a/x.go`, data: 'package a\n', method: 0 },
    ]);
    const got = await inspectModuleZip(zipPath, 'example.com/m', 'v1.0.0');
    const empty = createHash('sha256').digest();
    const x = createHash('sha256').update('package a\n').digest();
    assert.equal(
      got.h1,
      hash1([
        { name: M, sha256: empty },
        { name: `${M}a/`, sha256: empty },
        { name: `${M}a/x.go`, sha256: x },
      ]),
    );
    assert.equal(got.files, 1);
    assert.equal(got.goMod, undefined);
  });

  test('a multi-megabyte member is streamed and hashed correctly', async () => {
    const big = Buffer.alloc(5 << 20);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    const zipPath = nextPath();
    await writeModuleZip(zipPath, 'example.com/m', 'v1.0.0', [{ path: 'big.bin', content: big }]);
    const got = await inspectModuleZip(zipPath, 'example.com/m', 'v1.0.0');
    const sha = createHash('sha256').update(big).digest();
    assert.equal(got.h1, hash1([{ name: 'example.com/m@v1.0.0/big.bin', sha256: sha }]));
    assert.equal(got.uncompressedBytes, big.length);
  });
});

// Small zips are inspected in memory, large ones as streams: both readers face every hostile zip.
for (const [reader, inMemoryLimit] of [
  ['in memory', undefined],
  ['streaming', -1],
] as const)
  describe(`inspectModuleZip on hostile zips (${reader})`, () => {
    const M = 'example.com/m@v1.0.0/';
    const inspect = (zipPath: string) =>
      inspectModuleZip(zipPath, 'example.com/m', 'v1.0.0', { inMemoryLimit });

    test('a truncated zip is not a valid zip file, naming the file', async () => {
      const good = nextPath();
      await writeModuleZip(good, 'example.com/m', 'v1.0.0', [
        { path: 'go.mod', content: 'module example.com/m\n' },
      ]);
      const bytes = await readFile(good);
      for (const cut of [0, 10, Math.floor(bytes.length / 2), bytes.length - 1]) {
        const zipPath = nextPath();
        await writeFile(zipPath, bytes.subarray(0, cut));
        await assert.rejects(inspect(zipPath), (err: Error) => {
          assert.ok(!(err instanceof ZipRuleError));
          assert.ok(err.message.startsWith(`not a valid zip file: ${zipPath}: `), err.message);
          return true;
        });
      }
    });

    test('a member whose real size exceeds the declared size (zip bomb) is refused', async () => {
      const zipPath = await raw([{ name: `${M}bomb.txt`, data: Buffer.alloc(20 << 20), declaredSize: 100 }]);
      await rejectsRule(inspect(zipPath), [
        { path: `${M}bomb.txt`, reason: 'uncompressed size is larger than declared size (100 bytes)' },
      ]);
    });

    test('a member shorter than declared is refused', async () => {
      const zipPath = await raw([{ name: `${M}short.txt`, data: 'abc', declaredSize: 10 }]);
      await rejectsRule(inspect(zipPath), [
        { path: `${M}short.txt`, reason: 'uncompressed size is smaller than declared size (10 bytes)' },
      ]);
    });

    test('a CRC-32 mismatch is corruption', async () => {
      const zipPath = await raw([{ name: `${M}a.go`, data: 'package a\n', crc: 1234 }]);
      await assert.rejects(
        inspect(zipPath),
        /^Error: not a valid zip file: .*"example.com\/m@v1.0.0\/a.go": checksum error/,
      );
    });

    test('files outside the prefix', async () => {
      const zipPath = await raw([
        { name: 'example.com/other@v1.0.0/x.go', data: 'x' },
        { name: 'x.go', data: 'x' },
        { name: 'example.com/m@v1.0.0', data: '' },
      ]);
      const reason = 'path does not have prefix "example.com/m@v1.0.0/"';
      await rejectsRule(inspect(zipPath), [
        { path: 'example.com/other@v1.0.0/x.go', reason },
        { path: 'x.go', reason },
        { path: 'example.com/m@v1.0.0', reason },
      ]);
    });

    test('../ and other unclean or absolute paths', async () => {
      const zipPath = await raw([
        { name: `${M}../evil.go`, data: 'x' },
        { name: `${M}a/../../evil.go`, data: 'x' },
        { name: `${M}./x.go`, data: 'x' },
        { name: `${M}/etc/passwd`, data: 'x' },
        { name: `${M}a\\..\\..\\evil.go`, data: 'x' },
      ]);
      await rejectsRule(inspect(zipPath), [
        { path: `${M}../evil.go`, reason: /malformed file path "..\/evil.go"/ },
        { path: `${M}a/../../evil.go`, reason: 'file path is not clean' },
        { path: `${M}./x.go`, reason: 'file path is not clean' },
        { path: `${M}/etc/passwd`, reason: /malformed file path "\/etc\/passwd"/ },
        { path: `${M}a\\..\\..\\evil.go`, reason: /malformed file path/ },
      ]);
    });

    test('duplicate names and case collisions', async () => {
      const zipPath = await raw([
        { name: `${M}a.go`, data: 'one' },
        { name: `${M}a.go`, data: 'two' },
        { name: `${M}README`, data: 'x' },
        { name: `${M}readme`, data: 'x' },
        { name: `${M}Dir/x.go`, data: 'x' },
        { name: `${M}dir/y.go`, data: 'x' },
      ]);
      await rejectsRule(inspect(zipPath), [
        { path: `${M}a.go`, reason: 'multiple entries for file "a.go"' },
        { path: `${M}readme`, reason: 'case-insensitive file name collision: "README" and "readme"' },
        { path: `${M}dir/y.go`, reason: 'case-insensitive file name collision: "Dir" and "dir"' },
      ]);
    });

    test('an oversized go.mod, and a nested one', async () => {
      const zipPath = await raw([
        { name: `${M}go.mod`, data: Buffer.alloc(MAX_GO_MOD + 1, 0x20) },
        { name: `${M}sub/go.mod`, data: 'module example.com/m/sub\n' },
      ]);
      await rejectsRule(inspect(zipPath), [
        { path: `${M}go.mod`, reason: `go.mod file too large (max size is ${MAX_GO_MOD} bytes)` },
        { path: `${M}sub/go.mod`, reason: 'go.mod file not in module root directory' },
      ]);
    });

    test('an entry name that is not UTF-8', async () => {
      const zipPath = await raw([
        { name: Buffer.concat([Buffer.from(M), Buffer.from([0xff, 0x2e, 0x67, 0x6f])]), data: 'x' },
      ]);
      await rejectsRule(inspect(zipPath), [
        { path: `${M}\uFFFD.go`, reason: 'malformed file path: invalid UTF-8' },
      ]);
    });

    test('a zip file over 500 MiB is refused before it is read', async () => {
      const zipPath = nextPath();
      await writeFile(zipPath, '');
      await truncate(zipPath, MAX_ZIP_FILE + 1);
      await rejectsRule(inspect(zipPath), [
        {
          path: 'example.com/m@v1.0.0',
          reason: `module zip file is too large (${MAX_ZIP_FILE + 1} bytes; limit is ${MAX_ZIP_FILE} bytes)`,
        },
      ]);
    });

    test('a missing file is an I/O error, not a zip verdict', async () => {
      await assert.rejects(inspect(join(dir, 'missing.zip')), { code: 'ENOENT' });
    });

    test('no file descriptor is left open, whatever the outcome', async () => {
      const fds = async () => (await readdir('/proc/self/fd')).length;
      const good = nextPath();
      await writeModuleZip(good, 'example.com/m', 'v1.0.0', [{ path: 'a.go', content: 'package a\n' }]);
      const bomb = await raw([{ name: `${M}bomb.txt`, data: Buffer.alloc(4 << 20), declaredSize: 10 }]);
      const dup = await raw([
        { name: `${M}a.go`, data: 'x' },
        { name: `${M}a.go`, data: 'x' },
      ]);
      const badCrc = await raw([{ name: `${M}a.go`, data: 'x', crc: 1 }]);
      const truncated = nextPath();
      await writeFile(truncated, (await readFile(good)).subarray(0, 40));
      const baseline = await fds();
      for (let i = 0; i < 5; i++) {
        for (const zipPath of [good, bomb, dup, badCrc, truncated])
          await inspect(zipPath).catch(() => undefined);
      }
      // fd closes are asynchronous in yauzl; give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await fds(), baseline);
    });
  });
