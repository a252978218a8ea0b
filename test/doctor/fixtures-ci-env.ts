/**
 * Fixture projects where the Go environment comes from CI files: GitHub `env:` at workflow, job and step level,
 * GitLab `variables:` at the top level, in templates and in jobs. fixtures.ts merges them into CASES.
 */

import type { Case } from './fixtures.js';
import type { Files } from './helpers.js';

const MOD_SUM = { 'go.mod': 'module example.com/app\n\ngo 1.23\n', 'go.sum': '' };
const gitlab = (yaml: string, extra: Files = {}): Files => ({ '.gitlab-ci.yml': yaml, ...MOD_SUM, ...extra });
const github = (yaml: string, extra: Files = {}): Files => ({
  '.github/workflows/ci.yml': yaml,
  ...MOD_SUM,
  ...extra,
});
/** A GitHub workflow with one job `build`; `jobEnv` and `steps` are YAML indented for their place. */
const workflow = (top: string, job: string, steps = '      - run: go build ./...\n') =>
  `on: push\n${top}jobs:\n  build:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;

export const CI_ENV_CASES: Record<string, Case[]> = {
  E1: [
    {
      name: 'GitLab top-level variables',
      files: gitlab('variables:\n  GOPROXY: https://goproxy.cn\nbuild:\n  script: go build ./...\n'),
      expect: 1,
      message: /^variables\.GOPROXY=https:\/\/goproxy\.cn has no `direct`/,
    },
    {
      name: 'GitLab top-level variables in a file with no jobs yet (flow style)',
      files: gitlab('variables: {GOPROXY: https://goproxy.cn}\n'),
      expect: 1,
    },
    {
      name: 'GitLab top-level variables seen by the jobs of an included file',
      files: gitlab(
        'include: ci/go.yml\nvariables:\n  GOPROXY: https://goproxy.cn\nlint:\n  variables:\n    GOPROXY: off\n  script: echo\n',
      ),
      expect: 1,
    },
    {
      name: 'near miss: GitLab GOPROXY with direct',
      files: gitlab('variables:\n  GOPROXY: https://goproxy.cn,direct\nbuild:\n  script: go build ./...\n'),
      expect: 0,
    },
    {
      name: 'GitLab: a job overrides a good global value with a bad one; only the job value is reported',
      files: gitlab(
        'variables:\n  GOPROXY: https://goproxy.cn,direct\nbuild:\n  variables:\n    GOPROXY: https://goproxy.io\n  script: go build ./...\n',
      ),
      expect: 1,
      message: /^build\.variables\.GOPROXY=https:\/\/goproxy\.io/,
    },
    {
      name: 'near miss: GitLab: every job overrides the global value',
      files: gitlab(
        'variables:\n  GOPROXY: https://goproxy.cn\nbuild:\n  variables:\n    GOPROXY: https://goproxy.cn,direct\n  script: go build ./...\n',
      ),
      expect: 0,
    },
    {
      name: 'GitLab: a template reached through extends',
      files: gitlab(
        '.go:\n  variables:\n    GOPROXY: https://goproxy.cn\nbuild:\n  extends: .go\n  script: go build ./...\n',
      ),
      expect: 1,
      message: /^\.go\.variables\.GOPROXY=/,
    },
    {
      name: 'near miss: GitLab: a template no job extends never runs',
      files: gitlab(
        '.go:\n  variables:\n    GOPROXY: https://goproxy.cn\nbuild:\n  script: go build ./...\n',
      ),
      expect: 0,
    },
    {
      name: 'near miss: GitLab: the job does not inherit the top-level variables',
      files: gitlab(
        'variables:\n  GOPROXY: https://goproxy.cn\nbuild:\n  inherit:\n    variables: false\n  script: go build ./...\n',
      ),
      expect: 0,
    },
    {
      name: 'GitLab: a $VAR the file defines is expanded',
      files: gitlab(
        'variables:\n  MIRROR: https://goproxy.cn\n  GOPROXY: $MIRROR\nbuild:\n  script: go build ./...\n',
      ),
      expect: 1,
      message: /GOPROXY=https:\/\/goproxy\.cn/,
    },
    {
      name: 'near miss: GitLab: a $VAR set in the project settings is not known here',
      files: gitlab('variables:\n  GOPROXY: $GOPROXY_MIRROR\nbuild:\n  script: go build ./...\n'),
      expect: 0,
    },
    {
      name: 'GitHub workflow env',
      files: github(workflow('env:\n  GOPROXY: https://goproxy.cn\n', '')),
      expect: 1,
      message: /^env\.GOPROXY=/,
    },
    {
      name: 'GitHub job env',
      files: github(workflow('', '    env:\n      GOPROXY: https://goproxy.cn\n')),
      expect: 1,
      message: /^jobs\.build\.env\.GOPROXY=/,
    },
    {
      name: 'near miss: GitHub expression',
      files: github(workflow('', '    env:\n      GOPROXY: ${{ vars.GOPROXY }}\n')),
      expect: 0,
    },
    {
      name: 'near miss: GitHub: an expression at job level hides the workflow value',
      files: github(
        workflow('env:\n  GOPROXY: https://goproxy.cn\n', '    env:\n      GOPROXY: ${{ secrets.PROXY }}\n'),
      ),
      expect: 0,
    },
    {
      name: 'near miss: GitHub: the only step overrides the workflow value',
      files: github(
        workflow(
          'env:\n  GOPROXY: https://goproxy.cn\n',
          '',
          '      - run: go build ./...\n        env:\n          GOPROXY: https://goproxy.cn,direct\n',
        ),
      ),
      expect: 0,
    },
    {
      name: 'GitHub: a step env applies to that step only, so the other step still sees the workflow value',
      files: github(
        workflow(
          'env:\n  GOPROXY: https://goproxy.cn\n',
          '',
          '      - run: go vet ./...\n      - run: go build ./...\n        env:\n          GOPROXY: https://goproxy.cn,direct\n',
        ),
      ),
      expect: 1,
      message: /^env\.GOPROXY=/,
    },
    {
      name: 'GitHub step env',
      files: github(
        workflow('', '', '      - run: go build ./...\n        env:\n          GOPROXY: https://p.example\n'),
      ),
      expect: 1,
      message: /^jobs\.build\.steps\[0\]\.env\.GOPROXY=/,
    },
  ],
  E2: [
    {
      name: 'GitLab proxies joined by a comma',
      files: gitlab(
        'variables:\n  GOPROXY: https://a.example,https://b.example,direct\nbuild:\n  script: go build ./...\n',
      ),
      expect: 1,
    },
    {
      name: 'near miss: GitLab proxies joined by a pipe',
      files: gitlab(
        'variables:\n  GOPROXY: https://a.example|https://b.example,direct\nbuild:\n  script: go build ./...\n',
      ),
      expect: 0,
    },
  ],
  E3: [
    {
      name: 'GitHub job behind a corporate proxy',
      files: github(workflow('', '    env:\n      HTTPS_PROXY: http://proxy.corp:3128\n')),
      expect: 1,
      message: /^jobs\.build\.env\.HTTPS_PROXY routes/,
    },
    {
      name: 'near miss: the same job sets GONOSUMDB',
      files: github(
        workflow('', '    env:\n      HTTPS_PROXY: http://proxy.corp:3128\n      GONOSUMDB: git.corp\n'),
      ),
      expect: 0,
    },
    {
      name: 'near miss: GitLab sets GOSUMDB from a project variable',
      files: gitlab(
        'variables:\n  HTTPS_PROXY: http://proxy.corp:3128\n  GOSUMDB: $SUMDB\nbuild:\n  script: go build ./...\n',
      ),
      expect: 0,
    },
  ],
  D12: [
    {
      name: 'private per the CI env, which the Docker build never receives',
      files: github(workflow('env:\n  GOPRIVATE: github.com/acme/*\n', ''), {
        Dockerfile: 'FROM golang:1.23\nRUN go mod download\n',
        'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire github.com/acme/secret v1.0.0\n',
      }),
      expect: 1,
      message: /private per env\.GOPRIVATE in \.github\/workflows\/ci\.yml/,
    },
    {
      name: 'near miss: a matching CI GOPRIVATE reaches the stage through ARG GOPRIVATE',
      files: gitlab(
        'variables:\n  GOPRIVATE: git.corp\nbuild:\n  script: docker build --build-arg GOPRIVATE .\n',
        {
          Dockerfile: 'FROM golang:1.23\nARG GOPRIVATE\nRUN go mod download\n',
          'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire git.corp/x v1.0.0\n',
        },
      ),
      expect: 0,
    },
    {
      name: 'near miss: the build passes GOPRIVATE as a build argument the stage declares',
      files: github(
        workflow(
          '',
          '',
          '      - uses: docker/build-push-action@v6\n        with:\n          build-args: GOPRIVATE=git.corp\n',
        ),
        {
          Dockerfile: 'FROM golang:1.23\nARG GOPRIVATE\nRUN go mod download\n',
          'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire git.corp/x v1.0.0\n',
        },
      ),
      expect: 0,
    },
    {
      name: 'near miss: build-push-action passes GOPRIVATE from a repository variable',
      files: github(
        workflow(
          '',
          '',
          '      - uses: docker/build-push-action@v6\n        with:\n          build-args: GOPRIVATE=${{ vars.GOPRIVATE }}\n',
        ),
        {
          Dockerfile: 'FROM golang:1.23\nARG GOPRIVATE\nRUN go mod download\n',
          'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire git.corp.internal/platform/auth v1.0.0\n',
        },
      ),
      expect: 0,
    },
    {
      name: 'near miss: GitLab hands on GOPRIVATE from a project variable the file does not set',
      files: gitlab('build:\n  script: docker build --build-arg GOPRIVATE .\n', {
        Dockerfile: 'FROM golang:1.23\nARG GOPRIVATE\nRUN go mod download\n',
        'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire git.corp.internal/platform/auth v1.0.0\n',
      }),
      expect: 0,
    },
    {
      name: 'an internal host the CI GOPRIVATE does not match',
      files: gitlab(
        'variables:\n  GOPRIVATE: git.other\nbuild:\n  script: docker build --build-arg GOPRIVATE .\n',
        {
          Dockerfile: 'FROM golang:1.23\nARG GOPRIVATE\nRUN go mod download\n',
          'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire git.corp/x v1.0.0\n',
        },
      ),
      expect: 1,
      message: /private per an internal host/,
    },
  ],
  D17: [
    {
      name: 'GitLab job that builds an image with a loopback proxy',
      files: gitlab(
        'build:\n  variables:\n    HTTPS_PROXY: http://127.0.0.1:7890\n  script: docker build -t app .\n',
        { Dockerfile: 'FROM golang:1.23\n' },
      ),
      expect: 1,
      message: /this job builds an image/,
    },
    {
      name: 'near miss: a loopback proxy for a job that only runs go on the runner',
      files: gitlab(
        'build:\n  variables:\n    HTTPS_PROXY: http://127.0.0.1:7890\n  script: go build ./...\n',
      ),
      expect: 0,
    },
    {
      name: 'GitHub: the build step has the loopback proxy',
      files: github(
        workflow(
          '',
          '',
          '      - uses: docker/build-push-action@v6\n        env:\n          HTTP_PROXY: http://localhost:3128\n',
        ),
        { Dockerfile: 'FROM golang:1.23\n' },
      ),
      expect: 1,
    },
    {
      name: 'a docker build --build-arg with a loopback proxy',
      files: gitlab(
        'build:\n  script: docker build --build-arg HTTPS_PROXY=http://127.0.0.1:7890 -t app .\n',
        {
          Dockerfile: 'FROM golang:1.23\n',
        },
      ),
      expect: 1,
      message: /^the build argument HTTPS_PROXY=http:\/\/127\.0\.0\.1:7890 points at 127\.0\.0\.1/,
    },
    {
      name: 'build-push-action build-args with a loopback proxy',
      files: github(
        workflow(
          '',
          '',
          '      - uses: docker/build-push-action@v6\n        with:\n          build-args: |\n            VERSION=1\n            http_proxy=http://localhost:3128\n',
        ),
        { Dockerfile: 'FROM golang:1.23\n' },
      ),
      expect: 1,
    },
    {
      name: "near miss: the GitLab build runs on the host network, where loopback is the runner's",
      files: gitlab(
        'build:\n  variables:\n    HTTPS_PROXY: http://127.0.0.1:7890\n  script: docker build --network host --build-arg HTTPS_PROXY -t app .\n',
        { Dockerfile: 'FROM golang:1.23\n' },
      ),
      expect: 0,
    },
    {
      name: 'near miss: build-push-action with network: host',
      files: github(
        workflow(
          '',
          '',
          '      - uses: docker/build-push-action@v6\n        with:\n          network: host\n          build-args: |\n            HTTPS_PROXY=http://127.0.0.1:3128\n',
        ),
        { Dockerfile: 'FROM golang:1.23\n' },
      ),
      expect: 0,
    },
    {
      name: 'near miss: a build argument that names the host gateway',
      files: gitlab(
        'build:\n  script: docker build --build-arg HTTPS_PROXY=http://host.docker.internal:7890 .\n',
        { Dockerfile: 'FROM golang:1.23\n' },
      ),
      expect: 0,
    },
    {
      name: 'near miss: GitHub: only a go step has it, the build step does not',
      files: github(
        workflow(
          '',
          '',
          '      - run: go test ./...\n        env:\n          HTTP_PROXY: http://localhost:3128\n      - uses: docker/build-push-action@v6\n',
        ),
        { Dockerfile: 'FROM golang:1.23\n' },
      ),
      expect: 0,
    },
  ],
  D19: [
    {
      name: 'GitLab GOFLAGS=-mod=mod in a workspace checkout',
      files: gitlab('variables:\n  GOFLAGS: -mod=mod\ntest:\n  script: go test ./...\n', {
        'go.work': 'go 1.23\n\nuse .\n',
      }),
      expect: 1,
      message: /^variables\.GOFLAGS=-mod=mod .* go\.work puts/,
    },
    {
      name: 'near miss: GOWORK=off next to it',
      files: gitlab('variables:\n  GOFLAGS: -mod=mod\n  GOWORK: "off"\ntest:\n  script: go test ./...\n', {
        'go.work': 'go 1.23\n\nuse .\n',
      }),
      expect: 0,
    },
    {
      name: 'near miss: no go.work',
      files: gitlab('variables:\n  GOFLAGS: -mod=mod\ntest:\n  script: go test ./...\n'),
      expect: 0,
    },
    {
      name: 'GitHub job env',
      files: github(workflow('', '    env:\n      GOFLAGS: -mod=mod -trimpath\n'), {
        'go.work': 'go 1.23\n\nuse .\n',
      }),
      expect: 1,
    },
    {
      name: 'near miss: the go step sets GOWORK=off; the checkout step runs no go',
      files: github(
        workflow(
          '',
          '    env:\n      GOFLAGS: -mod=mod\n',
          '      - uses: actions/checkout@v4\n      - run: go build ./...\n        env:\n          GOWORK: "off"\n',
        ),
        { 'go.work': 'go 1.23\n\nuse .\n' },
      ),
      expect: 0,
    },
    {
      name: 'near miss: the only go.work is in a subdirectory, which commands at the root never find',
      files: github(workflow('', '    env:\n      GOFLAGS: -mod=mod\n'), {
        'tools/go.mod': 'module example.com/tools\n',
        'tools/go.work': 'go 1.23\n\nuse .\n',
      }),
      expect: 0,
    },
  ],
};
