/**
 * Fixture projects where CI says how an image is built: the build context of docker/build-push-action and
 * `docker build` (D7) and the builder (D5). fixtures.ts merges them into CASES.
 */
import type { Case } from './fixtures.js';
import type { Files } from './helpers.js';

const MOD_SUM = { 'go.mod': 'module example.com/api\n\ngo 1.23\n', 'go.sum': '' };
/** A service in services/api whose Dockerfile copies go.mod and go.sum relative to its own directory. */
const service = (extra: Files): Files => ({
  'services/api/Dockerfile': 'FROM golang:1.23\nCOPY go.mod go.sum ./\nRUN go mod download\n',
  'services/api/go.mod': MOD_SUM['go.mod'],
  'services/api/go.sum': '',
  ...extra,
});
const buildPush = (inputs: string) =>
  `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n${inputs}`;

export const CI_BUILD_CASES: Record<string, Case[]> = {
  D7: [
    {
      name: 'build-push-action builds a service Dockerfile with the repository root as context',
      files: service({
        '.github/workflows/image.yml': buildPush(
          '          context: .\n          file: services/api/Dockerfile\n',
        ),
      }),
      expect: 1,
      message:
        /job image builds services\/api\/Dockerfile with the repository root as the context, which has no go\.mod, go\.sum/,
    },
    {
      name: 'near miss: the context is the service directory',
      files: service({
        '.github/workflows/image.yml': buildPush(
          '          context: services/api\n          file: services/api/Dockerfile\n',
        ),
      }),
      expect: 0,
    },
    {
      name: 'GitLab docker build with the wrong context',
      files: service({
        '.gitlab-ci.yml': 'api-image:\n  script:\n    - docker build -f services/api/Dockerfile -t api .\n',
      }),
      expect: 1,
      message: /job api-image builds .* as the context/,
    },
    {
      name: 'near miss: GitLab docker build with the service directory as context',
      files: service({
        '.gitlab-ci.yml':
          'api-image:\n  script:\n    - docker build -f services/api/Dockerfile services/api\n',
      }),
      expect: 0,
    },
    {
      name: 'near miss: a context set by an expression is not judged, the assumed one holds go.mod',
      files: service({
        '.github/workflows/image.yml': buildPush(
          '          context: ${{ matrix.dir }}\n          file: services/api/Dockerfile\n',
        ),
      }),
      expect: 0,
    },
    {
      name: 'near miss: a root-relative COPY resolves against the root context CI uses',
      files: {
        'services/api/Dockerfile': 'FROM golang:1.23\nCOPY services/api/go.mod services/api/go.sum ./\n',
        'services/api/go.mod': MOD_SUM['go.mod'],
        'services/api/go.sum': '',
        '.github/workflows/image.yml': buildPush('          file: services/api/Dockerfile\n'),
      },
      expect: 0,
    },
    {
      name: 'the .dockerignore of the context CI uses excludes go.sum',
      files: service({
        'services/api/.dockerignore': '*.sum\n',
        '.github/workflows/image.yml': buildPush(
          '          context: services/api\n          file: services/api/Dockerfile\n',
        ),
      }),
      expect: 1,
      message: /go\.sum is excluded from the build context by services\/api\/\.dockerignore:1/,
    },
  ],
};
