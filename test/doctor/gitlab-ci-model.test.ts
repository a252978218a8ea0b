import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gitlabCi } from '../../src/doctor/parsers/ci/gitlab-ci.js';
import { L1 } from '../../src/doctor/rules/gitlab/l1-cache-outside-project.js';
import { L2 } from '../../src/doctor/rules/gitlab/l2-undefined-path-variable.js';
import { L3 } from '../../src/doctor/rules/gitlab/l3-go-dir-walked.js';
import { L6 } from '../../src/doctor/rules/gitlab/l6-every-job-pushes.js';
import { fixUntilStable, memoryProject, run } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

function ci(text: string) {
  const parsed = gitlabCi(memoryProject({ '.gitlab-ci.yml': text })).ci;
  assert.ok(parsed);
  return parsed;
}

const gitlab = (text: string) => ({ ...GO_MODULE, '.gitlab-ci.yml': text });

test('GitLab model: extends merges mappings deeply, later parents and the job win, hidden jobs do not run', () => {
  const model = ci(`.base:
  variables: { A: base, B: base }
  cache: { key: k, paths: [.go/pkg/mod/] }
.other:
  variables: { B: other }
job:
  extends: [.base, .other]
  variables: { C: job }
  cache: { policy: pull }
`);
  assert.deepEqual(
    model.jobs.map((j) => j.name),
    ['job'],
  );
  const job = model.jobs[0]!;
  assert.deepEqual(
    [...job.variables].map(([k, v]) => [k, v.value?.text]),
    [
      ['A', 'base'],
      ['B', 'other'],
      ['C', 'job'],
    ],
  );
  assert.equal(job.caches.length, 1);
  assert.equal(job.caches[0]?.policy, 'pull');
  assert.deepEqual(
    job.caches[0]?.paths.map((p) => p.text),
    ['.go/pkg/mod/'],
  );
  assert.equal(job.incomplete, false);
});

test('GitLab model: default: and top-level keys fill what a job lacks, unless inherit: turns them off', () => {
  const model = ci(`variables: { GOPATH: /go, OTHER: x }
default:
  cache: { paths: [/go/pkg/mod/] }
a:
  script: [go test]
b:
  inherit: { default: false, variables: [OTHER] }
  script: [go test]
c:
  cache: []
  script: [go test]
`);
  const [a, b, c] = model.jobs;
  assert.equal(a?.caches.length, 1);
  assert.equal(a?.variables.get('GOPATH')?.value?.text, '/go');
  assert.equal(b?.caches.length, 0);
  assert.deepEqual([...(b?.variables.keys() ?? [])], ['OTHER']);
  assert.equal(c?.caches.length, 0);
});

test('GitLab model: include:, unknown templates and extends cycles mark jobs incomplete instead of failing', () => {
  assert.equal(
    ci('include: [{ template: Go.gitlab-ci.yml }]\njob: { script: [x] }\n').jobs[0]?.incomplete,
    true,
  );
  assert.equal(ci('job: { extends: .from-include, script: [x] }\n').jobs[0]?.incomplete, true);
  const cycle = ci('.a: { extends: .b }\n.b: { extends: .a }\njob: { extends: .a, script: [x] }\n');
  assert.equal(cycle.jobs[0]?.incomplete, true);
});

test('L1: a cache in default: is reported once and fixed with top-level variables', () => {
  const files = gitlab(`# pipeline
default:
  image: golang:1.23
  cache:
    paths:
      - /go/pkg/mod/
      - /root/.cache/go-build/
      - /root/.npm/
a: { script: [go test ./...] }
b: { script: [go vet ./...] }
`);
  const findings = run(L1, files);
  assert.deepEqual(
    findings.map((f) => [f.location.start.line, Boolean(f.fix)]),
    [
      [6, true],
      [7, false],
      [8, false],
    ],
  );
  const fixed = fixUntilStable(L1, files)['.gitlab-ci.yml'] ?? '';
  assert.match(fixed, /- \.go\/pkg\/mod\/\n {6}- \.go\/cache\/\n {6}- \/root\/\.npm\/\n/);
  assert.match(
    fixed,
    /\nvariables:\n {2}GOPATH: \$CI_PROJECT_DIR\/\.go\n {2}GOCACHE: \$CI_PROJECT_DIR\/\.go\/cache\n$/,
  );
  assert.equal(run(L1, { ...files, '.gitlab-ci.yml': fixed }).length, 1, 'the npm path stays reported');
});

