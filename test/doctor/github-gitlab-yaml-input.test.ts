import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYamlFile } from '../../src/doctor/parsers/ci/yaml-file.js';
import { I3 } from '../../src/doctor/rules/ci/i3-unparsable-ci-file.js';
import { G1 } from '../../src/doctor/rules/github/g1-double-go-cache.js';
import { G2 } from '../../src/doctor/rules/github/g2-key-without-go-sum.js';
import { L1 } from '../../src/doctor/rules/gitlab/l1-cache-outside-project.js';
import { fixUntilStable, memoryProject, run } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

function laughs(levels: number): string {
  let text = 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < levels; i++)
    text += `l${i}: &l${i} [${Array(10)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return text;
}

test('CI YAML: an alias bomb is refused before it expands, and reported', () => {
  const file = parseYamlFile('.gitlab-ci.yml', laughs(9));
  assert.equal(file.root, undefined);
  assert.match(file.problem?.message ?? '', /refused: .*alias/i);
  const [finding] = run(I3, { '.gitlab-ci.yml': laughs(9) });
  assert.match(finding?.message ?? '', /did not check \.gitlab-ci\.yml: refused/);
  // A few aliases, as real files use them, are fine.
  assert.ok(parseYamlFile('.gitlab-ci.yml', laughs(2)).root);
});

test('CI YAML: invalid syntax, duplicate keys, lists, several documents, empty and huge files are reported', () => {
  const cases: [string, RegExp, number][] = [
    ['jobs:\n  a: [1, 2\n', /invalid YAML/, 3],
    ['a: 1\na: 2\n', /invalid YAML: .*unique/i, 2], // as GitHub reads workflows
    ['- a\n- b\n', /not a mapping/, 1],
    ['a: 1\n---\nb: 2\n', /several YAML documents/, 1],
    ['', /empty|not a mapping/, 1],
    [`a: "${'x'.repeat(3 * 1024 * 1024)}"\n`, /longer than/, 1],
    // Deep nesting is refused before the recursive parser can exhaust the stack.
    [`a: ${'['.repeat(5000)}${']'.repeat(5000)}`, /nested deeper than 100/, 1],
    [`a: ${'{b: '.repeat(150)}1${'}'.repeat(150)}`, /nested deeper than 100/, 1],
    [Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'), /nested deeper than 100/, 1],
    [`a:\n  ${'- '.repeat(150)}x\n`, /nested deeper than 100/, 1],
  ];
  for (const [text, message, line] of cases) {
    const file = parseYamlFile('.github/workflows/ci.yml', text);
    assert.equal(file.root, undefined, text.slice(0, 40));
    assert.match(file.problem?.message ?? '', message);
    const [finding] = run(I3, { '.github/workflows/ci.yml': text });
    assert.equal(finding?.location.start.line, line, text.slice(0, 40));
  }
});

test('CI YAML: a GitLab spec: header document is skipped and the jobs after it are read', () => {
  const text =
    'spec:\n  inputs:\n    stage: {default: test}\n---\ntest:\n  cache:\n    paths: [/go/pkg/mod]\n';
  const [finding] = run(L1, { ...GO_MODULE, '.gitlab-ci.yml': text });
  assert.deepEqual(finding?.location.start, { line: 7, column: 13 });
  assert.deepEqual(run(I3, { '.gitlab-ci.yml': text }), []);
});

test('CI YAML: files that are not text (text() undefined) are skipped by the CI rules without crashing', () => {
  const project = memoryProject({ ...GO_MODULE, '.gitlab-ci.yml': 'x' });
  const binary = { ...project, text: (f: string) => (f === '.gitlab-ci.yml' ? undefined : project.text(f)) };
  assert.deepEqual(L1.check(binary), []);
  assert.deepEqual(I3.check(binary), []);
});

test('CI YAML: anchors and merge keys are followed, and findings point where the text is', () => {
  const workflow = `on: push
x-steps:
  cache-with: &cache-with
    path: ~/go/pkg/mod
    key: fixed
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          <<: *cache-with
          restore-keys: fixed-
`;
  const files = { ...GO_MODULE, '.github/workflows/ci.yml': workflow };
  const [finding] = run(G2, files);
  assert.deepEqual(finding?.location.start, { line: 5, column: 10 });
  // The anchor is shared with any other user of it: the fix overrides the key in the merging mapping.
  const fixed = fixUntilStable(G2, files)['.github/workflows/ci.yml'] ?? '';
  assert.match(fixed, /key: fixed\n/);
  assert.match(fixed, /restore-keys: fixed-\n {10}key: fixed-\$\{\{ hashFiles/);
});

test('CI YAML: line:col count UTF-16 columns after non-ASCII text and CRLF line ends', () => {
  const text = '# café ☕\r\ntest:\r\n  cache:\r\n    paths: ["😀", /go/pkg/mod/]\r\n';
  const [finding] = run(L1, { ...GO_MODULE, '.gitlab-ci.yml': text });
  assert.deepEqual(finding?.location.start, { line: 4, column: 19 });
});

test('CI YAML: ordinary brackets in scripts and moderately nested files are not mistaken for deep nesting', () => {
  const script = Array.from({ length: 300 }, () => '          if [ -f a ]; then echo "x[1]{2}"; fi').join(
    '\n',
  );
  const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${script}\n      - run: ${'['.repeat(3)}x${']'.repeat(3)}\n`;
  assert.equal(parseYamlFile('.github/workflows/ci.yml', text).problem, undefined);
});

test('CI YAML: fixes in CRLF files write CRLF line ends and keep the file valid', () => {
  const crlf = (text: string) => text.replace(/\n/g, '\r\n');
  const workflow = crlf(
    'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n      - uses: actions/cache@v4\n        with:\n          path: ~/go/pkg/mod\n          key: k\n',
  );
  const gitlab = crlf('test:\n  cache:\n    paths:\n      - /go/pkg/mod/\n  script:\n    - go test ./...\n');
  const fixed = {
    ...fixUntilStable(G1, { ...GO_MODULE, '.github/workflows/ci.yml': workflow }),
    ...fixUntilStable(L1, { ...GO_MODULE, '.gitlab-ci.yml': gitlab }),
  };
  for (const file of ['.github/workflows/ci.yml', '.gitlab-ci.yml']) {
    const text = fixed[file] ?? '';
    assert.notEqual(text, file === '.gitlab-ci.yml' ? gitlab : workflow, `${file} was not fixed`);
    assert.doesNotMatch(text, /[^\r]\n/, `${file} has a bare LF:\n${JSON.stringify(text)}`);
    assert.ok(parseYamlFile(file, text).root, file);
  }
  assert.match(fixed['.github/workflows/ci.yml'] ?? '', /setup-go@v5\r\n {8}with:\r\n {10}cache: false\r\n/);
});
