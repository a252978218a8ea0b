import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expression as gh } from '../../src/doctor/parsers/ci/gh-expressions.js';
import { G4 } from '../../src/doctor/rules/github/g4-wrong-cache-path.js';
import { G6 } from '../../src/doctor/rules/github/g6-setup-go-dependency-file.js';
import { G7 } from '../../src/doctor/rules/github/g7-setup-go-cold-bumps.js';
import { G8 } from '../../src/doctor/rules/github/g8-go-build-cache-growth.js';
import { G9 } from '../../src/doctor/rules/github/g9-windows-cache-drive.js';
import { G10 } from '../../src/doctor/rules/github/g10-release-cache-poisoning.js';
import { fixUntilStable, run, textAt } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

const WF = '.github/workflows/ci.yml';

function project(workflow: string, extra: Record<string, string> = GO_MODULE): Record<string, string> {
  return { ...extra, [WF]: workflow };
}

function job(runsOn: string, body: string, on = 'push'): string {
  return `on: ${on}\njobs:\n  j:\n    runs-on: ${runsOn}\n${body}`;
}

const cacheStep = (path: string, key = 'k') =>
  `      - uses: actions/cache@v4\n        with:\n          path: |\n            ${path}\n          key: ${key}\n`;

test('G4: env overrides and macOS defaults move the caches; the fix writes the path go uses', () => {
  const files = project(
    job('ubuntu-latest', `    env:\n      GOMODCACHE: /cache/mod\n    steps:\n${cacheStep('~/go/pkg/mod')}`),
  );
  const [finding] = run(G4, files);
  assert.equal(textAt(files, finding!, 12), '~/go/pkg/mod');
  assert.match(fixUntilStable(G4, files)[WF] ?? '', /\n {12}\/cache\/mod\n/);
  const mac = run(G4, project(job('macos-14', `    steps:\n${cacheStep('~/.cache/go-build')}`)));
  assert.match(mac[0]?.message ?? '', /~\/Library\/Caches\/go-build/);
});

test('G4: near misses: defaults on Linux, $HOME spelling, run-time paths, matrix runners', () => {
  for (const path of [
    '~/go/pkg/mod',
    '$HOME/go/pkg/mod/',
    '/home/runner/.cache/go-build',
    `${gh('steps.env.outputs.gomodcache')}`,
  ]) {
    assert.deepEqual(run(G4, project(job('ubuntu-latest', `    steps:\n${cacheStep(path)}`))), [], path);
  }
  assert.deepEqual(
    run(G4, project(job(gh('matrix.os'), `    steps:\n${cacheStep('~/.cache/go-build')}`))),
    [],
  );
});

test('G6: a cache-dependency-path that matches nothing is reported on its line; globs that match are fine', () => {
  const setupGo = (paths: string) =>
    job(
      'ubuntu-latest',
      `    steps:\n      - uses: actions/setup-go@v5\n        with:\n          cache-dependency-path: |\n${paths}`,
    );
  const files = project(setupGo('            api/go.sum\n            tools/go.sum\n'), {
    ...GO_MODULE,
    'api/go.sum': '',
  });
  const findings = run(G6, files);
  assert.deepEqual(
    findings.map((f) => textAt(files, f, 12)),
    ['tools/go.sum'],
  );
  assert.deepEqual(run(G6, project(setupGo('            **/go.sum\n'))), []);
});

test('G6: setup-go before v6.3 hashes go.sum, from v6.3 go.mod; a root file of that name is enough', () => {
  const setupGo = (ref: string) =>
    job('ubuntu-latest', `    steps:\n      - uses: actions/setup-go@${ref}\n`);
  const onlyMod = { 'go.mod': 'module m\n' };
  assert.equal(run(G6, project(setupGo('v5'), onlyMod)).length, 1);
  assert.deepEqual(run(G6, project(setupGo('v6.3.0'), onlyMod)), []);
  assert.deepEqual(run(G6, project(setupGo('v7'), onlyMod)), []);
  // A SHA pin is read through its version comment.
  assert.equal(
    run(G6, project(setupGo('0aaccfd150d50ccaeb58ebd88d36e91967a5f35b # v5.0.2'), onlyMod)).length,
    1,
  );
  assert.deepEqual(run(G6, project(setupGo('v5'), { 'README.md': 'not go' })), []);
});

