import assert from 'node:assert/strict';
import { test } from 'node:test';
import { githubRules } from '../../src/doctor/rules/github/index.js';
import { gitlabRules } from '../../src/doctor/rules/gitlab/index.js';
import { memoryProject } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

/**
 * The CI snippets of the article this product answers, as written there (section 4.2's GitLab cache and
 * section 5's workflow), checked with every CI rule: the advice they give is what the rules must catch.
 */
const SEED_GITLAB = `cache:
  key: \${CI_PROJECT_PATH}-go-mod
  paths:
    - /go/pkg/mod/  # Go模块缓存路径
  policy: pull-push
`;

const SEED_WORKFLOW = `on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        go-version: [1.20, 1.21, '1.22']
    steps:
      - uses: actions/checkout@v4
      - name: Set up Go
        uses: actions/setup-go@v4
        with:
          go-version: \${{ matrix.go-version }}
      - name: Run linter
        uses: golangci/golangci-lint-action@v3
        with:
          version: v1.52
`;

function findings(files: Record<string, string>): string[] {
  const project = memoryProject({ ...GO_MODULE, ...files });
  return [...githubRules, ...gitlabRules].flatMap((rule) =>
    rule
      .check(project)
      .map((f) => `${f.ruleId} ${f.location.file}:${f.location.start.line}:${f.location.start.column}`),
  );
}

test("seed: the article's GitLab cache of /go/pkg/mod/ is L1, and the message says the advice is wrong", () => {
  assert.deepEqual(findings({ '.gitlab-ci.yml': SEED_GITLAB }), ['L1 .gitlab-ci.yml:4:7']);
  const project = memoryProject({ ...GO_MODULE, '.gitlab-ci.yml': SEED_GITLAB });
  const [l1] = gitlabRules[0]!.check(project);
  assert.match(l1?.message ?? '', /widespread advice, and it is wrong on GitLab/);
  assert.match(l1?.message ?? '', /not supported: outside build directory/);
});

test("seed: the article's workflow double-restores the module cache (G1) and never refreshes GOCACHE (G8)", () => {
  assert.deepEqual(findings({ '.github/workflows/ci.yml': SEED_WORKFLOW }), [
    'G1 .github/workflows/ci.yml:15:15',
    'G8 .github/workflows/ci.yml:11:15',
  ]);
});

test("seed: the article's GitLab cache with two jobs also uploads from every job (L6)", () => {
  const twoJobs = `${SEED_GITLAB}test:\n  script: [go test ./...]\nlint:\n  script: [go vet ./...]\n`;
  assert.deepEqual(findings({ '.gitlab-ci.yml': twoJobs }), [
    'L1 .gitlab-ci.yml:4:7',
    'L6 .gitlab-ci.yml:5:11',
  ]);
});
