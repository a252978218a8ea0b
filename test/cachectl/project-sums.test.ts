import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GoSumError, readGoSum, type SumEntry } from '../../src/cachectl/go-sum.js';
import { moduleFiles } from '../../src/cachectl/module-files.js';
import { readProjectSums } from '../../src/cachectl/project-sums.js';
import { workspaceUses } from '../../src/gomod/modfile.js';

const H1 = 'h1:2Gw9z4DtqBK7UGg9u2josiseIDuYI96Wf15KNjVK6ic=';
const H2 = 'h1:oYWGgepKpLnu7P1ggHlE/iU1o26g6Io8pmQiLvlZgag=';

function parse(text: string): SumEntry[] {
  const into = new Map<string, SumEntry>();
  readGoSum('go.sum', text, into);
  return [...into.values()];
}

describe('go.sum reading', () => {
  test('zip and go.mod lines of a version become one entry; blank lines are skipped', () => {
    assert.deepEqual(parse(`\nexample.com/a v1.0.0 ${H1}\n  example.com/a v1.0.0/go.mod ${H2}\n\n`), [
      { module: 'example.com/a', version: 'v1.0.0', zip: H1, mod: H2 },
    ]);
  });

  test('like go, drops the empty-go.mod hash of old releases and hashes it cannot check', () => {
    const empty = 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=';
    assert.deepEqual(parse(`example.com/a v1.0.0/go.mod ${empty}\nexample.com/b v1.0.0 h2:abc\n`), []);
  });

  test('a wrong field count or an invalid module version names the line', () => {
    assert.throws(() => parse(`example.com/a v1.0.0 ${H1}\nexample.com/a v1.0.0 ${H1} extra\n`), {
      name: 'GoSumError',
      message: 'malformed go.sum: go.sum:2: wrong number of fields 4',
    });
    assert.throws(() => parse(`../evil v1.0.0 ${H1}\n`), /malformed go\.sum: go\.sum:1: .*\.\.\/evil/);
  });

  test('two different hashes for one file are refused, as go would refuse one of them', () => {
    assert.throws(() => parse(`example.com/a v1.0.0 ${H1}\nexample.com/a v1.0.0 ${H2}\n`), GoSumError);
  });

  test('a zip entry needs .zip, .mod and .info; a go.mod-only entry needs only its .mod', () => {
    const both = moduleFiles({ module: 'example.com/A', version: 'v1.0.0', zip: H1, mod: H2 });
    assert.deepEqual(
      both.files.map((f) => [f.key, f.expected, f.required]),
      [
        ['example.com/!a/@v/v1.0.0.zip', H1, true],
        ['example.com/!a/@v/v1.0.0.mod', H2, true],
        ['example.com/!a/@v/v1.0.0.info', undefined, true],
      ],
    );
    const modOnly = moduleFiles({ module: 'example.com/a', version: 'v1.0.0', mod: H2 });
    assert.deepEqual(
      modOnly.files.map((f) => [f.kind, f.required]),
      [
        ['mod', true],
        ['info', false],
      ],
    );
  });
});

describe('the checksum files of a project', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-sums-'));
    await mkdir(join(dir, 'svc/api'), { recursive: true });
    await mkdir(join(dir, 'tools'));
    await writeFile(
      join(dir, 'go.work'),
      'go 1.22\n\nuse (\n\t./svc/api // the service\n\t"./tools"\n)\nuse ./missing\n',
    );
    await writeFile(join(dir, 'go.work.sum'), `example.com/w v1.0.0/go.mod ${H1}\n`);
    await writeFile(join(dir, 'svc/api/go.mod'), 'module example.com/api\n');
    await writeFile(
      join(dir, 'svc/api/go.sum'),
      `example.com/a v1.0.0 ${H1}\nexample.com/a v1.0.0/go.mod ${H2}\n`,
    );
    await writeFile(join(dir, 'tools/go.mod'), 'module example.com/tools\n');
    await writeFile(
      join(dir, 'tools/go.sum'),
      `example.com/a v1.0.0/go.mod ${H2}\nexample.com/b v0.1.0 ${H2}\n`,
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('go.work use directives, single and in blocks, quoted or not', () => {
    assert.deepEqual(
      workspaceUses('use (\n\t./a\n\t`./b c`\n)\nuse "./d" // x\nreplace (\n\tx => ./y\n)\n'),
      ['./a', './b c', './d'],
    );
    assert.throws(() => workspaceUses('use ./a ./b\n'), /malformed use directive: \.\/a \.\/b/);
  });

  test('a workspace reads go.work.sum and the go.sum of every module it uses, merged', async () => {
    const sums = await readProjectSums(dir, {});
    assert.deepEqual(sums.files, [
      join(dir, 'go.work.sum'),
      join(dir, 'svc/api/go.sum'),
      join(dir, 'tools/go.sum'),
    ]);
    assert.deepEqual(
      sums.entries.map((e) => `${e.module}@${e.version} ${e.zip ? 'zip' : ''}${e.mod ? 'mod' : ''}`),
      ['example.com/a@v1.0.0 zipmod', 'example.com/b@v0.1.0 zip', 'example.com/w@v1.0.0 mod'],
    );
  });

  test('GOWORK=off reads only the module of the directory, as go does', async () => {
    await assert.rejects(readProjectSums(dir, { GOWORK: 'off' }), /is not a Go module or workspace/);
    const api = await readProjectSums(join(dir, 'svc/api'), { GOWORK: 'off' });
    assert.deepEqual(api.files, [join(dir, 'svc/api/go.sum')]);
  });
});
