/**
 * Golden outputs per format over one fixture project, and the SARIF output validated against the SARIF 2.1.0
 * JSON schema (as shipped by @microsoft/jest-sarif). UPDATE_GOLDEN=1 rewrites the golden files.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { FORMATS, formatFindings } from '../../src/doctor/reporters/index.js';
import { ALL_RULES } from '../../src/doctor/rules/index.js';
import { check, REPO_ROOT } from './helpers.js';

const FIXTURE = {
  Dockerfile:
    'FROM golang:1.23\nENV GOPROXY=https://goproxy.io,https://proxy.golang.org\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\n',
  'go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire github.com/pkg/errors v0.9.1\n',
  'go.sum': 'github.com/pkg/errors v0.9.1 h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n',
  '.dockerignore': 'go.sum\n',
};

const findings = check(FIXTURE);

describe('reporters', () => {
  test('the fixture covers every severity and a fix', () => {
    assert.deepEqual([...new Set(findings.map((f) => f.severity))].sort(), ['error', 'info', 'warning']);
    assert.ok(findings.some((f) => f.fix));
  });

  for (const format of FORMATS) {
    test(`${format} output matches its golden file`, () => {
      const output = formatFindings(format, findings, ALL_RULES, '0.0.0-test');
      const golden = `${REPO_ROOT}test/fixtures/doctor/golden/report.${format}`;
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, output);
      assert.equal(output, readFileSync(golden, 'utf8'));
    });
  }

  test('SARIF validates against the SARIF 2.1.0 schema', () => {
    // CommonJS packages, loaded as such: their default exports are not ES default exports.
    const require = createRequire(import.meta.url);
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
    const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
    const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
    // The schema's language-tag pattern is not valid with the u flag, so patterns are compiled without it.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const log: unknown = JSON.parse(formatFindings('sarif', findings, ALL_RULES, '0.0.0-test'));
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    // The validator is not vacuous: a result without a message is rejected.
    const broken = structuredClone(log) as { runs: { results: { message?: unknown }[] }[] };
    delete broken.runs[0]!.results[0]!.message;
    assert.equal(validate(broken), false);
  });

  test('text output with no findings', () => {
    assert.equal(formatFindings('text', [], ALL_RULES, '0'), 'no problems found\n');
  });

  test('GitLab fingerprints are unique per finding', () => {
    const issues = JSON.parse(formatFindings('gitlab', findings, ALL_RULES, '0')) as {
      fingerprint: string;
    }[];
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, findings.length);
  });

  test('GitHub annotations escape what the runner would misread', () => {
    const [line] = formatFindings(
      'github',
      [
        {
          ruleId: 'D1',
          severity: 'info',
          message: '100% a,b\nc',
          advice: 'x',
          location: { file: 'a,b:c', start: { line: 1, column: 2 } },
        },
      ],
      ALL_RULES,
      '0',
    ).split('\n');
    assert.equal(line, '::notice file=a%2Cb%3Ac,line=1,col=2,title=modgate doctor D1::100%25 a,b%0Ac x');
  });
});
