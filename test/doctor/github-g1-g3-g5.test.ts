import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expression as gh } from '../../src/doctor/parsers/ci/gh-expressions.js';
import { G1 } from '../../src/doctor/rules/github/g1-double-go-cache.js';
import { G3 } from '../../src/doctor/rules/github/g3-restore-key-not-prefix.js';
import { G5 } from '../../src/doctor/rules/github/g5-matrix-shared-key.js';
import { fixUntilStable, run, textAt } from './helpers/memory-project.js';
import { oneJobWorkflow } from './helpers/workflow-text.js';

const SUM_KEY = `${gh('runner.os')}-go-${gh("hashFiles('**/go.sum')")}`;
const WF = '.github/workflows/ci.yml';

function setupGoThenCache(setupGo: string, cachePath: string): Record<string, string> {
  return oneJobWorkflow(`    steps:
      - uses: ${setupGo}
      - uses: actions/cache@v4
        with:
          path: ${cachePath}
          key: ${SUM_KEY}
`);
}

test('G1: setup-go v4+ default cache plus actions/cache on Go paths is reported at setup-go and fixed', () => {
  const files = setupGoThenCache('actions/setup-go@v5 # pinned', '~/go/pkg/mod');
  const [finding] = run(G1, files);
  assert.ok(finding);
  assert.equal(textAt(files, finding, 19), 'actions/setup-go@v5');
  assert.match(finding.message, /line 7/);
  const fixed = fixUntilStable(G1, files)[WF] ?? '';
  assert.match(fixed, /- uses: actions\/setup-go@v5 # pinned\n {8}with:\n {10}cache: false\n/);
});

test('G1: near misses: setup-go v3 (cache off by default), cache: false, non-Go cache paths', () => {
  assert.deepEqual(run(G1, setupGoThenCache('actions/setup-go@v3', '~/go/pkg/mod')), []);
  assert.deepEqual(run(G1, setupGoThenCache('actions/setup-go@v5', '~/.npm')), []);
  const off = oneJobWorkflow(`    steps:
      - uses: actions/setup-go@v5
        with: { cache: false }
      - uses: actions/cache@v4
        with: { path: ~/go/pkg/mod, key: k }
`);
  assert.deepEqual(run(G1, off), []);
});

test('G1: an explicit cache: true on setup-go v3 counts; the finding points at that value', () => {
  const files = oneJobWorkflow(`    steps:
      - uses: actions/setup-go@v3
        with:
          cache: true
      - uses: actions/cache/restore@v4
        with:
          path: \${{ steps.env.outputs.gomodcache }}
          key: k
`);
  const [finding] = run(G1, files);
  assert.ok(finding);
  assert.deepEqual(finding.location.start, { line: 8, column: 18 });
  assert.match(fixUntilStable(G1, files)[WF] ?? '', /cache: false\n/);
});

test('G1: golangci-lint-action before v5 without skip-pkg-cache conflicts with setup-go (the seed workflow)', () => {
  const files = oneJobWorkflow(`    steps:
      - uses: actions/setup-go@v4
        with:
          go-version: '1.22'
      - name: Run linter
        uses: golangci/golangci-lint-action@v3
        with:
          version: v1.52
`);
  const [finding] = run(G1, files);
  assert.ok(finding);
  assert.equal(textAt(files, finding, 30), 'golangci/golangci-lint-action@');
  const fixed = fixUntilStable(G1, files)[WF] ?? '';
  assert.match(fixed, /version: v1.52\n {10}skip-pkg-cache: true\n/);
  const v6 = oneJobWorkflow(
    '    steps:\n      - uses: actions/setup-go@v5\n      - uses: golangci/golangci-lint-action@v6\n',
  );
  assert.deepEqual(run(G1, v6), []);
});

test('G3: a restore-key behind a hash in the middle of the key is reported on its own line and reordered', () => {
  const files = oneJobWorkflow(`    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cache/go-build
          key: ${gh('runner.os')}-${gh("hashFiles('**/go.sum')")}-build-${gh('github.sha')}
          restore-keys: |
            ${gh('runner.os')}-build-
            ${gh('runner.os')}-
`);
  const findings = run(G3, files);
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0]?.location.start, { line: 11, column: 13 });
  const fixed = fixUntilStable(G3, files)[WF] ?? '';
  assert.ok(
    fixed.includes(`key: ${gh('runner.os')}-build-${gh("hashFiles('**/go.sum')")}-${gh('github.sha')}\n`),
    fixed,
  );
  assert.ok(
    fixed.includes(
      `restore-keys: |\n            ${gh('runner.os')}-build-\n            ${gh('runner.os')}-\n`,
    ),
  );
});

