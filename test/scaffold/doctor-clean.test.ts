import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { ProjectView } from '../../src/doctor/model.js';
import { ALL_RULES } from '../../src/doctor/rules/index.js';
import { generate, TARGETS } from '../../src/scaffold/generate.js';
import type { InitOptions } from '../../src/scaffold/options.js';
import { readProject } from '../../src/scaffold/project.js';
import { SINGLE_MODULE, VENDORED, WORKSPACE, writeProject } from './fixture-projects.js';

/** A doctor view of in-memory files, as the rules see a project on disk. */
function viewOf(root: string, files: Record<string, string>): ProjectView {
  const memo = new Map<string, unknown>();
  return {
    root,
    files: Object.keys(files).sort(),
    text: (file) => files[file],
    memo: <T>(key: string, make: () => T): T => {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    },
  };
}

const CASES: [string, Record<string, string>, InitOptions][] = [
  ['a single module', SINGLE_MODULE, { private: [] }],
  ['a workspace', WORKSPACE, { private: [] }],
  ['a vendored module', VENDORED, { private: [] }],
  ['private modules with a .netrc secret', SINGLE_MODULE, { private: ['example.com/private/*'] }],
  [
    'a modgate GOPROXY and private modules',
    SINGLE_MODULE,
    { private: ['example.com/private/*'], goproxy: 'https://modgate.acme.internal' },
  ],
];

/**
 * Everything init writes, all targets at once (so cross-file rules such as .dockerignore versus the GitLab
 * cache directory apply), gets no finding from any doctor rule.
 */
describe('init output passes modgate doctor', () => {
  for (const [name, files, options] of CASES) {
    test(name, async () => {
      const dir = await writeProject('doctor', files);
      try {
        const project = await readProject(dir);
        const all = { ...files };
        for (const target of TARGETS)
          for (const f of generate(target, project, options)) all[f.path] = f.content;
        const findings = ALL_RULES.flatMap((rule) => rule.check(viewOf(dir, all)));
        assert.deepEqual(
          findings.map((f) => `${f.location.file}:${f.location.start.line} ${f.ruleId} ${f.message}`),
          [],
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
