import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { type CliRun, runModgate } from '../helpers/run-cli.js';

function doctor(args: string[]): Promise<CliRun> {
  return runModgate(['doctor', ...args]);
}

const DOCKERFILE = 'FROM golang:1.23\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\n';
const GOMOD = 'module example.com/app\n\ngo 1.23\n\nrequire github.com/pkg/errors v0.9.1\n';

describe('modgate doctor (CLI)', () => {
  const dirs: string[] = [];
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-doctor-cli-'));
    dirs.push(dir);
    await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(dir, 'go.mod'), GOMOD);
    await writeFile(join(dir, 'go.sum'), 'github.com/pkg/errors v0.9.1 h1:x\n');
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('text report, exit 1 on an error finding', async () => {
    const r = await doctor([dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^Dockerfile:3:6: error: go\.mod is copied without go\.sum: .* \[D6\]$/m);
    assert.match(r.stdout, /^Dockerfile:4:1: warning: .* \[D2\]$/m);
    assert.match(r.stdout, /2 problems \(1 error, 1 warning, 0 info\); 2 fixable with --fix/);
  });

  test('--fail-on sets the threshold; a config file can too', async () => {
    assert.equal((await doctor([dir, '--fail-on', 'never'])).code, 0);
    await writeFile(join(dir, '.modgate-doctor.yaml'), 'disable: [D6]\nfail-on: warning\n');
    const r = await doctor([dir]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /\[D6\]/);
    assert.equal((await doctor([dir, '--fail-on', 'error'])).code, 0);
  });

  test('every format prints something its reader parses', async () => {
    for (const format of ['json', 'sarif', 'gitlab']) {
      const r = await doctor([dir, '--format', format, '--fail-on', 'never']);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotThrow(() => JSON.parse(r.stdout), format);
    }
    const gh = await doctor([dir, '--format', 'github', '--fail-on', 'never']);
    assert.match(gh.stdout, /^::error file=Dockerfile,line=3,col=6,/m);
  });

  test('--fix writes the fixes, then reports what is left; a second --fix changes nothing', async () => {
    const r = await doctor([dir, '--fix']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /applied \d+ fix/);
    assert.equal(r.stdout, 'no problems found\n');
    const fixed = await readFile(join(dir, 'Dockerfile'), 'utf8');
    assert.equal(
      fixed,
      '# syntax=docker/dockerfile:1\nFROM golang:1.23\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
    );
    const again = await doctor([dir, '--fix']);
    assert.match(again.stderr, /applied 0 fixes in 0 files/);
    assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), fixed);
  });

  test('--go-env adds the user environment', async () => {
    await writeFile(join(dir, 'env.json'), '{\n  "GOPROXY": "https://goproxy.io"\n}\n');
    const r = await doctor([dir, '--go-env', join(dir, 'env.json'), '--fail-on', 'never']);
    assert.match(r.stdout, /env\.json:2:3: warning: go env GOPROXY=https:\/\/goproxy\.io has no `direct`/);
  });

  test('unusable input exits 2 with a message naming it', async () => {
    const cases: [string[], RegExp][] = [
      [[join(dir, 'missing')], /cannot read .*missing: no such directory/],
      [[dir, '--go-env', join(dir, 'nope.json')], /cannot read .*nope\.json: no such file/],
      [[dir, '--go-env', join(dir, 'go.mod')], /go\.mod: not JSON/],
      [[dir, '--config', join(dir, 'go.sum')], /go\.sum: .*expected object|go\.sum: \(top level\)/],
    ];
    for (const [args, message] of cases) {
      const r = await doctor(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });

  test('an unknown format is a usage error', async () => {
    const r = await doctor([dir, '--format', 'xml']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Allowed choices are text, json, sarif, gitlab, github/);
  });

  test('.git and node_modules are skipped', async () => {
    await mkdir(join(dir, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'x', 'Dockerfile'), 'FROM golang\nRUN go build\n');
    const r = await doctor([dir, '--format', 'json', '--fail-on', 'never']);
    const report = JSON.parse(r.stdout) as { findings: { location: { file: string } }[] };
    assert.ok(report.findings.every((f) => !f.location.file.startsWith('node_modules')));
  });
});
