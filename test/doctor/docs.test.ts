import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ALL_RULES } from '../../src/doctor/rules/index.js';
import { check, docExample, exampleVariants, REPO_ROOT, readDoc } from './helpers.js';

describe('docs/rules pages', () => {
  for (const rule of ALL_RULES) {
    const markdown = existsSync(`${REPO_ROOT}docs/rules/${rule.id}.md`) ? readDoc(rule.id) : '';
    for (const variant of exampleVariants(markdown)) {
      test(`${rule.id} has a page whose failing example${variant} triggers it and whose passing example does not`, (t) => {
        const page = `${REPO_ROOT}docs/rules/${rule.id}.md`;
        assert.ok(existsSync(page), `missing ${page}`);
        assert.match(markdown, new RegExp(`^# ${rule.id}: `), 'the page starts with "# ID: title"');
        const failing = docExample(markdown, `Failing example${variant}`);
        const passing = docExample(markdown, `Passing example${variant}`);
        if (!failing || !passing) {
          t.diagnostic(`${rule.id}: no machine-readable examples`);
          assert.ok(
            markdown.includes(`## Failing example${variant}`) &&
              markdown.includes(`## Passing example${variant}`),
          );
          return;
        }
        const options = (e: typeof failing) => (e.goEnv ? { goEnv: e.goEnv } : {});
        const fails = check(failing.files, options(failing)).filter((f) => f.ruleId === rule.id);
        assert.ok(fails.length > 0, `${rule.id}: the failing example${variant} reports nothing`);
        const passes = check(passing.files, options(passing)).filter((f) => f.ruleId === rule.id);
        assert.deepEqual(
          passes.map((f) => f.message),
          [],
          `${rule.id}: the passing example${variant} reports something`,
        );
      });
    }
  }
});