test('G6: the fix lists every module go.sum, skipping vendored copies, as a block under with:', () => {
  const files = project(job('ubuntu-latest', '    steps:\n      - uses: actions/setup-go@v5\n'), {
    'a/go.mod': '',
    'a/go.sum': '',
    'b/go.sum': '',
    'a/vendor/x/go.sum': '',
  });
  const fixed = fixUntilStable(G6, files)[WF] ?? '';
  assert.match(
    fixed,
    /- uses: actions\/setup-go@v5\n {8}with:\n {10}cache-dependency-path: \|\n {12}a\/go.sum\n {12}b\/go.sum\n/,
  );
});

test('G7: only with a gomod Dependabot config or a Renovate config', () => {
  const wf = job('ubuntu-latest', '    steps:\n      - uses: actions/setup-go@v5\n');
  const npmOnly = '.github/dependabot.yml';
  assert.deepEqual(run(G7, { ...project(wf), [npmOnly]: 'updates:\n  - package-ecosystem: npm\n' }), []);
  assert.equal(run(G7, { ...project(wf), 'renovate.json': '{}' }).length, 1);
});

test('G8: per-run build cache keys, and setup-go without source files in its key', () => {
  const perRun = project(
    job('ubuntu-latest', `    steps:\n${cacheStep('~/.cache/go-build', `gobuild-${gh('github.run_id')}`)}`),
  );
  assert.equal(run(G8, perRun).length, 1);
  const sumKey = project(
    job(
      'ubuntu-latest',
      `    steps:\n${cacheStep('~/.cache/go-build', `gobuild-${gh("hashFiles('**/go.sum')")}`)}`,
    ),
  );
  assert.deepEqual(run(G8, sumKey), []);
  const withSources = job(
    'ubuntu-latest',
    "    steps:\n      - uses: actions/setup-go@v5\n        with:\n          cache-dependency-path: |\n            go.sum\n            '**/*.go'\n",
  );
  assert.deepEqual(run(G8, project(withSources)), []);
  assert.equal(
    run(G8, project(job('ubuntu-latest', '    steps:\n      - uses: actions/setup-go@v5\n'))).length,
    1,
  );
});

test('G9: Windows in runs-on or in the matrix; caches relocated by env or no Go cache are fine', () => {
  const setupGo = '    steps:\n      - uses: actions/setup-go@v5\n';
  const [finding] = run(G9, project(job('windows-2022', setupGo)));
  assert.deepEqual(finding?.location.start, { line: 4, column: 14 });
  const matrix = `    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n${setupGo}`;
  assert.equal(run(G9, project(job(gh('matrix.os'), matrix))).length, 1);
  const relocated = `    env:\n      GOCACHE: D:\\gocache\n${setupGo}`;
  assert.deepEqual(run(G9, project(job('windows-latest', relocated))), []);
  assert.deepEqual(run(G9, project(job('windows-latest', '    steps:\n      - run: go test ./...\n'))), []);
});

test('G10: release and tag workflows; push to branches is fine; actions/cache is reported without a fix', () => {
  const steps = `    steps:\n      - uses: actions/setup-go@v5\n        with: { cache: false }\n${cacheStep('~/go/pkg/mod')}`;
  const [finding, ...rest] = run(G10, project(job('ubuntu-latest', steps, 'release')));
  assert.equal(rest.length, 0);
  assert.equal(finding?.fix, undefined);
  assert.deepEqual(run(G10, project(job('ubuntu-latest', steps, '{ push: { branches: [main] } }'))), []);
  const setupGo = project(
    job('ubuntu-latest', '    steps:\n      - uses: actions/setup-go@v5\n', '[release]'),
  );
  assert.match(fixUntilStable(G10, setupGo)[WF] ?? '', /setup-go@v5\n {8}with:\n {10}cache: false\n/);
});
