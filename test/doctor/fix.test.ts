/**
 * --fix over every fixture (the docs examples and fixtures.ts): fixed Dockerfiles parse at least as well as
 * before, fixing again changes nothing, no fixable finding is left, and comments elsewhere are kept.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EMPTY_CONFIG } from '../../src/doctor/config.js';
import { isDockerfile } from '../../src/doctor/docker/analysis.js';
import { runRules } from '../../src/doctor/engine.js';
import { applyEdits, chooseFixes, fixProject } from '../../src/doctor/fix.js';
import type { ProjectView } from '../../src/doctor/model.js';
import { parseDockerfile } from '../../src/doctor/parsers/dockerfile.js';
import { overlayProject } from '../../src/doctor/project.js';
import { ALL_RULES } from '../../src/doctor/rules/index.js';
import { CASES } from './fixtures.js';
import { docExample, exampleVariants, type Files, project, readDoc } from './helpers.js';

function allFixtures(): { name: string; view: ProjectView }[] {
  const fixtures: { name: string; view: ProjectView }[] = [];
  for (const rule of ALL_RULES) {
    const markdown = readDoc(rule.id);
    for (const variant of exampleVariants(markdown)) {
      for (const section of [`Failing example${variant}`, `Passing example${variant}`] as const) {
        const example = docExample(markdown, section);
        if (example)
          fixtures.push({
            name: `docs ${rule.id} ${section}`,
            view: project(example.files, example.goEnv ? { goEnv: example.goEnv } : {}),
          });
      }
    }
  }
  for (const [rule, cases] of Object.entries(CASES)) {
    for (const c of cases) fixtures.push({ name: `${rule}: ${c.name}`, view: project(c.files, c.options) });
  }
  return fixtures;
}

describe('--fix over every fixture', () => {
  for (const { name, view } of allFixtures()) {
    test(name, () => {
      const first = fixProject(view, ALL_RULES, EMPTY_CONFIG);
      const fixed = overlayProject(view, first.changed);
      for (const [file, text] of first.changed) {
        const before = view.text(file) ?? '';
        if (isDockerfile(file)) {
          assert.ok(
            parseDockerfile(text).problems.length <= parseDockerfile(before).problems.length,
            `${file} parses worse`,
          );
        }
        for (const line of before.split('\n').filter((l) => l.trimStart().startsWith('#'))) {
          assert.ok(text.includes(line), `${file}: the comment ${JSON.stringify(line)} was lost`);
        }
      }
      assert.deepEqual(first.refused, []);
      const second = fixProject(fixed, ALL_RULES, EMPTY_CONFIG);
      assert.deepEqual([...second.changed], [], 'fixing twice changed something');
      const left = runRules(fixed, ALL_RULES, EMPTY_CONFIG).filter((f) => f.fix);
      assert.deepEqual(
        left.map((f) => `${f.ruleId} ${f.message}`),
        [],
      );
    });
  }
});

describe('fix mechanics', () => {
  test('a fixture with many fixable findings converges to the expected Dockerfile', () => {
    const files: Files = {
      Dockerfile:
        '# build stage\nFROM golang:1.22 AS build\nARG GIT_SHA\nENV GOPROXY=https://goproxy.io,https://proxy.golang.org\nWORKDIR /src\nCOPY go.mod ./\n# all sources\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/go-build,sharing=locked go build -ldflags "-X main.sha=${GIT_SHA}" -o /app .\n',
      'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire github.com/pkg/errors v0.9.1\n',
      'go.sum': 'github.com/pkg/errors v0.9.1 h1:x\n',
      '.dockerignore': '*.sum',
    };
    const result = fixProject(project(files), ALL_RULES, EMPTY_CONFIG);
    assert.equal(
      result.changed.get('Dockerfile'),
      '# syntax=docker/dockerfile:1\n# build stage\nFROM golang:1.23 AS build\nENV GOPROXY=https://goproxy.io|https://proxy.golang.org,direct\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nARG GIT_SHA\n# all sources\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -ldflags "-X main.sha=${GIT_SHA}" -o /app .\n',
    );
    assert.equal(result.changed.get('.dockerignore'), '*.sum\n!go.sum\n');
  });

  test('overlapping fixes: the first wins, identical edits count once', () => {
    const a = { file: 'f', start: 0, end: 0, replacement: 'x' };
    const b = { file: 'f', start: 0, end: 0, replacement: 'y' };
    const chosen = chooseFixes([
      { description: 'a', edits: [a] },
      { description: 'a again', edits: [{ ...a }] },
      { description: 'b', edits: [b] },
    ]);
    assert.deepEqual(
      chosen.map((f) => [f.description, f.edits.length]),
      [
        ['a', 1],
        ['a again', 0],
      ],
    );
  });

  test('an edit overlapping a taken replacement is refused even when an insertion shares its start', () => {
    const edit = (start: number, end: number, replacement: string) => ({
      file: 'f',
      start,
      end,
      replacement,
    });
    const chosen = chooseFixes([
      { description: 'replace', edits: [edit(5, 10, 'r')] },
      { description: 'insert', edits: [edit(5, 5, 'i')] },
      { description: 'overlapping', edits: [edit(7, 12, 'o')] },
      { description: 'after', edits: [edit(10, 10, 'a')] },
    ]);
    assert.deepEqual(
      chosen.map((f) => f.description),
      ['replace', 'insert', 'after'],
    );
  });

  test('edits apply from the end so offsets stay valid', () => {
    assert.equal(
      applyEdits('abc', [
        { file: 'f', start: 0, end: 1, replacement: 'AA' },
        { file: 'f', start: 2, end: 3, replacement: 'CC' },
      ]),
      'AAbCC',
    );
  });
});
