import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import type { Rule } from '../../../src/doctor/model.js';
import { fixUntilStable, run } from './memory-project.js';
import { ruleDocExamples } from './rule-docs.js';

/**
 * For every rule: its documented failing example triggers it, its passing example does not, and where the
 * rule fixes, the fixed files still parse and fixing them again changes nothing.
 */
export function testRuleDocs(rules: readonly Rule[]): void {
  for (const rule of rules) {
    test(`${rule.id} docs: the failing example triggers it, the passing one does not`, () => {
      const { markdown, failing, passing } = ruleDocExamples(rule.id);
      assert.equal(
        markdown.split('\n')[0],
        `# ${rule.id}: ${rule.title}`,
        'the page starts with "# ID: title"',
      );
      const findings = run(rule, failing);
      assert.ok(findings.length > 0, `${rule.id}: failing example produced no finding`);
      for (const finding of findings) {
        assert.equal(finding.ruleId, rule.id);
        assert.ok(finding.message.length > 20 && finding.advice.length > 10);
      }
      assert.deepEqual(run(rule, passing), [], `${rule.id}: passing example produced findings`);
    });
    test(`${rule.id} docs: fixes keep YAML valid and are idempotent`, () => {
      const { failing } = ruleDocExamples(rule.id);
      const fixed = fixUntilStable(rule, failing);
      for (const [file, text] of Object.entries(fixed)) {
        if (/\.ya?ml$/.test(file) && text !== failing[file])
          assert.deepEqual(parseDocument(text).errors, [], `${file} after fix:\n${text}`);
      }
      assert.deepEqual(fixUntilStable(rule, fixed), fixed);
    });
  }
}
