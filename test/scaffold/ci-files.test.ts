import assert from 'node:assert/strict';
import { readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { generate } from '../../src/scaffold/generate.js';
import { readProject } from '../../src/scaffold/project.js';
import { GoSandbox, goBinary } from '../helpers/go.js';
import { writeProxyTree } from '../helpers/proxy-tree.js';
import { runCommand } from '../helpers/run-command.js';
import { SINGLE_MODULE, WORKSPACE, writeProject } from './fixture-projects.js';

interface GitlabCi {
  variables: Record<string, string>;
  [job: string]: unknown;
}
interface GitlabJob {
  stage: string;
  cache: { key: { files: string[]; prefix: string }; paths: string[]; policy: string };
  script: string[];
}
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}

/**
 * The CI files are run as CI would run them, with the real go command: GitLab's scripts with its variables
 * in a project whose dependency comes from a GOPROXY tree, GitHub's `run` steps in a workspace.
 */
describe('init github / gitlab: the CI files work with the real go command', () => {
  const cleanup: string[] = [];
  let go: GoSandbox;
  let proxyTree: string;
  before(async () => {
    go = await GoSandbox.create();
    proxyTree = join(go.dir, 'tree');
    await writeProxyTree(proxyTree, [
      {
        path: 'example.com/greet',
        version: 'v1.0.0',
        files: { 'greet.go': 'package greet\n\nfunc Hello() string { return "hi" }\n' },
      },
    ]);
  });
  after(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
    await go.dispose();
  });

  /** Runs one shell line of a CI file in `cwd`, with go on PATH and only the given environment besides. */
  async function shell(line: string, cwd: string, env: Record<string, string>) {
    const base = go.env({ GOPROXY: pathToFileURL(proxyTree).href, GOFLAGS: '', ...env });
    base.PATH = `${dirname(goBinary())}:${base.PATH}`;
    const r = await runCommand('/bin/sh', ['-e', '-c', line], { cwd, env: base });
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
  }

  test('gitlab: one job fills the cache inside the project, the other only pulls it, and both pass', async () => {
    const { 'go.sum': _fake, ...files } = SINGLE_MODULE;
    const dir = await writeProject('gitlab-run', files);
    cleanup.push(dir);
    await shell('go mod tidy', dir, { GOFLAGS: '-mod=mod' });
    const [file] = generate('gitlab', await readProject(dir), { private: [] });
    const ci = parse(file!.content) as GitlabCi;
    const jobs = Object.entries(ci).filter(
      ([name]) => name !== 'variables' && name !== 'default' && name !== 'stages',
    );
    const pushers = jobs.filter(([, job]) => (job as GitlabJob).cache.policy !== 'pull');
    assert.deepEqual(
      pushers.map(([name]) => name),
      ['go-cache'],
      'exactly one job uploads the cache',
    );

    const variables = Object.fromEntries(
      Object.entries(ci.variables).map(([k, v]) => [k, v.replaceAll('$CI_PROJECT_DIR', dir)]),
    );
    for (const [, job] of jobs) {
      const { cache, script } = job as GitlabJob;
      assert.deepEqual(cache.key.files, ['go.sum']);
      for (const path of cache.paths)
        assert.match(path, /^\.go\//, 'cache paths are relative and under .go/');
      for (const line of script) await shell(line, dir, variables);
    }
    // What the cache paths name is where go really put the modules and the build cache.
    assert.ok((await stat(join(dir, '.go/pkg/mod/cache/download/example.com/greet/@v/v1.0.0.zip'))).isFile());
    assert.ok((await stat(join(dir, '.go/cache/README'))).isFile());
  });

  test('github: setup-go leaves the caches to actions/cache, whose paths and keys fit; the steps pass', async () => {
    const dir = await writeProject('github-run', WORKSPACE);
    cleanup.push(dir);
    const [file] = generate('github', await readProject(dir), { private: [] });
    const workflow = parse(file!.content) as { jobs: { test: { steps: Step[] } } };
    const steps = workflow.jobs.test.steps;
    const setupGo = steps.find((s) => s.uses?.startsWith('actions/setup-go@'))!;
    assert.equal(setupGo.with?.cache, false, 'one cache owner');
    assert.equal(setupGo.with?.['go-version-file'], 'go.work');
    const caches = steps.filter((s) => s.uses?.startsWith('actions/cache@'));
    assert.equal(caches.length, 1);
    const key = String(caches[0]!.with!.key);
    const restoreKey = String(caches[0]!.with!['restore-keys']).trim();
    assert.ok(key.startsWith(restoreKey), `restore key ${restoreKey} is a prefix of ${key}`);
    assert.match(key, /hashFiles\('go\.work\.sum', 'app\/go\.sum'\) \}\}$/);

    const outputs = join(dir, 'github-output');
    for (const step of steps.filter((s) => s.run !== undefined)) {
      await shell(step.run!, dir, { GITHUB_OUTPUT: outputs });
    }
    const found = await readFile(outputs, 'utf8');
    assert.ok(found.includes(`modcache=${go.modCache}\n`), found);
    assert.ok(found.includes(`buildcache=${join(go.dir, 'gocache')}\n`), found);
  });
});
