import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EMPTY_CONFIG } from '../../src/doctor/config.js';
import { runRules } from '../../src/doctor/engine.js';
import { loadProject, MAX_TEXT_BYTES, ProjectError } from '../../src/doctor/project.js';
import { ALL_RULES } from '../../src/doctor/rules/index.js';
import { check } from './helpers.js';

describe('bad input gives a clear finding or error', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-doctor-bad-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a 10 MB Dockerfile is reported, not read', async () => {
    const line = 'RUN --mount=type=cache,target=/go/pkg/mod go build ./...\n';
    await writeFile(
      join(dir, 'Dockerfile'),
      `FROM golang:1.23\n${line.repeat(Math.ceil((10 << 20) / line.length))}`,
    );
    const findings = runRules(await loadProject(dir), ALL_RULES, EMPTY_CONFIG);
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.location.file, f.message]),
      [
        [
          'I1',
          'Dockerfile',
          `doctor did not check Dockerfile: it is 10.0 MiB, more than the ${MAX_TEXT_BYTES >> 20}.0 MiB doctor reads.`,
        ],
      ],
    );
  });

  test('binary and invalid UTF-8 inputs', () => {
    const findings = check({
      Dockerfile: new Uint8Array([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0xfe, 0x0a]),
      'build.Dockerfile': new Uint8Array([0, 1, 2, 3]),
      '.dockerignore': 'ok\n',
    });
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.location.file, f.message]),
      [
        ['I1', 'Dockerfile', 'doctor did not check Dockerfile: it is not valid UTF-8 text.'],
        [
          'I1',
          'build.Dockerfile',
          'doctor did not check build.Dockerfile: it is a binary file (it contains NUL bytes).',
        ],
      ],
    );
  });

  test('unknown instructions and odd syntax: findings for them, the rest still checked', () => {
    const findings = check({
      Dockerfile:
        'FROM golang:1.23\nFOO bar\nRUN --mount=type=cache,target=/go/pkg/mod,sharing=locked,bogus \\\n  go mod download\nRUN --mount go build\nCOPY\nFROM\nONBUILD RUN go build\n',
    });
    const ids = findings.map((f) => f.ruleId);
    assert.ok(ids.includes('I2'));
    assert.ok(ids.includes('D22'), 'the RUN after the unknown instruction is still checked');
  });

  test('a Dockerfile of pathological shapes finishes', () => {
    const nasty = [
      'FROM',
      'FROM golang AS',
      'RUN \\',
      'ENV =x',
      'ARG',
      'USER',
      'RUN ["unterminated',
      'COPY ["a",',
      `RUN ${'$('.repeat(2000)}`,
      `ENV X=${'${'.repeat(2000)}`,
      `RUN ${'"'.repeat(3001)}`,
    ].join('\n');
    const findings = check({ Dockerfile: nasty, 'go.mod': 'module m\n' });
    assert.ok(Array.isArray(findings));
  });

  test('a missing directory and a file instead of a directory are ProjectErrors', async () => {
    await assert.rejects(
      loadProject(join(dir, 'missing')),
      (err: Error) => err instanceof ProjectError && /no such directory/.test(err.message),
    );
    await writeFile(join(dir, 'file'), '');
    await assert.rejects(loadProject(join(dir, 'file')), /not a directory/);
  });

  test('symlinks are not followed (a loop cannot hang the walk)', async () => {
    const loopDir = await mkdtemp(join(tmpdir(), 'modgate-doctor-loop-'));
    try {
      await symlink(loopDir, join(loopDir, 'self'));
      await writeFile(join(loopDir, 'Dockerfile'), 'FROM golang:1.23\n');
      const view = await loadProject(loopDir);
      assert.deepEqual(view.files, ['Dockerfile']);
    } finally {
      await rm(loopDir, { recursive: true, force: true });
    }
  });
});