test('L1: a template cache is fixed in the template, variables overriding GOPATH inside the project are fine', () => {
  const files = gitlab(`.go-cache:
  variables:
    GOFLAGS: -mod=readonly
  cache:
    paths: ["$GOPATH/pkg/mod"]
test:
  extends: .go-cache
  variables: { GOPATH: /go }
  script: [go test ./...]
`);
  const [finding] = run(L1, files);
  assert.ok(finding);
  const fixed = fixUntilStable(L1, files)['.gitlab-ci.yml'] ?? '';
  assert.match(fixed, /GOFLAGS: -mod=readonly\n {4}GOPATH: \$CI_PROJECT_DIR\/\.go\n/);
  assert.match(fixed, /paths: \[\.go\/pkg\/mod\/\]/);
  const inside = gitlab(
    'variables: { GOPATH: $CI_PROJECT_DIR/.go }\nt: { cache: { paths: [$GOPATH/pkg/mod, ./.go/cache] } }\n',
  );
  assert.deepEqual(run(L1, inside), []);
});

test('L2: undefined variables are reported at the $; defined, predefined and included ones are not', () => {
  const files = gitlab(`t:\n  cache:\n    paths: ["\${GOMODCACHE}", "$CI_PROJECT_DIR/.go"]\n`);
  const [finding] = run(L2, files);
  assert.deepEqual(finding?.location.start, { line: 3, column: 14 });
  assert.match(finding?.message ?? '', /"\$\{GOMODCACHE\}" becomes ""/);
  const fixed = fixUntilStable(L2, files)['.gitlab-ci.yml'] ?? '';
  assert.match(fixed, /\n {2}variables:\n {4}GOMODCACHE: \$CI_PROJECT_DIR\/\.go\/pkg\/mod\n$/);
  assert.deepEqual(
    run(L2, gitlab('include: [{ local: vars.yml }]\nt: { cache: { paths: [$GOPATH/pkg/mod] } }\n')),
    [],
  );
  const custom = run(L2, gitlab('t: { cache: { paths: [$TOOL_HOME/x] } }\n'));
  assert.equal(custom.length, 1);
  assert.equal(custom[0]?.fix, undefined);
});

test('L3: a non-dot cache dir is renamed in variables and every cache path naming it', () => {
  const files = gitlab(`variables:
  GOPATH: "$CI_PROJECT_DIR/gocache"
  GOCACHE: \${CI_PROJECT_DIR}/gocache/build
t:
  cache:
    paths: [gocache/pkg/mod/, ./gocache/build, gocache-other/]
`);
  const [finding, ...rest] = run(L3, files);
  assert.equal(rest.length, 0);
  assert.deepEqual(finding?.location.start, { line: 2, column: 28 });
  const fixed = fixUntilStable(L3, files)['.gitlab-ci.yml'] ?? '';
  assert.match(
    fixed,
    /GOPATH: "\$CI_PROJECT_DIR\/\.gocache"\n {2}GOCACHE: \$\{CI_PROJECT_DIR\}\/\.gocache\/build\n/,
  );
  assert.match(fixed, /paths: \[\.gocache\/pkg\/mod\/, \.\/\.gocache\/build, gocache-other\/\]/);
  assert.deepEqual(run(L3, gitlab('variables: { GOPATH: $CI_PROJECT_DIR/_go }\nt: { script: [x] }\n')), []);
  assert.deepEqual(run(L3, gitlab('variables: { GOPATH: /go }\nt: { script: [x] }\n')), []);
});

test('L6: explicit pull policies, distinct keys and a single pusher are fine', () => {
  const ok = gitlab(`default:
  cache: { key: mods, paths: [.go/pkg/mod/], policy: pull }
fill: { script: [go mod download], cache: { key: mods, paths: [.go/pkg/mod/] } }
a: { script: [go test] }
b: { script: [go vet], cache: { key: lint, paths: [.cache/] } }
`);
  assert.deepEqual(run(L6, ok), []);
  const [finding, ...rest] = run(
    L6,
    gitlab('x: { script: [a], cache: { paths: [.go/] } }\ny: { script: [b], cache: { paths: [.go/] } }\n'),
  );
  assert.equal(rest.length, 1, 'one finding per cache written in the text');
  assert.match(
    finding?.message ?? '',
    /Jobs x, y all upload the cache "default" \(policy pull-push, GitLab's default\)/,
  );
});

test('GitLab model: a repeated key keeps the last value, as GitLab reads it', () => {
  const model = ci('test:\n  script: [a]\ntest:\n  script: [b]\n  cache: { paths: [x] }\n');
  assert.equal(model.jobs.length, 1);
  assert.equal(model.jobs[0]?.caches.length, 1);
});
