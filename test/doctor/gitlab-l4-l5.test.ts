import assert from 'node:assert/strict';
import { test } from 'node:test';
import { L4 } from '../../src/doctor/rules/gitlab/l4-protected-cache-split.js';
import { L5 } from '../../src/doctor/rules/gitlab/l5-cache-key-shape.js';
import { run } from './helpers/memory-project.js';
import { GO_MODULE } from './helpers/workflow-text.js';

const gitlab = (text: string) => ({ ...GO_MODULE, '.gitlab-ci.yml': text });

test('L4: only pipelines that run for merge requests; fallback_keys or unprotect silence it', () => {
  const cache =
    't:\n  rules: [{ if: $CI_PIPELINE_SOURCE == "merge_request_event" }]\n  cache: { key: mods, paths: [.go/] ';
  assert.equal(run(L4, gitlab(`${cache}}\n`)).length, 1);
  assert.deepEqual(run(L4, gitlab(`${cache}, unprotect: true }\n`)), []);
  assert.deepEqual(run(L4, gitlab('t:\n  cache: { key: mods, paths: [.go/] }\n')), []);
});

test('L5: more than two key files, and unprefixed files keys among several caches', () => {
  const [tooMany] = run(
    L5,
    gitlab('t:\n  cache:\n    key:\n      files: [go.mod, go.sum, go.work.sum]\n    paths: [.go/]\n'),
  );
  assert.match(tooMany?.message ?? '', /at most two/);
  assert.deepEqual(tooMany?.location.start, { line: 4, column: 14 });
  assert.deepEqual(run(L5, gitlab('t:\n  cache:\n    key:\n      files: [go.sum]\n    paths: [.go/]\n')), []);
  const two =
    't:\n  cache:\n    - key: { files: [go.sum] }\n      paths: [.go/pkg/mod/]\n    - key: build\n      paths: [.go/cache/]\n';
  assert.equal(run(L5, gitlab(two)).length, 1);
  assert.deepEqual(run(L5, gitlab(two.replace('files: [go.sum]', 'files: [go.sum], prefix: gomod'))), []);
});
