/**
 * Fixture projects per rule beyond the docs examples (which docs.test.ts runs): more ways to trigger each rule,
 * and near misses that must not. rules.test.ts checks the counts; fix.test.ts runs --fix over all of them.
 */
import type { ProjectOptions } from '../../src/doctor/project.js';
import { CI_BUILD_CASES } from './fixtures-ci-builds.js';
import { CI_ENV_CASES } from './fixtures-ci-env.js';
import type { Files } from './helpers.js';

export interface Case {
  name: string;
  files: Files;
  options?: ProjectOptions;
  /** How many findings of the rule. */
  expect: number;
  /** A fragment every finding's message contains. */
  message?: RegExp;
}

const GOMOD = 'module example.com/app\n\ngo 1.23\n';
const MOD_SUM = { 'go.mod': GOMOD, 'go.sum': '' };
const df = (text: string, extra: Files = {}): Files => ({ Dockerfile: text, ...MOD_SUM, ...extra });

const DOCKER_CASES: Record<string, Case[]> = {
  D1: [
    {
      name: 'a parent stage copies everything, a child stage builds: reported once, at the COPY',
      files: df('FROM golang:1.23 AS src\nCOPY . .\nFROM src\nRUN go build\nRUN go test ./...\n'),
      expect: 1,
    },
    { name: 'ADD . too', files: df('FROM golang:1.23\nADD . /src\nRUN go build\n'), expect: 1 },
    {
      name: 'near miss: a vendored module (go 1.14+, vendor/modules.txt) builds without downloading',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go build\n', {
        'vendor/modules.txt': '# example.com/dep v1.0.0\n',
      }),
      expect: 0,
    },
    {
      name: 'a vendored module built with -mod=mod downloads after all',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go build -mod=mod\n', {
        'vendor/modules.txt': '# example.com/dep v1.0.0\n',
      }),
      expect: 1,
    },
    {
      name: 'near miss: COPY --from another stage is not the context',
      files: df('FROM golang:1.23\nCOPY --from=deps . .\nRUN go build\n'),
      expect: 0,
    },
    {
      name: 'near miss: the download ran in the parent stage',
      files: df(
        'FROM golang:1.23 AS deps\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM deps\nCOPY . .\nRUN go build\n',
      ),
      expect: 0,
    },
    {
      name: 'near miss: no go command after the copy',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go version\n'),
      expect: 0,
    },
  ],
  D2: [
    {
      name: 'go build needs both caches',
      files: df('FROM golang:1.23\nRUN go build\n'),
      expect: 1,
      message: /GOMODCACHE \(\/go\/pkg\/mod\) and GOCACHE \(\/root\/\.cache\/go-build\)/,
    },
    {
      name: 'near miss: go version and go env touch no cache',
      files: df('FROM golang:1.23\nRUN go version && go env\n'),
      expect: 0,
    },
    {
      name: 'near miss: -mod=vendor never uses the module cache',
      files: df(
        'FROM golang:1.23\nRUN --mount=type=cache,target=/root/.cache/go-build go build -mod=vendor\n',
      ),
      expect: 0,
    },
    {
      name: 'near miss: a relative target resolves against WORKDIR',
      files: df(
        'FROM golang:1.23\nENV GOMODCACHE=/src/.modcache\nWORKDIR /src\nRUN --mount=type=cache,target=.modcache go mod download\n',
      ),
      expect: 0,
    },
  ],
  D3: [
    {
      name: 'USER moves HOME, so /root/.cache/go-build is the wrong GOCACHE',
      files: df(
        'FROM golang:1.23\nUSER app\nRUN --mount=type=cache,target=/go/pkg/mod,uid=1000 --mount=type=cache,target=/root/.cache/go-build,uid=1000 go build\n',
      ),
      expect: 1,
      message: /GOCACHE in this RUN is \/home\/app\/\.cache\/go-build/,
    },
    {
      name: 'go env -w GOMODCACHE moves the module cache',
      files: df(
        'FROM golang:1.23\nRUN go env -w GOMODCACHE=/mods\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
      ),
      expect: 1,
    },
    {
      name: 'near miss: the mount target uses the variable',
      files: df(
        'FROM golang:1.23\nENV GOMODCACHE=/mods\nRUN --mount=type=cache,target=${GOMODCACHE} go mod download\n',
      ),
      expect: 0,
    },
  ],
  D4: [
    {
      name: 'a named user: reported, without a fix',
      files: df('FROM golang:1.23\nUSER app\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n'),
      expect: 1,
    },
    {
      name: 'near miss: back to root',
      files: df(
        'FROM golang:1.23\nUSER app\nUSER root\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
      ),
      expect: 0,
    },
  ],
  D5: [
    {
      name: 'Railway rejects cache mounts without id',
      files: df(
        '# syntax=docker/dockerfile:1\nFROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
        {
          'railway.toml': '',
        },
      ),
      expect: 1,
      message: /Railway/,
    },
    {
      name: 'near miss: no mounts, no directive needed',
      files: df('FROM golang:1.23\nRUN go mod download\n'),
      expect: 0,
    },
  ],
  D6: [
    {
      name: 'go.sum* makes go.sum optional',
      files: df('FROM golang:1.23\nCOPY go.mod go.sum* ./\n'),
      expect: 1,
      message: /optional/,
    },
    {
      name: 'go mod tidy in the image',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go mod tidy\n'),
      expect: 1,
    },
    {
      name: 'near miss: no requirements and no go.sum',
      files: { Dockerfile: 'FROM golang:1.23\nCOPY go.mod ./\n', 'go.mod': GOMOD },
      expect: 0,
    },
    { name: 'near miss: go.* copies go.sum too', files: df('FROM golang:1.23\nCOPY go.* ./\n'), expect: 0 },
    {
      name: 'near miss: only local replacements, so no go.sum is needed',
      files: {
        Dockerfile: 'FROM golang:1.23\nCOPY go.mod ./\n',
        'go.mod': `${GOMOD}\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n`,
      },
      expect: 0,
    },
  ],
  D7: [
    {
      name: 'an allowlist .dockerignore that forgets go.mod',
      files: df('FROM golang:1.23\nCOPY go.mod go.sum ./\nCOPY src ./src\n', {
        '.dockerignore': '*\n!src\n!go.sum\n',
        'src/a.go': '',
      }),
      expect: 1,
      message: /go\.mod is excluded from the build context by \.dockerignore:1 \(`\*`\)/,
    },
    {
      name: 'a bind mount of an ignored go.sum',
      files: df('FROM golang:1.23\nRUN --mount=type=bind,source=go.sum,target=go.sum go mod download\n', {
        '.dockerignore': 'go.sum\n',
      }),
      expect: 1,
    },
    {
      name: 'go.sum missing from the context',
      files: { Dockerfile: 'FROM golang:1.23\nCOPY go.mod go.sum ./\n', 'go.mod': GOMOD },
      expect: 1,
      message: /not in the build context/,
    },
    {
      name: 'two Dockerfiles copying the same ignored go.sum: one finding each',
      files: df('FROM golang:1.23\nCOPY go.mod go.sum ./\n', {
        'Dockerfile.dev': 'FROM golang:1.23\nCOPY go.mod go.sum ./\n',
        '.dockerignore': '*.sum\n',
      }),
      expect: 2,
    },
    {
      name: 'near miss: Dockerfile.dockerignore wins over .dockerignore',
      files: df('FROM golang:1.23\nCOPY go.mod go.sum ./\n', {
        '.dockerignore': '*.sum\n',
        'Dockerfile.dockerignore': '.git\n',
      }),
      expect: 0,
    },
  ],
  D8: [
    {
      name: '.git exists and is not ignored',
      files: df('FROM golang:1.23\nCOPY . .\n'),
      options: { skippedDirs: ['.git'] } as ProjectOptions,
      expect: 1,
    },
    {
      name: 'near miss: only named files are copied',
      files: df('FROM golang:1.23\nCOPY go.mod go.sum ./\n', { '.go/pkg/mod/x': '' }),
      expect: 0,
    },
  ],
  D9: [
    {
      name: 'near miss: COPY . . brings every module',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go build ./...\n', {
        'go.work': 'go 1.23\nuse (\n\t.\n\t./tools\n)\n',
        'tools/go.mod': 'module t\n',
      }),
      expect: 0,
    },
  ],
  D10: [
    {
      name: 'a replacement outside the context is reported on go.mod',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go build\n', {
        'go.mod': `${GOMOD}\nreplace example.com/lib => ../lib\n`,
      }),
      expect: 1,
      message: /outside the build context/,
    },
  ],
  D11: [
    { name: 'ENV with a token', files: df('FROM golang:1.23\nENV NPM_TOKEN=abc\n'), expect: 1 },
    {
      name: 'a literal GitHub token',
      files: df(
        'FROM golang:1.23\nRUN git clone https://ghp_0123456789abcdefghijABCDEFGHIJ@github.com/o/r\n',
      ),
      expect: 1,
    },
    {
      name: 'netrc written from a secret variable',
      files: df(
        'FROM golang:1.23\nARG GH_TOKEN=\nRUN echo "machine github.com password $GH_TOKEN" > /root/.netrc\n',
      ),
      expect: 2,
    },
    {
      name: 'near miss: Go variables and versions are not secrets',
      files: df('FROM golang:1.23\nARG GOPRIVATE=git.corp\nARG GO_VERSION=1.23\nENV GOAUTH=netrc PWD=/src\n'),
      expect: 0,
    },
    {
      name: 'near miss: a netrc secret mount',
      files: df('FROM golang:1.23\nRUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n'),
      expect: 0,
    },
  ],
  D12: [
    {
      name: 'private per the doctor config',
      files: df('FROM golang:1.23\nRUN go mod download\n', {
        'go.mod': `${GOMOD}\nrequire github.com/acme/secret v1.0.0\n`,
      }),
      options: { privateModules: 'github.com/acme' },
      expect: 1,
      message: /private per the doctor config/,
    },
    {
      name: 'private per the user’s go env',
      files: df('FROM golang:1.23\nRUN go mod download\n', {
        'go.mod': `${GOMOD}\nrequire github.com/acme/secret v1.0.0\n`,
      }),
      options: { goEnv: { GOPRIVATE: 'github.com/acme/*' } },
      expect: 1,
    },
    {
      name: 'near miss: a dotless path replaced by a local directory is never fetched',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go build\n', {
        'go.mod': `${GOMOD}\nrequire mycorp/lib v0.0.0\n\nreplace mycorp/lib => ./lib\n`,
        'lib/go.mod': 'module mycorp/lib\n',
      }),
      expect: 0,
    },
    {
      name: 'near miss: GOPROXY=direct never asks a proxy',
      files: df('FROM golang:1.23\nENV GOPROXY=direct\nRUN go mod download\n', {
        'go.mod': `${GOMOD}\nrequire git.corp/x v1.0.0\n`,
      }),
      expect: 0,
    },
    {
      name: 'near miss: GOPRIVATE passed as an ARG default',
      files: df('FROM golang:1.23\nARG GOPRIVATE=git.corp\nRUN go mod download\n', {
        'go.mod': `${GOMOD}\nrequire git.corp/x v1.0.0\n`,
      }),
      expect: 0,
    },
  ],
  D17: [
    {
      name: 'lower-case localhost',
      files: df('FROM golang:1.23\nARG http_proxy=localhost:8080\n'),
      expect: 1,
    },
    {
      name: 'from go env',
      files: MOD_SUM,
      options: { goEnv: { HTTPS_PROXY: 'http://127.0.0.1:7890' } },
      expect: 1,
    },
    {
      name: 'near miss: host.docker.internal',
      files: df('FROM golang:1.23\nENV HTTPS_PROXY=http://host.docker.internal:7890\n'),
      expect: 0,
    },
  ],
  D18: [
    {
      name: 'vendor/ excluded by .dockerignore',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go build\n', {
        'vendor/modules.txt': '',
        '.dockerignore': 'vendor\n',
      }),
      expect: 1,
      message: /does not reach the image/,
    },
    {
      name: 'a wasted download next to vendor/',
      files: df('FROM golang:1.23\nCOPY . .\nRUN go mod download && go build\n', {
        'vendor/modules.txt': '',
      }),
      expect: 1,
      message: /wasted/,
    },
    {
      name: 'near miss: -mod=mod on purpose',
      files: df('FROM golang:1.23\nENV GOFLAGS=-mod=mod\nCOPY . .\nRUN go mod download\n', {
        'vendor/modules.txt': '',
      }),
      expect: 0,
    },
  ],
  D19: [
    {
      name: 'near miss: no go.work',
      files: df('FROM golang:1.23\nENV GOFLAGS=-mod=mod\nCOPY . .\nRUN go build\n'),
      expect: 0,
    },
  ],
  D20: [
    {
      name: 'a patch-level tag older than go.mod',
      files: df('FROM golang:1.23.1\nRUN go build\n', { 'go.mod': 'module m\n\ngo 1.23.4\n' }),
      expect: 1,
      message: /GOTOOLCHAIN=local/,
    },
    {
      name: 'with GOTOOLCHAIN=auto: downloaded every build',
      files: df('FROM golang:1.22\nENV GOTOOLCHAIN=auto\nRUN go build\n'),
      expect: 1,
      message: /downloads that toolchain/,
    },
    {
      name: 'with GOTOOLCHAIN=auto, a newer toolchain line is what go switches to',
      files: df('FROM golang:1.23\nENV GOTOOLCHAIN=auto\nRUN go build\n', {
        'go.mod': 'module m\n\ngo 1.23.0\n\ntoolchain go1.24.2\n',
      }),
      expect: 1,
      message: /toolchain line selects go 1\.24\.2: go downloads that toolchain/,
    },
    {
      name: 'near miss: with GOTOOLCHAIN=local the toolchain line is only a preference',
      files: df('FROM golang:1.23\nRUN go build\n', {
        'go.mod': 'module m\n\ngo 1.23.0\n\ntoolchain go1.24.2\n',
      }),
      expect: 0,
    },
    {
      name: 'near miss: golang:1.23 is the newest 1.23.x',
      files: df('FROM golang:1.23\nRUN go build\n', { 'go.mod': 'module m\n\ngo 1.23.4\n' }),
      expect: 0,
    },
  ],
  D21: [
    {
      name: 'near miss: the download step reads the ARG',
      files: df('FROM golang:1.23\nARG MIRROR\nRUN GOPROXY=$MIRROR go mod download\n'),
      expect: 0,
    },
    {
      name: 'near miss: predefined platform ARGs',
      files: df('FROM golang:1.23\nARG TARGETOS TARGETARCH\nRUN go mod download\n'),
      expect: 0,
    },
  ],
  D22: [
    {
      name: 'sharing=private',
      files: df(
        'FROM golang:1.23\nRUN --mount=type=cache,target=/root/.cache/go-build,sharing=private go build\n',
      ),
      expect: 1,
      message: /empty/,
    },
    {
      name: 'near miss: locked is right for apt',
      files: df(
        'FROM golang:1.23\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && go version\n',
      ),
      expect: 0,
    },
  ],
  E1: [
    {
      name: 'from go env, located at its line',
      files: MOD_SUM,
      options: {
        goEnv: { GOPROXY: 'https://goproxy.io' },
        goEnvFile: {
          path: 'env.json',
          text: '{\n  "GOPATH": "/go",\n  "GOPROXY": "https://goproxy.io"\n}\n',
        },
      },
      expect: 1,
    },
    {
      name: 'near miss: off ends the list on purpose',
      files: df('FROM golang:1.23\nENV GOPROXY=https://p.example,off\n'),
      expect: 0,
    },
  ],
  E2: [
    {
      name: 'near miss: proxy then direct',
      files: df('FROM golang:1.23\nENV GOPROXY=https://goproxy.cn,direct\n'),
      expect: 0,
    },
  ],
  E3: [
    {
      name: 'near miss: private modules skip the checksum database',
      files: df('FROM golang:1.23\nENV HTTPS_PROXY=http://proxy.corp:3128 GONOSUMDB=git.corp\n'),
      expect: 0,
    },
  ],
  E4: [
    {
      name: 'rm -rf of the module cache as a non-root user',
      files: df('FROM golang:1.23\nUSER 1000\nRUN rm -rf /go/pkg/mod/cache\n'),
      expect: 1,
      message: /permission denied/,
    },
    {
      name: 'near miss: root can remove it',
      files: df('FROM golang:1.23\nRUN rm -rf /go/pkg/mod\n'),
      expect: 0,
    },
    {
      name: 'near miss: extracting elsewhere',
      files: df('FROM golang:1.23\nRUN tar -xzf a.tgz -C /tmp\n'),
      expect: 0,
    },
  ],
  I1: [
    {
      name: 'a binary go.mod',
      files: { 'go.mod': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]) },
      expect: 1,
      message: /binary/,
    },
    {
      name: 'near miss: binary files doctor does not read',
      files: { 'logo.png': new Uint8Array([0x89, 0, 0xff]) },
      expect: 0,
    },
  ],
};

/** Every fixture per rule: the Dockerfile-centred ones above, then those whose Go environment comes from CI. */
export const CASES: Record<string, Case[]> = mergeCases(DOCKER_CASES, CI_ENV_CASES, CI_BUILD_CASES);

function mergeCases(...sets: Record<string, Case[]>[]): Record<string, Case[]> {
  const merged: Record<string, Case[]> = {};
  for (const set of sets)
    for (const [rule, cases] of Object.entries(set)) merged[rule] = [...(merged[rule] ?? []), ...cases];
  return merged;
}
