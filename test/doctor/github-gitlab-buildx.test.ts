import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSteps } from '../../src/doctor/parsers/ci/build-steps.js';
import { D13 } from '../../src/doctor/rules/ci/d13-cache-mounts-not-exported.js';
import { D14 } from '../../src/doctor/rules/ci/d14-cache-mode-min.js';
import { D15 } from '../../src/doctor/rules/ci/d15-gha-cache-scope.js';
import { D16 } from '../../src/doctor/rules/ci/d16-docker-driver-cache-export.js';
import { fixUntilStable, memoryProject, run, textAt } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

const MOUNTED = `FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /app .
FROM scratch
COPY --from=build /app /app
`;
const LAYERED = MOUNTED.replace('COPY . .', 'COPY go.mod go.sum ./\nRUN go mod download\nCOPY . .');

function workflow(steps: string, runsOn = 'ubuntu-latest'): string {
  return `on: push\njobs:\n  image:\n    runs-on: ${runsOn}\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
}

const BUILD_PUSH = `      - uses: docker/build-push-action@v6
        with:
          file: build/Dockerfile
          cache-to: |
            type=registry,ref=ghcr.io/o/app:cache,mode=max
`;

test('build steps: build-push-action inputs and docker buildx build commands are read with offsets', () => {
  const files = {
    ...GO_MODULE,
    '.github/workflows/ci.yml': workflow(`${BUILD_PUSH}      - run: |
          docker buildx build \\
            --cache-from type=gha --cache-to "type=gha,mode=max,scope=api" \\
            -f services/api/Dockerfile services/api
`),
  };
  const steps = buildSteps(memoryProject(files));
  assert.deepEqual(
    steps.map((s) => [
      s.dockerfile,
      s.cacheTo.map((c) => [c.type, c.attrs.get('mode'), c.attrs.get('scope')]),
    ]),
    [
      ['build/Dockerfile', [['registry', 'max', undefined]]],
      ['services/api/Dockerfile', [['gha', 'max', 'api']]],
    ],
  );
  const spec = steps[1]!.cacheTo[0]!;
  assert.equal(files['.github/workflows/ci.yml'].slice(spec.start, spec.end), 'type=gha,mode=max,scope=api');
});

test('D13: GitLab docker:dind builds of a Dockerfile whose modules live only in cache mounts', () => {
  const files = {
    ...GO_MODULE,
    Dockerfile: MOUNTED,
    '.gitlab-ci.yml': `image-build:
  image: docker:27
  services: [docker:27-dind]
  script:
    - docker build -t app .
`,
  };
  const [finding] = run(D13, files);
  assert.ok(finding);
  assert.equal(textAt(files, finding, 12), 'docker build');
  assert.match(finding.message, /\/go\/pkg\/mod at line 4, \/root\/\.cache\/go-build at line 4/);
  assert.match(finding.message, /fresh docker:dind daemon/);
  assert.deepEqual(run(D13, { ...files, Dockerfile: LAYERED }), []);
});

test('D13: near misses: cache dance, self-hosted runners, Depot, no cache export, no Go cache mounts', () => {
  const base = { ...GO_MODULE, 'build/Dockerfile': MOUNTED };
  const wf = (text: string) => ({ ...base, '.github/workflows/ci.yml': text });
  assert.equal(run(D13, wf(workflow(BUILD_PUSH))).length, 1);
  const dance = '      - uses: reproducible-containers/buildkit-cache-dance@v3\n';
  assert.deepEqual(run(D13, wf(workflow(dance + BUILD_PUSH))), []);
  assert.deepEqual(run(D13, wf(workflow(BUILD_PUSH, '[self-hosted, linux]'))), []);
  assert.deepEqual(run(D13, wf(workflow(BUILD_PUSH.replace('docker/build-push', 'depot/build-push')))), []);
  assert.deepEqual(run(D13, wf(workflow('      - run: docker build -f build/Dockerfile .\n'))), []);
  const noMounts = { ...base, 'build/Dockerfile': 'FROM golang:1.23\nRUN go build ./...\n' };
  assert.deepEqual(run(D13, { ...noMounts, '.github/workflows/ci.yml': workflow(BUILD_PUSH) }), []);
});

test('D16: a registry cache export without a buildx builder; setup-buildx or buildx create first is fine', () => {
  const files = { ...GO_MODULE, '.github/workflows/ci.yml': workflow(BUILD_PUSH) };
  const [finding] = run(D16, files);
  assert.ok(finding);
  assert.equal(textAt(files, finding, 13), 'type=registry');
  const fixed = fixUntilStable(D16, files)['.github/workflows/ci.yml'] ?? '';
  assert.match(
    fixed,
    /- uses: actions\/checkout@v4\n {6}- name: Set up Docker Buildx\n {8}uses: docker\/setup-buildx-action@v4\n {6}- uses: docker\/build-push-action@v6\n/,
  );
  const created = workflow(
    '      - run: docker buildx create --use\n      - run: docker buildx build --cache-to type=gha .\n',
  );
  assert.deepEqual(run(D16, { ...GO_MODULE, '.github/workflows/ci.yml': created }), []);
  const inline = workflow('      - run: docker build --cache-to type=inline .\n');
  assert.deepEqual(run(D16, { ...GO_MODULE, '.github/workflows/ci.yml': inline }), []);
});

test('D16: an existing setup-buildx-action with driver: docker is switched to docker-container', () => {
  const steps = `      - uses: docker/setup-buildx-action@v4\n        with:\n          driver: docker # why not\n${BUILD_PUSH}`;
  const files = { ...GO_MODULE, '.github/workflows/ci.yml': workflow(steps) };
  const fixed = fixUntilStable(D16, files)['.github/workflows/ci.yml'] ?? '';
  assert.match(fixed, /driver: docker-container # why not\n/);
});

