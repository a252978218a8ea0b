import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliRun, runModgate } from '../helpers/run-cli.js';

const GONE =
  'go: example.com/private@v1.0.0: reading https://proxy.golang.org/example.com/private/@v/v1.0.0.mod: 410 Gone';

function explain(args: string[], stdin?: string | Buffer, nodeFlags: string[] = []): Promise<CliRun> {
  return runModgate(['explain', ...args], stdin, nodeFlags);
}

describe('modgate explain (CLI)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-explain-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('text output for a failing log file, exit 1', async () => {
    const file = join(dir, 'build.log');
    await writeFile(file, `#12 [builder 4/6] RUN go mod download\n#12 0.512 ${GONE}\n`);
    const r = await explain([file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /1 Go module download failure found/);
    assert.match(r.stdout, /\[proxy-not-found-no-direct\]/);
    assert.ok(r.stdout.includes(`line 2: ${GONE}`), r.stdout);
    assert.match(r.stdout, /cause: /);
    assert.match(r.stdout, /fix: .*GOPRIVATE=example\.com/);
    assert.match(r.stdout, /GOPROXY has no direct entry after https:\/\/proxy\.golang\.org/);
  });

  test('JSON output from stdin with "-"', async () => {
    const r = await explain(['-', '--format', 'json'], `noise\n${GONE}\n`);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as {
      source: string;
      linesRead: number;
      failures: {
        id: string;
        evidence: { line: number; text: string };
        transient: boolean;
        module: string;
      }[];
    };
    assert.equal(report.source, '<stdin>');
    assert.equal(report.linesRead, 2);
    assert.equal(report.failures.length, 1);
    assert.deepEqual(report.failures[0]!.evidence, { line: 2, text: GONE });
    assert.equal(report.failures[0]!.id, 'proxy-not-found-no-direct');
    assert.equal(report.failures[0]!.transient, false);
    assert.equal(report.failures[0]!.module, 'example.com/private');
  });

  test('no file reads stdin; a clean log exits 0 and says so', async () => {
    const r = await explain(
      [],
      'go: downloading github.com/pkg/errors v0.9.1\n./main.go:3:2: "fmt" imported and not used\nok  \texample.com/m\t0.01s\n',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no Go module download failure found/);
    const json = await explain(['--format', 'json'], 'all good\n');
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout).failures, []);
  });

  test('an unreadable file exits 2 and says which and why', async () => {
    const missing = join(dir, 'nope.log');
    const r = await explain([missing]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(`cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file`),
    );
    const asDir = await explain([dir]);
    assert.equal(asDir.code, 2);
    assert.match(asDir.stderr, /it is a directory/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.log');
      await writeFile(locked, GONE);
      await chmod(locked, 0o000);
      const denied = await explain([locked]);
      assert.equal(denied.code, 2);
      assert.match(denied.stderr, /permission denied/);
    }
  });

  test('binary and invalid UTF-8 input is read as text', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x0a, 0x00, 0x00, 0xe2, 0x82]),
      Buffer.from(`\n\x1b[31m${GONE}\x1b[0m\n`),
      Buffer.from([0xf0, 0x9f, 0x92]),
    ]);
    const r = await explain(['--format', 'json'], bytes);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { failures: { evidence: { line: number } }[]; linesRead: number };
    assert.equal(report.failures[0]!.evidence.line, 3);
    assert.equal(report.linesRead, 4);
  });

  test('a 50 MB noisy log with a 4 MB line runs in a 32 MB heap', async () => {
    const file = join(dir, 'huge.log');
    const out = createWriteStream(file);
    const noise = `2024-01-01T00:00:00.0000000Z #9 1.234 \x1b[32mcompiling github.com/some/pkg/internal/thing.go\x1b[0m ${'x'.repeat(60)}\n`;
    const block = noise.repeat(1000);
    let lines = 0;
    let bytes = 0;
    const write = (s: string) =>
      out.write(s) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
    await write(`${'y'.repeat(4 << 20)}\n`);
    lines++;
    while (bytes < 50 << 20) {
      await write(block);
      bytes += block.length;
      lines += 1000;
    }
    await write(`#12 3.456 ${GONE}\n`);
    lines++;
    await new Promise<void>((resolve) => out.end(resolve));
    const r = await explain([file, '--format', 'json'], undefined, ['--max-old-space-size=32']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { failures: { evidence: { line: number } }[]; linesRead: number };
    assert.equal(report.linesRead, lines);
    assert.equal(report.failures.length, 1);
    assert.equal(report.failures[0]!.evidence.line, lines);
  });

  test('an unknown --format is a usage error', async () => {
    const r = await explain(['--format', 'xml'], '');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /xml/);
  });
});
