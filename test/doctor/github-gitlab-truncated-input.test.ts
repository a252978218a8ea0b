import assert from 'node:assert/strict';
import { test } from 'node:test';
import { githubRules } from '../../src/doctor/rules/github/index.js';
import { gitlabRules } from '../../src/doctor/rules/gitlab/index.js';
import { memoryProject } from './helpers/memory-project.js';
import { ruleDocExamples } from './helpers/rule-docs.js';

const RULES = [...githubRules, ...gitlabRules];

/**
 * Half-written files are what an editor integration sees most: every rule must get through every line-wise
 * prefix of every documented example, and every variant with an indentation error or a dangling alias,
 * without throwing.
 */
test('CI rules never throw on truncated or broken versions of the documented examples', () => {
  let projects = 0;
  for (const { id } of RULES) {
    const { failing } = ruleDocExamples(id);
    for (const [file, text] of Object.entries(failing)) {
      const lines = text.split('\n');
      const variants = lines.flatMap((line, i) => [
        lines.slice(0, i).join('\n'),
        [...lines.slice(0, i), ` ${line}`, ...lines.slice(i + 1)].join('\n'),
        [...lines.slice(0, i), `${line} *missing`, ...lines.slice(i + 1)].join('\n'),
      ]);
      for (const variant of variants) {
        const project = memoryProject({ ...failing, [file]: variant });
        for (const rule of RULES) {
          assert.doesNotThrow(() => rule.check(project), `${rule.id} on ${id}'s ${file}:\n${variant}`);
        }
        projects++;
      }
    }
  }
  assert.ok(projects > 500, `only ${projects} variants`);
});
