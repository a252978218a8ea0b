import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { L3 } from '../../src/doctor/rules/gitlab/l3-go-dir-walked.js';
import { GoSandbox } from '../helpers/go.js';
import { fixUntilStable, run } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

const GITLAB = `variables:
  GOPATH: $CI_PROJECT_DIR/go
test:
  cache:
    paths: [go/pkg/mod/]
  script: [go vet ./...]
`;

/** A project whose GOPATH is `<dir>` inside it, after a download left a module without go.mod there. */
async function projectWithGopath(sandbox: GoSandbox, name: string, dir: string): Promise<string> {
  const root = join(sandbox.dir, name);
  const legacy = join(root, dir, 'pkg', 'mod', 'example.com', 'legacy@v1.0.0');
  await mkdir(legacy, { recursive: true });
  await writeFile(join(root, 'go.mod'), 'module example.com/app\n\ngo 1.19\n');
  await writeFile(join(root, 'main.go'), 'package main\n\nfunc main() {}\n');
  await writeFile(join(legacy, 'legacy.go'), 'package legacy\n\nfunc F() {}\n');
  return root;
}

test('L3 with the real go command: ./... trips over a GOPATH named go/, and not over the fixed .go/', async () => {
  const [finding] = run(L3, { ...GO_MODULE, '.gitlab-ci.yml': GITLAB });
  assert.ok(finding, 'L3 reports GOPATH: $CI_PROJECT_DIR/go');
  const fixed = fixUntilStable(L3, { ...GO_MODULE, '.gitlab-ci.yml': GITLAB })['.gitlab-ci.yml'] ?? '';
  const fixedDir = /GOPATH: \$CI_PROJECT_DIR\/(\S+)/.exec(fixed)?.[1];
  assert.equal(fixedDir, '.go');

  const sandbox = await GoSandbox.create();
  try {
    const before = await sandbox.run(['list', './...'], {
      cwd: await projectWithGopath(sandbox, 'before', 'go'),
      env: {},
    });
    assert.notEqual(before.code, 0, 'go list ./... walks go/pkg/mod');
    assert.match(before.stderr, /go\/pkg\/mod\/example\.com\/legacy@v1\.0\.0/);
    const after = await sandbox.run(['list', './...'], {
      cwd: await projectWithGopath(sandbox, 'after', fixedDir!),
      env: {},
    });
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout.trim(), 'example.com/app');
  } finally {
    await sandbox.dispose();
  }
});
