/** Where the CI halves of D7 and D5 point: at the `context:` value, the build command or the builder image. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildContext } from '../../src/doctor/parsers/ci/shell-commands.js';
import { findingsOf } from './helpers.js';

const service = {
  'services/api/Dockerfile': 'FROM golang:1.23\nCOPY go.mod go.sum ./\n',
  'services/api/go.mod': 'module example.com/api\n',
  'services/api/go.sum': '',
};

describe('CI builds', () => {
  test('D7 points at the context: input and names the directory that works', () => {
    const workflow =
      'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          file: services/api/Dockerfile\n';
    const [d7, ...rest] = findingsOf('D7', { ...service, '.github/workflows/image.yml': workflow });
    assert.deepEqual(rest, []);
    assert.deepEqual(d7?.location, {
      file: '.github/workflows/image.yml',
      start: { line: 8, column: 20 },
      end: { line: 8, column: 21 },
    });
    assert.match(d7!.advice, /`context: services\/api`/);
  });

  test('D7 points at a docker build command, continued lines included', () => {
    const gitlab = 'api:\n  script:\n    - >-\n      docker build\n      -f services/api/Dockerfile .\n';
    const [d7] = findingsOf('D7', { ...service, '.gitlab-ci.yml': gitlab });
    assert.deepEqual(d7?.location.start, { line: 4, column: 7 });
    assert.match(d7!.advice, /`services\/api` as the last argument of docker build/);
  });

  test('D5 points at the kaniko command', () => {
    const gitlab =
      'image-build:\n  image: gcr.io/kaniko-project/executor:debug\n  script:\n    - /kaniko/executor --context . --dockerfile Dockerfile --no-push\n';
    const [d5] = findingsOf('D5', {
      Dockerfile:
        '# syntax=docker/dockerfile:1\nFROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
      '.gitlab-ci.yml': gitlab,
    });
    assert.deepEqual(d5?.location.start, { line: 4, column: 7 });
    assert.equal(d5?.fix, undefined);
  });
});

describe('the context argument of a build command, read with the shell quoting CI scripts use', () => {
  const docker = /\bdocker\s+(?:buildx\s+)?build\b/;
  const podman = /\bpodman\s+(?:image\s+)?build\b/;
  const cases: Array<[string, RegExp, string]> = [
    ['docker build -f Dockerfile .', docker, '.'],
    [
      'docker buildx build --file Dockerfile --tag "ghcr.io/${{ github.repository }}:${{ github.sha }}" --push .',
      docker,
      '.',
    ],
    ['docker build -t ghcr.io/${{ github.repository }}:${{ github.sha }} -f Dockerfile app', docker, 'app'],
    ['docker build -t app:$(git rev-parse --short HEAD) -f Dockerfile .', docker, '.'],
    ['docker build -f Dockerfile --build-arg BUILD_DATE=$(date -u +"%Y-%m-%dT%H:%M:%SZ") .', docker, '.'],
    ['docker build -t app:`git rev-parse HEAD` services/api', docker, 'services/api'],
    ['docker build --label "org.opencontainers.image.title=My app" -f Dockerfile .', docker, '.'],
    ['docker build -f Dockerfile "."', docker, '.'],
    ['docker build -f Dockerfile -t app .; docker push app', docker, '.'],
    ['docker build -f Dockerfile -t app services/api && docker push app', docker, 'services/api'],
    ['docker build --network host -t app .', docker, '.'],
    ['podman build --format docker -t x app', podman, 'app'],
    ['podman build --manifest img app', podman, 'app'],
  ];
  for (const [command, pattern, context] of cases) {
    test(command, () => assert.equal(buildContext(command, pattern), context));
  }
});