test('G3: near misses: prefixes, format() keys that cannot be judged, no restore-keys', () => {
  const cases = [
    `key: ${SUM_KEY}\n          restore-keys: ${gh('runner.os')}-go-`,
    `key: ${gh("format('{0}-go-{1}', runner.os, hashFiles('go.sum'))")}\n          restore-keys: ${gh('runner.os')}-go-`,
    `key: ${SUM_KEY}`,
  ];
  for (const keys of cases) {
    const files = oneJobWorkflow(
      `    steps:\n      - uses: actions/cache@v4\n        with:\n          path: x\n          ${keys}\n`,
    );
    assert.deepEqual(run(G3, files), [], keys);
  }
});

function matrixJob(matrix: string, steps: string): Record<string, string> {
  return {
    ...oneJobWorkflow(''),
    '.github/workflows/ci.yml': `on: push\njobs:\n  build:\n    runs-on: \${{ matrix.os }}\n    strategy:\n      matrix:\n${matrix}    steps:\n${steps}`,
  };
}

test('G5: a matrix dimension missing from an actions/cache key is reported and appended by the fix', () => {
  const files = matrixJob(
    '        os: [ubuntu-latest, macos-latest]\n        db: [pg, mysql]\n',
    `      - uses: actions/cache@v4\n        with:\n          path: ~/go/pkg/mod\n          key: ${SUM_KEY}\n`,
  );
  const [finding, ...rest] = run(G5, files);
  assert.equal(rest.length, 0);
  assert.ok(finding);
  assert.match(finding.message, /"db"/);
  assert.doesNotMatch(finding.message, /"os"/);
  const fixed = fixUntilStable(G5, files)[WF] ?? '';
  assert.ok(fixed.includes(`key: ${SUM_KEY}-${gh('matrix.db')}\n`), fixed);
});

test('G5: setup-go legs differing only in a dimension its key ignores are reported without a fix', () => {
  const files = matrixJob(
    "        go: ['1.22', '1.23']\n        include:\n          - tags: integration\n          - tags: unit\n",
    `      - uses: actions/setup-go@v5\n        with:\n          go-version: ${gh('matrix.go')}\n`,
  );
  const [finding] = run(G5, files);
  assert.ok(finding);
  assert.match(finding.message, /"tags"/);
  assert.equal(finding.fix, undefined);
});

test('G5: near misses: dims in the key (directly or via env), one-value dims, restore-only steps, no matrix', () => {
  const key = (k: string) =>
    `      - uses: actions/cache@v4\n        with:\n          path: ~/go/pkg/mod\n          key: ${k}\n`;
  assert.deepEqual(run(G5, matrixJob('        os: [a, b]\n', key(SUM_KEY))), []);
  assert.deepEqual(run(G5, matrixJob('        db: [pg]\n', key(SUM_KEY))), []);
  assert.deepEqual(run(G5, matrixJob('        db: [pg, my]\n', key(`${SUM_KEY}-${gh('matrix.db')}`))), []);
  const viaEnv = matrixJob('        db: [pg, my]\n', key(`${SUM_KEY}-${gh('env.DB')}`)).valueOf() as Record<
    string,
    string
  >;
  viaEnv[WF] = (viaEnv[WF] ?? '').replace('    steps:', `    env:\n      DB: ${gh('matrix.db')}\n    steps:`);
  assert.deepEqual(run(G5, viaEnv), []);
  const restoreOnly = key(SUM_KEY).replace('actions/cache@v4', 'actions/cache/restore@v4');
  assert.deepEqual(run(G5, matrixJob('        db: [pg, my]\n', restoreOnly)), []);
  assert.deepEqual(run(G5, oneJobWorkflow(`    steps:\n${key('k')}`)), []);
});
