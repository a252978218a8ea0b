import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { writeModuleZip } from '../../src/zipfile/write-module-zip.js';
import { GoSandbox } from '../helpers/go.js';
import { Radosgw } from '../helpers/radosgw.js';
import { makeWritable, type RestoreJson, runCache } from './cache-project.js';

const BIG = 'example.com/big';
/** Incompressible, so that the zip itself is this large: past the 8 MiB kept in memory and the 32 MiB read at once. */
const BLOB = 34 << 20;

/**
 * A module whose zip is too large to be checked in memory or read from a pack in one run: restore streams it to
 * a file, checks and extracts it member by member, and reads it from its pack as a range of its own.
 */
describe('cache restore of a module larger than what is held in memory', () => {
  let dir: string;
  let go: GoSandbox;
  let gw: Radosgw;
  let bucket: string;
  const project = () => join(dir, 'project');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-cache-large-'));
    const versions = join(dir, 'tree', BIG, '@v');
    await mkdir(versions, { recursive: true });
    const goMod = `module ${BIG}\n\ngo 1.19\n`;
    await writeFile(join(versions, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}');
    await writeFile(join(versions, 'v1.0.0.mod'), goMod);
    await writeModuleZip(join(versions, 'v1.0.0.zip'), BIG, 'v1.0.0', [
      { path: 'go.mod', content: goMod },
      { path: 'big.go', content: 'package big\n\nconst Name = "big"\n' },
      { path: 'data/blob.bin', content: randomBytes(BLOB) },
    ]);
    await mkdir(project());
    await writeFile(
      join(project(), 'go.mod'),
      `module example.com/app\n\ngo 1.21\n\nrequire ${BIG} v1.0.0\n`,
    );
    await writeFile(
      join(project(), 'main.go'),
      `package main\n\nimport "${BIG}"\n\nfunc main() { println(big.Name) }\n`,
    );
    go = await GoSandbox.create();
    const tidy = await go.run(['mod', 'tidy'], {
      cwd: project(),
      env: { GOPROXY: pathToFileURL(join(dir, 'tree')).href },
    });
    assert.equal(tidy.code, 0, tidy.stderr);
    gw = await Radosgw.start();
    bucket = await gw.createBucket();
  });

  after(async () => {
    await go?.clearModCache();
    await go?.dispose();
    await gw?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const s3 = () => [`s3://${bucket}/large`, '--s3-endpoint', gw.endpoint, '--s3-force-path-style'];
  const s3Env = () => ({ ...gw.credentialsEnv, AWS_EC2_METADATA_DISABLED: 'true' });

  /** Restores into an empty, read-only-by-default module cache and proves go takes it without a network. */
  async function restoreAndVerify(from: string[], env: Record<string, string>): Promise<void> {
    await makeWritable(go.modCache);
    await go.clearModCache();
    const restored = await runCache(go, project(), ['restore', '--from', ...from, '--json'], {
      GOFLAGS: '-mod=mod',
      ...env,
    });
    assert.equal(restored.code, 0, restored.stderr);
    const report = JSON.parse(restored.stdout) as RestoreJson;
    assert.equal(report.hits, 3);
    const extracted = join(go.modCache, `${BIG}@v1.0.0`);
    assert.equal((await stat(join(extracted, 'data/blob.bin'))).size, BLOB);
    assert.equal((await stat(join(extracted, 'data'))).mode & 0o222, 0, 'data/ is writable');
    const verify = await go.run(['mod', 'verify'], {
      cwd: project(),
      env: { GOPROXY: 'off', GOFLAGS: '-mod=mod' },
    });
    assert.equal(verify.code, 0, verify.stderr);
    const build = await go.run(['build', './...'], {
      cwd: project(),
      env: { GOPROXY: 'off', GOFLAGS: '-mod=mod' },
    });
    assert.equal(build.code, 0, build.stderr);
  }

  test('from a directory: the zip is streamed, checked and extracted member by member', async () => {
    await go.run(['mod', 'download'], {
      cwd: project(),
      env: { GOPROXY: pathToFileURL(join(dir, 'tree')).href },
    });
    const saved = await runCache(go, project(), ['save', '--to', join(dir, 'store')]);
    assert.equal(saved.code, 0, saved.stderr);
    await restoreAndVerify([join(dir, 'store')], {});
  });

  test('from S3: the zip is read from its pack as a range of its own', async () => {
    await makeWritable(go.modCache);
    await go.clearModCache();
    await go.run(['mod', 'download'], {
      cwd: project(),
      env: { GOPROXY: pathToFileURL(join(dir, 'tree')).href },
    });
    const saved = await runCache(go, project(), ['save', '--to', ...s3()], s3Env());
    assert.equal(saved.code, 0, saved.stderr);
    await restoreAndVerify(s3(), s3Env());
  });
});
