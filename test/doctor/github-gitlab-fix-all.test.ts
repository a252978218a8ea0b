import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYamlFile } from '../../src/doctor/parsers/ci/yaml-file.js';
import { githubRules } from '../../src/doctor/rules/github/index.js';
import { gitlabRules } from '../../src/doctor/rules/gitlab/index.js';
import { fixUntilStable, run } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

const RULES = [...githubRules, ...gitlabRules];

/** Many mistakes at once, so fixes of different rules meet in the same mappings. */
const MESSY = {
  ...GO_MODULE,
  '.github/workflows/release.yml': `# Release pipeline
on:
  push:
    tags: ['v*'] # releases
jobs:
  release:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        target: [linux, darwin]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
      - uses: actions/cache@v4
        with:
          path: |
            ~/go/pkg/mod
            ~/.cache/go-build
          key: \${{ runner.os }}-\${{ github.sha }}-go
          restore-keys: \${{ runner.os }}-go-
      - uses: docker/build-push-action@v6
        with:
          cache-to: type=gha
`,
  '.gitlab-ci.yml': `# GitLab pipeline
default:
  image: golang:1.23
  cache:
    paths:
      - /go/pkg/mod/   # module cache
      - $GOCACHE
test:
  variables:
    GOFLAGS: -mod=readonly
  script: [go test ./...]
`,
};

test('all CI rules fixed together: the fixes converge, keep comments and YAML valid, and a second pass changes nothing', () => {
  const before = RULES.flatMap((rule) => run(rule, MESSY)).map((f) => f.ruleId);
  for (const id of ['G1', 'G2', 'G3', 'G5', 'G10', 'D16', 'L1', 'L2'])
    assert.ok(before.includes(id), `${id} in ${before}`);
  const fixed = fixUntilStable(RULES, MESSY);
  for (const file of ['.github/workflows/release.yml', '.gitlab-ci.yml']) {
    const text = fixed[file] ?? '';
    assert.equal(parseYamlFile(file, text).problem, undefined, text);
    assert.match(text, /^# (Release|GitLab) pipeline\n/);
  }
  assert.match(fixed['.github/workflows/release.yml'] ?? '', /tags: \['v\*'\] # releases\n/);
  assert.match(fixed['.gitlab-ci.yml'] ?? '', /- \.go\/pkg\/mod\/ {3}# module cache\n/);
  assert.deepEqual(fixUntilStable(RULES, fixed), fixed);
  const left = RULES.flatMap((rule) => run(rule, fixed));
  assert.deepEqual(
    left.filter((f) => f.fix),
    [],
  );
});