test('D16: GitLab scripts exporting to a registry without a buildx builder get a builder created first', () => {
  const files = {
    ...GO_MODULE,
    '.gitlab-ci.yml': `build:
  services: [docker:dind]
  script:
    - docker info
    - docker buildx build --cache-to type=registry,ref=$CI_REGISTRY_IMAGE:cache --push -t $CI_REGISTRY_IMAGE .
`,
  };
  const [finding] = run(D16, files);
  assert.match(finding?.advice ?? '', /docker buildx create --use --driver docker-container/);
  const fixed = fixUntilStable(D16, files)['.gitlab-ci.yml'] ?? '';
  assert.match(
    fixed,
    /- docker info\n {4}- docker buildx create --use --driver docker-container\n {4}- docker buildx build /,
  );
  const withBuilder = files['.gitlab-ci.yml'].replace(
    '  script:\n',
    '  before_script:\n    - docker buildx create --use\n  script:\n',
  );
  assert.deepEqual(run(D16, { ...files, '.gitlab-ci.yml': withBuilder }), []);
  const flow = files['.gitlab-ci.yml'].replace(
    /script:\n[\s\S]*$/,
    'script: [docker buildx build --cache-to type=gha .]\n',
  );
  assert.equal(
    run(D16, { ...files, '.gitlab-ci.yml': flow })[0]?.fix,
    undefined,
    'flow lists are not edited',
  );
});

test('D14: mode=min and inline exports of a multi-stage build; single-stage or mode=max builds are fine', () => {
  const withCache = (spec: string, dockerfile = LAYERED) => ({
    ...GO_MODULE,
    Dockerfile: dockerfile,
    '.gitlab-ci.yml': `b:\n  script:\n    - docker buildx create --use\n    - docker buildx build --cache-to ${spec} .\n`,
  });
  const [min] = run(D14, withCache('type=registry,ref=r/app:c,mode=min'));
  assert.equal(min?.fix?.edits[0]?.replacement, 'type=registry,ref=r/app:c,mode=max');
  const [inline] = run(D14, withCache('type=inline'));
  assert.ok(inline);
  assert.equal(inline.fix, undefined);
  assert.deepEqual(run(D14, withCache('type=registry,ref=r/app:c,mode=max')), []);
  assert.deepEqual(
    run(D14, withCache('type=registry,ref=r/app:c', 'FROM golang:1.23\nRUN go build ./...\n')),
    [],
  );
});

test('D15: two workflows exporting to gha without scopes are both reported; scoped or single builds are not', () => {
  const gha =
    '      - uses: docker/setup-buildx-action@v4\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,mode=max\n';
  const files = {
    ...GO_MODULE,
    '.github/workflows/a.yml': workflow(gha),
    '.github/workflows/b.yml': workflow(gha),
  };
  assert.equal(run(D15, files).length, 2);
  assert.deepEqual(run(D15, { ...GO_MODULE, '.github/workflows/a.yml': workflow(gha) }), []);
  const fixed = fixUntilStable(D15, files);
  assert.match(fixed['.github/workflows/a.yml'] ?? '', /cache-to: type=gha,mode=max,scope=a-image\n/);
});

test('D16: a self-hosted runner still has the docker driver by default; Depot builders export caches', () => {
  const selfHosted = { ...GO_MODULE, '.github/workflows/ci.yml': workflow(BUILD_PUSH, '[self-hosted]') };
  assert.equal(run(D16, selfHosted).length, 1);
  const depot = workflow(BUILD_PUSH.replace('docker/build-push-action', 'depot/build-push-action'));
  assert.deepEqual(run(D16, { ...GO_MODULE, '.github/workflows/ci.yml': depot }), []);
});
