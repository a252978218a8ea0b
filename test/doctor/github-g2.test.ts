import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expression as gh } from '../../src/doctor/parsers/ci/gh-expressions.js';
import { G2 } from '../../src/doctor/rules/github/g2-key-without-go-sum.js';
import { fixUntilStable, run, textAt } from './helpers/memory-project.js';

const OS = gh('runner.os');
const MODULE = { 'go.mod': 'module example.com/m\n', 'go.sum': 'x v1 h1:a=\n' };

function workflow(cacheWith: string): Record<string, string> {
  return {
    ...MODULE,
    '.github/workflows/ci.yml': `on: push # comment kept
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
${cacheWith}
      - run: go build ./...
`,
  };
}

test('G2: a constant key is reported at the key value and fixed to hash go.sum with a restore-key', () => {
  const files = workflow('          path: ~/go/pkg/mod\n          key: linux-gomod # old');
  const [finding, ...rest] = run(G2, files);
  assert.equal(rest.length, 0);
  assert.ok(finding);
  assert.deepEqual(finding.location.start, { line: 9, column: 16 });
  assert.equal(textAt(files, finding, 11), 'linux-gomod');
  assert.match(finding.message, /never changes/);
  const fixed = fixUntilStable(G2, files)['.github/workflows/ci.yml'];
  assert.match(fixed ?? '', /key: linux-gomod-\$\{\{ hashFiles\('\*\*\/go.sum'\) \}\} # old\n/);
  assert.match(fixed ?? '', /\n {10}restore-keys: linux-gomod-\n/);
  assert.match(fixed ?? '', /on: push # comment kept/);
});

test('G2: per-commit keys and go.mod-only keys are reported; go.sum and go.work.sum keys are not', () => {
  const cases: [string, boolean][] = [
    [`key: ${OS}-${gh('github.sha')}`, true],
    [`key: ${OS}-${gh("hashFiles('go.mod')")}`, true],
    [`key: ${OS}-${gh("hashFiles('**/go.sum')")}`, false],
    [`key: ${OS}-${gh("hashFiles('go.work.sum', 'tools/go.sum')")}`, false],
    [`key: ${OS}-${gh("hashFiles('**/*.sum')")}`, false],
  ];
  for (const [key, fires] of cases) {
    const findings = run(
      G2,
      workflow(
        `          path: |\n            ~/go/pkg/mod\n            ~/.cache/go-build\n          ${key}`,
      ),
    );
    assert.equal(findings.length, fires ? 1 : 0, key);
  }
});

test('G2: the per-commit key fix keeps the stable prefix and drops the commit', () => {
  const files = workflow(`          path: ~/go/pkg/mod\n          key: ${OS}-go-${gh('github.sha')}`);
  const fixed = fixUntilStable(G2, files)['.github/workflows/ci.yml'] ?? '';
  assert.match(fixed, /key: \$\{\{ runner.os \}\}-go-\$\{\{ hashFiles\('\*\*\/go.sum'\) \}\}\n/);
  assert.match(fixed, /restore-keys: \$\{\{ runner.os \}\}-go-\n/);
});

test('G2: caches of other things, and projects without go.sum, are not its business', () => {
  assert.deepEqual(run(G2, workflow('          path: ~/.npm\n          key: npm')), []);
  const files = workflow('          path: ~/go/pkg/mod\n          key: constant');
  delete files['go.sum'];
  assert.deepEqual(run(G2, files), []);
});

test('G2: a flow-style with: mapping is fixed with quoted values', () => {
  const files = {
    ...MODULE,
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache@v4\n        with: {path: /go/pkg/mod, key: gomod}\n',
  };
  const fixed = fixUntilStable(G2, files)['.github/workflows/ci.yml'] ?? '';
  assert.match(
    fixed,
    /with: \{path: \/go\/pkg\/mod, key: "gomod-\$\{\{ hashFiles\('\*\*\/go.sum'\) \}\}", restore-keys: gomod-\}/,
  );
  assert.deepEqual(run(G2, { ...files, '.github/workflows/ci.yml': fixed }), []);
});

test('G2: keys inherited through a YAML anchor are reported but not edited', () => {
  const files = {
    ...MODULE,
    '.github/workflows/ci.yml': `on: push
x-cache: &cache
  path: ~/go/pkg/mod
  key: gomod
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: *cache
`,
  };
  const [finding] = run(G2, files);
  assert.ok(finding);
  assert.deepEqual(finding.location.start, { line: 4, column: 8 });
  assert.equal(finding.fix, undefined);
});

test('G2: the fix keeps stable segments after a per-commit value, and drops the per-commit value', () => {
  const files = workflow(`          path: ~/go/pkg/mod\n          key: ${OS}-${gh('github.sha')}-gomod`);
  const fixed = fixUntilStable(G2, files)['.github/workflows/ci.yml'] ?? '';
  assert.ok(fixed.includes(`key: ${OS}-gomod-${gh("hashFiles('**/go.sum')")}\n`), fixed);
  assert.ok(fixed.includes(`restore-keys: ${OS}-gomod-\n`), fixed);
});
