import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS_ENV } from '../test/helpers/suite-artifacts.js';
import { coverageProblems, formatReport, scanArtifacts } from '../test/secret-scan/scanner.js';

/**
 * `npm test`: the whole suite, then the secret scan over everything the suite captured of modgate's output
 * (logs, response bodies, the go command's output, stored files). Either failing fails the run. The scan's
 * directory is removed after a clean scan and kept, for a look, after a failed one.
 */
const artifacts = mkdtempSync(join(tmpdir(), 'modgate-test-artifacts-'));
const dist = join(import.meta.dirname, '..');
const suite = spawnSync(process.execPath, ['--test', '--test-timeout=180000', join(dist, 'test')], {
  stdio: 'inherit',
  env: { ...process.env, [ARTIFACTS_ENV]: artifacts },
});

const result = await scanArtifacts(artifacts);
const problems = coverageProblems(result);
process.stdout.write(`${formatReport(result, problems)}\n`);
const scanFailed = result.findings.length > 0 || problems.length > 0;
if (scanFailed) process.stdout.write(`secret scan FAILED; what it scanned is in ${artifacts}\n`);
else rmSync(artifacts, { recursive: true, force: true });
process.exitCode = suite.status !== 0 ? (suite.status ?? 1) : scanFailed ? 1 : 0;
