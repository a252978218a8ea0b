/**
 * The effective environment doctor computes for a RUN, checked against the real go command: the Dockerfile's
 * ENV becomes the process environment and its `go env -w` runs for real, then `go env -json` must agree with
 * resolveGoEnv on every variable the rules reason about.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { analyzeDockerfile, goCommands } from '../../src/doctor/docker/analysis.js';
import { GO_ENV_KEYS, type GoEnv } from '../../src/doctor/docker/go-env.js';
import { shellCommands } from '../../src/doctor/parsers/shell.js';
import { goBinary } from '../helpers/go.js';
import { project } from './helpers.js';

const run = promisify(execFile);
// GOTOOLCHAIN is left out: the real go runs with GOTOOLCHAIN=local so that it never downloads a toolchain.
const KEYS = GO_ENV_KEYS.filter((k) => k !== 'GOTOOLCHAIN');

/** doctor's view of the last RUN (which must run go) and what real go says in the same environment. */
async function compare(
  dockerfile: string,
  cwd: string,
): Promise<{ doctor: Record<string, string>; go: Record<string, string> }> {
  const analysis = analyzeDockerfile(project({ Dockerfile: dockerfile }), 'Dockerfile', dockerfile);
  const stage = analysis.stages.at(-1)!;
  const runs = stage.stage.instructions.filter((i) => i.keyword === 'RUN');
  const env: GoEnv = goCommands(stage, runs.at(-1)!).at(-1)!.env;
  const state = stage.before.get(runs.at(-1)!)!;
  const processEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', GOTOOLCHAIN: 'local' };
  for (const [name, setting] of [...state.args, ...state.env]) processEnv[name] = setting.value;
  // Earlier RUNs' `go env -w` commands, run for real with the environment of their own RUN.
  for (const earlier of runs.slice(0, -1)) {
    const before = stage.before.get(earlier)!;
    const earlierEnv: NodeJS.ProcessEnv = { PATH: processEnv.PATH, GOTOOLCHAIN: 'local' };
    for (const [name, setting] of [...before.args, ...before.env]) earlierEnv[name] = setting.value;
    for (const { argv } of shellCommands(earlier.script)) {
      if (argv[0] === 'go') await run(goBinary(), argv.slice(1), { env: earlierEnv, cwd });
    }
  }
  const { stdout } = await run(goBinary(), ['env', '-json', ...KEYS], { env: processEnv, cwd });
  const go = JSON.parse(stdout) as Record<string, string>;
  const doctor = Object.fromEntries(KEYS.map((k) => [k, env[k].value]));
  return { doctor, go };
}

describe('effective Go environment agrees with the real go command', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'modgate-doctor-goenv-'));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const scenarios: [string, (home: string) => string][] = [
    ['defaults from HOME', (h) => `FROM alpine\nENV HOME=${h}/a\nRUN go build\n`],
    [
      'a GOPATH list: the module cache is under the first entry',
      (h) => `FROM alpine\nENV HOME=${h}/b GOPATH=/x:/y\nRUN go build\n`,
    ],
    [
      'XDG_CACHE_HOME and XDG_CONFIG_HOME',
      (h) =>
        `FROM alpine\nENV HOME=${h}/c XDG_CACHE_HOME=/xdg/cache XDG_CONFIG_HOME=${h}/c/config\nRUN go build\n`,
    ],
    [
      'GOPRIVATE sets the GONOPROXY/GONOSUMDB defaults',
      (h) => `FROM alpine\nENV HOME=${h}/d GOPRIVATE=git.corp/*,*.internal\nRUN go build\n`,
    ],
    [
      'an explicit GONOSUMDB wins over GOPRIVATE',
      (h) => `FROM alpine\nENV HOME=${h}/e GOPRIVATE=git.corp GONOSUMDB=none.example\nRUN go build\n`,
    ],
    [
      'go env -w persists, and the OS environment wins over it',
      (h) =>
        `FROM alpine\nENV HOME=${h}/f\nRUN go env -w GOMODCACHE=/mods GOPROXY=https://p.example GOFLAGS=-mod=mod\nENV GOPROXY=https://q.example,direct\nRUN go build\n`,
    ],
    [
      'go env -u removes a setting',
      (h) => `FROM alpine\nENV HOME=${h}/g\nRUN go env -w GOSUMDB=off\nRUN go env -u GOSUMDB\nRUN go build\n`,
    ],
    [
      'an explicit GOENV file',
      (h) =>
        `FROM alpine\nENV HOME=${h}/h GOENV=${h}/h/goenv\nRUN go env -w GOCACHE=/gocache\nRUN go build\n`,
    ],
  ];
  for (const [name, make] of scenarios) {
    test(name, async () => {
      // In a directory without go.work above it, so GOWORK is empty for both.
      const { doctor, go } = await compare(make(home), home);
      assert.deepEqual(doctor, go);
    });
  }
});
