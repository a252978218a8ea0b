import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { registerSecret, SECRET_KINDS } from '../helpers/secret-registry.js';
import { ARTIFACTS_ENV, CAPTURE_KINDS, type CaptureKind, recordOutput } from '../helpers/suite-artifacts.js';
import { coverageProblems, formatReport, scanArtifacts, secretForms } from './scanner.js';

/**
 * The scan after the suite finds a planted secret wherever and however it is written, says where without
 * printing it, and refuses to pass when it had too little to look at.
 */
describe('the suite-wide secret scan', () => {
  let dir: string;
  const suiteArtifacts = process.env[ARTIFACTS_ENV];

  beforeEach(async () => {
    // This process registers and captures into a directory of its own, not the suite's.
    dir = await mkdtemp(join(tmpdir(), 'modgate-scan-test-'));
    process.env[ARTIFACTS_ENV] = dir;
  });

  afterEach(async () => {
    if (suiteArtifacts === undefined) delete process.env[ARTIFACTS_ENV];
    else process.env[ARTIFACTS_ENV] = suiteArtifacts;
    await rm(dir, { recursive: true, force: true });
  });

  /** Something of every kind registered and captured, none of it a leak. */
  function cleanSuite(): void {
    for (const kind of SECRET_KINDS)
      registerSecret(kind, `${kind.replaceAll(' ', '-')}-${randomBytes(8).toString('hex')}`);
    for (const kind of Object.keys(CAPTURE_KINDS) as CaptureKind[])
      recordOutput(kind, 'clean', `a clean ${kind} capture`, {
        stdout: '{"msg":"listening"}\nsecond line\n',
      });
  }

  test('a clean suite passes, having looked at every kind of output', async () => {
    cleanSuite();
    const result = await scanArtifacts(dir);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(coverageProblems(result), []);
    assert.equal(result.secrets.length, SECRET_KINDS.length);
    assert.ok(result.looked.serve.lines > 0);
  });

  test('planted secrets are found as is, URL-encoded, and inside Basic and base64url, with file and line', async () => {
    cleanSuite();
    const token = `tok-${randomBytes(16).toString('base64url')}`;
    const password = `p@ss/${randomBytes(6).toString('hex')}`;
    const gitToken = `glpat-${randomBytes(9).toString('hex')}`;
    // Its base64 has + and /, so that the base64url form differs from the base64 one.
    const key = 'ssh-key-body/material??>>~~';
    registerSecret('client token', token);
    registerSecret('password in a URL', password);
    registerSecret('git token', gitToken);
    registerSecret('ssh private key', key);
    recordOutput('serve', 'leaky', 'a log', { stdout: `line 3\n{"msg":"auth","token":"${token}"}\n` });
    recordOutput('cli', 'leaky', 'an error', {
      stderr: `fetching https://ci:${encodeURIComponent(password)}@up/`,
    });
    const basic = Buffer.from(`x-access-token:${gitToken}`).toString('base64');
    recordOutput('responses', 'leaky', 'a body', { headers: `{"authorization":"Basic ${basic}"}` });
    const binary = randomBytes(64).filter((b) => b !== 0x0a);
    const blob = Buffer.concat([binary, Buffer.from(Buffer.from(key).toString('base64url'))]);
    recordOutput('stored', 'leaky', 'a binary file', { content: blob });

    const result = await scanArtifacts(dir);
    const found = result.findings.map((f) => [f.secret.kind, f.form, f.file.split('/')[1], f.line]);
    assert.deepEqual(
      found.sort(),
      [
        ['client token', 'as is', 'serve', 4],
        ['git token', 'base64', 'responses', 3],
        ['password in a URL', 'URL-encoded', 'cli', 3],
        ['ssh private key', 'base64url', 'stored', 3],
      ].sort(),
    );
    const report = formatReport(result, coverageProblems(result));
    assert.match(
      report,
      /LEAK: client token tok-\.\.\. \(\d+ characters\) from secret-scan\/scanner\.test, as is/,
    );
    for (const secret of [token, password, gitToken, key])
      assert.ok(!report.includes(secret), 'the report shows a secret');
  });

  test('a scan with nothing registered or captured fails, saying what is missing', async () => {
    const result = await scanArtifacts(dir);
    const problems = coverageProblems(result);
    assert.ok(problems.includes('no client token was registered by any test'), problems.join('\n'));
    assert.ok(problems.includes('no log line of `modgate serve` was captured'));
    assert.ok(problems.some((p) => p.startsWith('nothing was captured of the HTTP responses')));
    assert.match(formatReport(result, problems), /SCAN TOO THIN: no redis password was registered/);
  });

  test('one kind of output never captured is enough to fail', async () => {
    cleanSuite();
    await rm(join(dir, 'captured', 'go'), { recursive: true });
    assert.deepEqual(coverageProblems(await scanArtifacts(dir)), [
      `nothing was captured of the ${CAPTURE_KINDS.go}`,
    ]);
  });

  test('whatever bytes come before it, the base64 of a secret contains one of its forms', () => {
    const secret = `s-${randomBytes(11).toString('base64url')}`;
    const forms = secretForms(secret).map((f) => f.text);
    for (let before = 0; before < 7; before++) {
      const encoded = Buffer.concat([randomBytes(before), Buffer.from(secret), randomBytes(before % 3)]);
      for (const text of [encoded.toString('base64'), encoded.toString('base64url')])
        assert.ok(
          forms.some((f) => text.includes(f)),
          `offset ${before}`,
        );
    }
  });

  test('a secret too short to look for is refused where it is configured', () => {
    assert.throws(() => registerSecret('git token', 'abc'), /a git token of 3 characters is too short/);
  });
});
