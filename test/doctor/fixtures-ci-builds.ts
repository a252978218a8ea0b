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
/** A service replacing a module with a sibling directory of the monorepo, built by CI with `context`. */
const monorepo = (context: string): Files => ({
  'services/api/Dockerfile': 'FROM golang:1.23\nCOPY . .\nRUN go build ./...\n',
  'services/api/go.mod':
    'module example.com/api\n\ngo 1.23\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../../lib\n',
  'services/api/go.sum': '',
  'lib/go.mod': 'module example.com/lib\n\ngo 1.23\n',
  '.github/workflows/image.yml': buildPush(
    `          context: ${context}\n          file: services/api/Dockerfile\n`,
  ),
});
/** A Dockerfile with a Go cache mount and the directive, so only the builder can make D5 fire. */
const mounting = (extra: Files): Files => ({
  Dockerfile:
    '# syntax=docker/dockerfile:1\nFROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
  ...MOD_SUM,
  ...extra,
});
/** A GitHub workflow with one job `image`: `jobKeys` go under the job, `steps` under its steps. */
const job = (jobKeys: string, steps: string, runsOn = 'ubuntu-latest') =>
  `on: push\njobs:\n  image:\n    runs-on: ${runsOn}\n${jobKeys}    steps:\n${steps}`;
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
      name: 'a root .dockerignore excluding go.sum adds nothing when the root context has no go.sum at all',
      files: service({
        '.dockerignore': '*.sum\n',
        '.github/workflows/image.yml': buildPush(
          '          context: .\n          file: services/api/Dockerfile\n',
        ),
      }),
      expect: 1,
      message: /with the repository root as the context, which has no go\.mod, go\.sum/,
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
  D8: [
    {
      name: 'CI builds a service from the repository root, whose node_modules is not ignored',
      files: { ...monorepo('.'), 'node_modules/left-pad/index.js': '' },
      expect: 1,
      message: /node_modules is not excluded by \.dockerignore/,
    },
    {
      name: 'near miss: the root .dockerignore excludes it',
      files: { ...monorepo('.'), 'node_modules/left-pad/index.js': '', '.dockerignore': 'node_modules\n' },
      expect: 0,
    },
    {
      name: 'near miss: CI builds from the service directory, which has no node_modules',
      files: { ...monorepo('services/api'), 'node_modules/left-pad/index.js': '' },
      expect: 0,
    },
  ],
  D10: [
    {
      name: 'a replacement in a sibling directory, with the service directory as the CI context',
      files: monorepo('services/api'),
      expect: 1,
      message: /replace example\.com\/lib => \.\.\/\.\.\/lib points outside the build context/,
    },
    {
      name: 'near miss: CI builds from the repository root, which holds both modules',
      files: monorepo('.'),
      expect: 0,
    },
  ],
  D5: [
    {
      name: 'a GitLab kaniko image, the Dockerfile not named',
      files: mounting({
        '.gitlab-ci.yml':
          'build:\n  image: gcr.io/kaniko-project/executor:debug\n  script:\n    - echo building\n',
      }),
      expect: 1,
      message:
        /job build builds images with kaniko \(gcr\.io\/kaniko-project\/executor:debug\), maybe Dockerfile; kaniko does not implement RUN --mount \(Dockerfile:3\)/,
    },
    {
      name: 'GitHub: the executor run by hand in a kaniko container',
      files: mounting({
        '.github/workflows/image.yml': job(
          '    container: gcr.io/kaniko-project/executor:v1.23.2-debug\n',
          '      - run: /kaniko/executor --context . --dockerfile Dockerfile --no-push\n',
        ),
      }),
      expect: 1,
      message:
        /^job image builds Dockerfile with kaniko \(gcr\.io\/kaniko-project\/executor:v1\.23\.2-debug\); kaniko does not/,
    },
    {
      name: 'GitHub: a docker:// kaniko step',
      files: mounting({
        '.github/workflows/image.yml': job(
          '',
          '      - uses: docker://gcr.io/kaniko-project/executor:v1.9.0\n        with:\n          args: --dockerfile=Dockerfile --context=. --no-push\n',
        ),
      }),
      expect: 1,
    },
    {
      name: 'near miss: kaniko builds another Dockerfile, one without mounts',
      files: mounting({
        'tools/Dockerfile': 'FROM golang:1.23\nRUN go version\n',
        '.gitlab-ci.yml':
          'build:\n  image:\n    name: gcr.io/kaniko-project/executor:debug\n  script:\n    - /kaniko/executor --context $CI_PROJECT_DIR/tools --dockerfile tools/Dockerfile\n',
      }),
      expect: 0,
    },
    {
      name: 'near miss: the kaniko fork with cache mounts switched on',
      files: mounting({
        '.gitlab-ci.yml':
          'build:\n  image: ghcr.io/osscontainertools/kaniko:debug\n  variables:\n    FF_KANIKO_RUN_MOUNT_CACHE: "true"\n  script:\n    - /kaniko/executor --context . --dockerfile Dockerfile\n',
      }),
      expect: 0,
    },
    {
      name: 'podman build on the ubuntu-22.04 runner (podman 3.4)',
      files: mounting({
        '.github/workflows/image.yml': job('', '      - run: podman build -t app .\n', 'ubuntu-22.04'),
      }),
      expect: 1,
      message: /invalid mount type "cache"/,
    },
    {
      name: "near miss: podman build in a container job on ubuntu-22.04 runs the container's podman",
      files: mounting({
        '.github/workflows/image.yml': job(
          '    container: quay.io/podman/stable:v5.2\n',
          '      - run: podman build -t app .\n',
          'ubuntu-22.04',
        ),
      }),
      expect: 0,
    },
    {
      name: 'GitLab podman 3 image with value flags before the context',
      files: mounting({
        '.gitlab-ci.yml':
          'build:\n  image: quay.io/podman/stable:v3.4.4\n  script:\n    - podman build --format docker -t app .\n',
      }),
      expect: 1,
    },
    {
      name: 'near miss: podman build on ubuntu-24.04 (podman 4.9)',
      files: mounting({
        '.github/workflows/image.yml': job('', '      - run: podman build -t app .\n', 'ubuntu-24.04'),
      }),
      expect: 0,
    },
    {
      name: 'redhat-actions/buildah-build on ubuntu-22.04 with a Containerfile',
      files: {
        Containerfile:
          '# syntax=docker/dockerfile:1\nFROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
        '.github/workflows/image.yml': job(
          '',
          '      - uses: redhat-actions/buildah-build@v2\n        with:\n          containerfiles: ./Containerfile\n',
          'ubuntu-22.04',
        ),
      },
      expect: 1,
    },
    {
      name: 'near miss: podman 3 has bind mounts, only cache mounts fail',
      files: {
        Dockerfile:
          '# syntax=docker/dockerfile:1\nFROM golang:1.23\nRUN --mount=type=bind,source=go.mod,target=go.mod go mod download\n',
        '.github/workflows/image.yml': job('', '      - run: podman build .\n', 'ubuntu-22.04'),
      },
      expect: 0,
    },
    {
      name: 'a GitLab podman 3 image',
      files: mounting({
        '.gitlab-ci.yml':
          'build:\n  image: quay.io/podman/stable:v3.4.4\n  script:\n    - podman build -t app .\n',
      }),
      expect: 1,
      message: /podman 3\.4 \(quay\.io\/podman\/stable:v3\.4\.4\)/,
    },
    {
      name: 'near miss: a GitLab buildah image with cache mounts (1.33)',
      files: mounting({
        '.gitlab-ci.yml':
          'build:\n  image: quay.io/buildah/stable:v1.33\n  script:\n    - buildah bud -t app .\n',
      }),
      expect: 0,
    },
  ],
};
