import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliRun, runModgate } from '../helpers/run-cli.js';
import { SINGLE_MODULE, writeProject } from './fixture-projects.js';

function modgateInit(args: string[]): Promise<CliRun> {
  return runModgate(['init', ...args]);
}

describe('modgate init (CLI)', () => {
  let dir: string;
  before(async () => {
    dir = await writeProject('cli', SINGLE_MODULE);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('--dry-run prints every file under a header and writes nothing', async () => {
    const r = await modgateInit(['docker', dir, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^==> Dockerfile <==\n# syntax=docker\/dockerfile:1\n/);
    assert.match(r.stdout, /\n==> \.dockerignore <==\n/);
    await assert.rejects(stat(join(dir, 'Dockerfile')), { code: 'ENOENT' });
    // example.com/greet shares example.com with example.com/hello: maybe a private module, so say so.
    assert.equal(
      r.stderr,
      "modgate init: note: example.com/greet has this project's owner (example.com); " +
        'if it is private, run again with --private example.com\n',
    );
  });

  test('--stdout of a single file prints it as it would be written', async () => {
    const r = await modgateInit([
      'gitlab',
      dir,
      '--stdout',
      '--private',
      'example.com/private/*',
      '--private',
      'example.com/greet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Written by `modgate init gitlab`\.\n/);
    assert.match(r.stdout, /GOPRIVATE: example\.com\/private\/\*,example\.com\/greet\n/);
    assert.equal(r.stderr, '', 'no note once --private covers the module');
  });

  test('writes the files, then refuses to replace them unless --force', async () => {
    const first = await modgateInit(['github', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'wrote .github/workflows/go.yml\n');
    const workflow = join(dir, '.github/workflows/go.yml');
    await writeFile(workflow, 'mine\n');

    const refused = await modgateInit(['github', dir, '--goproxy', 'https://modgate.acme.internal']);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /\.github\/workflows\/go\.yml already exists in .*nothing was written.*--force/,
    );
    assert.equal(await readFile(workflow, 'utf8'), 'mine\n');

    const forced = await modgateInit([
      'github',
      dir,
      '--goproxy',
      'https://modgate.acme.internal',
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await readFile(workflow, 'utf8'), /GOPROXY: https:\/\/modgate\.acme\.internal,direct/);
  });

  test('bad input: exit 2 with what is wrong and what to do', async () => {
    const noModule = await modgateInit(['docker', join(dir, 'internal')]);
    assert.equal(noModule.code, 2);
    assert.match(noModule.stderr, /^modgate init: no go\.mod or go\.work in .*go mod init/);

    const badProxy = await modgateInit(['docker', dir, '--goproxy', 'modgate.acme.internal']);
    assert.equal(badProxy.code, 2);
    assert.match(
      badProxy.stderr,
      /--goproxy "modgate\.acme\.internal" is not an http:\/\/ or https:\/\/ URL/,
    );

    const badTarget = await modgateInit(['kubernetes', dir]);
    assert.notEqual(badTarget.code, 0);
    assert.match(badTarget.stderr, /Allowed choices are docker, github, gitlab/);
  });
});
