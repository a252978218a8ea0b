import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeDockerfile, goCommands } from '../../src/doctor/docker/analysis.js';
import { expandVariables } from '../../src/doctor/docker/expand.js';
import type { GoEnv } from '../../src/doctor/docker/go-env.js';
import { project } from './helpers.js';

/** The environment of the go command in the last RUN of the last stage. */
function envOfLastRun(dockerfile: string): GoEnv {
  const analysis = analyzeDockerfile(project({ Dockerfile: dockerfile }), 'Dockerfile', dockerfile);
  const stage = analysis.stages.at(-1)!;
  const run = stage.stage.instructions.filter((i) => i.keyword === 'RUN').at(-1)!;
  const command = goCommands(stage, run).at(-1);
  assert.ok(command, 'the last RUN runs go');
  return command.env;
}

function paths(env: GoEnv) {
  return { GOPATH: env.GOPATH.value, GOMODCACHE: env.GOMODCACHE.value, GOCACHE: env.GOCACHE.value };
}

describe('effective Go environment per stage', () => {
  test('golang images: GOPATH=/go, root HOME, GOTOOLCHAIN=local', () => {
    const env = envOfLastRun('FROM golang:1.23-alpine\nRUN go build\n');
    assert.deepEqual(paths(env), {
      GOPATH: '/go',
      GOMODCACHE: '/go/pkg/mod',
      GOCACHE: '/root/.cache/go-build',
    });
    assert.equal(env.GOTOOLCHAIN.value, 'local');
    assert.equal(env.GOPROXY.value, 'https://proxy.golang.org,direct');
  });

  test('registry-qualified and digest-pinned golang references are golang images', () => {
    const env = envOfLastRun('FROM docker.io/library/golang:1.23@sha256:abc\nRUN go build\n');
    assert.equal(env.GOPATH.value, '/go');
  });

  test('other bases default to $HOME/go; USER moves HOME and with it both caches', () => {
    assert.deepEqual(paths(envOfLastRun('FROM alpine:3.20\nRUN apk add go\nRUN go build\n')), {
      GOPATH: '/root/go',
      GOMODCACHE: '/root/go/pkg/mod',
      GOCACHE: '/root/.cache/go-build',
    });
    assert.deepEqual(paths(envOfLastRun('FROM golang:1.23\nUSER app\nRUN go build\n')), {
      GOPATH: '/go',
      GOMODCACHE: '/go/pkg/mod',
      GOCACHE: '/home/app/.cache/go-build',
    });
    assert.deepEqual(paths(envOfLastRun('FROM debian\nUSER 1000:1000\nRUN go build\n')), {
      GOPATH: '/go',
      GOMODCACHE: '/go/pkg/mod',
      GOCACHE: '/.cache/go-build',
    });
  });

  test('ENV, ARG defaults and expansion', () => {
    const env = envOfLastRun(
      'FROM golang:1.23\nARG CACHE_ROOT=/cache\nENV GOPATH=/work GOCACHE=${CACHE_ROOT}/build\nENV XDG_CONFIG_HOME=$GOPATH/config\nRUN go build\n',
    );
    assert.deepEqual(paths(env), { GOPATH: '/work', GOMODCACHE: '/work/pkg/mod', GOCACHE: '/cache/build' });
    assert.equal(env.GOMODCACHE.why, 'the default $GOPATH/pkg/mod with GOPATH=/work set by ENV at line 3');
    assert.equal(env.GOENV.value, '/work/config/go/env');
  });

  test('go env -w persists for the same user, and ENV wins over it', () => {
    const env = envOfLastRun(
      'FROM golang:1.23\nRUN go env -w GOMODCACHE=/mods GOFLAGS=-mod=mod GOPATH=/ignored\nENV GOPATH=/go\nRUN go build\n',
    );
    assert.equal(env.GOMODCACHE.value, '/mods');
    assert.equal(env.GOFLAGS.value, '-mod=mod');
    assert.equal(env.GOPATH.value, '/go');
    assert.match(env.GOMODCACHE.why, /go env -w at line 2/);
    // Another user has another GOENV file, so the setting does not follow it.
    const other = envOfLastRun('FROM golang:1.23\nRUN go env -w GOMODCACHE=/mods\nUSER app\nRUN go build\n');
    assert.equal(other.GOMODCACHE.value, '/go/pkg/mod');
  });

  test('stages inherit ENV and USER from the stage they start from, not ARGs', () => {
    const env = envOfLastRun(
      'FROM golang:1.23 AS base\nENV GOMODCACHE=/mods\nARG GOFLAGS=-mod=vendor\nFROM base AS build\nRUN go build\n',
    );
    assert.equal(env.GOMODCACHE.value, '/mods');
    assert.equal(env.GOFLAGS.value, '');
    assert.equal(env.GOTOOLCHAIN.value, 'local');
  });

  test('global ARGs select the image and are imported by a bare ARG', () => {
    const env = envOfLastRun(
      'ARG IMAGE=golang:1.23\nARG GOPROXY=https://goproxy.io\nFROM ${IMAGE}\nARG GOPROXY\nRUN go build\n',
    );
    assert.equal(env.GOPATH.value, '/go');
    assert.equal(env.GOPROXY.value, 'https://goproxy.io');
  });

  test('variables set in the RUN itself: prefixes and export', () => {
    const env = envOfLastRun(
      'FROM golang:1.23\nRUN export GOCACHE=/tmp/gocache && GOFLAGS=-mod=mod go build\n',
    );
    assert.equal(env.GOCACHE.value, '/tmp/gocache');
    assert.equal(env.GOFLAGS.value, '-mod=mod');
  });

  test('GOPRIVATE sets the GONOPROXY and GONOSUMDB defaults', () => {
    const env = envOfLastRun('FROM golang:1.23\nENV GOPRIVATE=git.corp/*\nRUN go build\n');
    assert.equal(env.GONOPROXY.value, 'git.corp/*');
    assert.equal(env.GONOSUMDB.value, 'git.corp/*');
  });
});

describe('Dockerfile variable expansion', () => {
  const vars: Record<string, string> = { A: 'a', EMPTY: '' };
  const lookup = (name: string) => vars[name];
  for (const [input, expected] of [
    ['$A/${A}', 'a/a'],
    ['${MISSING:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${A:+set}', 'set'],
    ['${MISSING:+set}', ''],
    ['\\$A', '$A'],
    ['$MISSING!', '!'],
  ] as const) {
    test(`${input} → ${JSON.stringify(expected)}`, () =>
      assert.equal(expandVariables(input, lookup), expected));
  }
});
