import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CacheProject } from './cache-project.js';

describe('cache save and restore on bad input', () => {
  let p: CacheProject;

  before(async () => {
    p = await CacheProject.create('cache-bad-input');
  });

  after(async () => {
    await p?.dispose();
  });

  async function expectBadInput(args: string[], message: RegExp): Promise<void> {
    const result = await p.cache(args);
    assert.equal(result.code, 2, `${result.stdout}${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '');
  }

  test('a project without go.sum is told to record its checksums first', async () => {
    await expectBadInput(
      ['save', '--to', p.store],
      /project has no go\.sum: run "go mod download" \(or "go mod tidy"\) first/,
    );
    await expectBadInput(['restore', '--from', p.store], /has no go\.sum/);
  });

  test('a directory that is no Go project, or no directory at all, is named', async () => {
    await expectBadInput(
      ['save', '--to', p.store, '--project', p.dir],
      /is not a Go module or workspace: it has no go\.mod or go\.work/,
    );
    await expectBadInput(
      ['restore', '--from', p.store, '--project', join(p.dir, 'missing')],
      /cannot read project directory .*missing: no such file or directory/,
    );
  });

  test('a malformed go.sum line is reported with file and line', async () => {
    const goSum = join(p.projectDir, 'go.sum');
    await writeFile(goSum, 'example.com/a v1.0.0 h1:x\nexample.com/a v1.0.0\n');
    try {
      await expectBadInput(
        ['restore', '--from', p.store],
        /malformed go\.sum: .*go\.sum:2: wrong number of fields 2/,
      );
      await writeFile(goSum, 'example.com/a 1.0 h1:x\n');
      await expectBadInput(['save', '--to', p.store], /malformed go\.sum: .*go\.sum:1: .*1\.0/);
    } finally {
      await rm(goSum);
    }
  });

  test('a cache that is a file, an unknown backend, or a bad --jobs are refused before anything moves', async () => {
    await writeFile(join(p.projectDir, 'go.sum'), '');
    const file = join(p.dir, 'a-file');
    await writeFile(file, '');
    await expectBadInput(['restore', '--from', file], /cache directory .*a-file is not a directory/);
    await expectBadInput(['save', '--to', file], /cannot write to cache directory .*a-file/);
    await expectBadInput(
      ['restore', '--from', 'gs://bucket/x'],
      /unsupported cache backend "gs:\/\/bucket\/x": use one of dir:/,
    );
    await expectBadInput(
      ['restore', '--from', p.store, '--jobs', '0'],
      /--jobs.*give a whole number from 1 to 256/,
    );
    await expectBadInput(['save'], /required option '--to <backend>' not specified/);
  });
});
