/** Per rule, the fixture projects of fixtures.ts: how many findings each must give. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CASES } from './fixtures.js';
import { findingsOf } from './helpers.js';

describe('rule fixtures', () => {
  for (const [rule, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      test(`${rule}: ${c.name}`, () => {
        const findings = findingsOf(rule, c.files, c.options);
        assert.equal(findings.length, c.expect, JSON.stringify(findings, null, 2));
        for (const f of findings) if (c.message) assert.match(f.message, c.message);
      });
    }
  }
});
