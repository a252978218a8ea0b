import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DoctorConfigError, EMPTY_CONFIG, parseDoctorConfig } from '../../src/doctor/config.js';
import { failsThreshold, runRules } from '../../src/doctor/engine.js';
import type { Rule } from '../../src/doctor/model.js';
import { ALL_RULES } from '../../src/doctor/rules/index.js';
import { check, project } from './helpers.js';

const FILES = { Dockerfile: 'FROM golang:1.23\nENV GOPROXY=https://goproxy.io\nRUN go mod download\n' };

describe('inline ignores', () => {
  test('on the line or the line before, one ID or several, in any case', () => {
    const ids = (text: string) => check({ Dockerfile: text }).map((f) => f.ruleId);
    assert.deepEqual(ids(FILES.Dockerfile), ['E1', 'D2']);
    assert.deepEqual(
      ids('FROM golang:1.23\nENV GOPROXY=https://goproxy.io # modgate-ignore E1\nRUN go mod download\n'),
      ['D2'],
    );
    assert.deepEqual(
      ids('FROM golang:1.23\n# modgate-ignore e1, D2\nENV GOPROXY=https://goproxy.io\nRUN go mod download\n'),
      ['D2'],
    );
    assert.deepEqual(
      ids(
        'FROM golang:1.23\nENV GOPROXY=https://goproxy.io\n# modgate-ignore D2 -- the builder is ephemeral\nRUN go mod download\n',
      ),
      ['E1'],
    );
  });

  test('a pragma before a multi-line RUN covers its continuation lines', () => {
    const text =
      '# syntax=docker/dockerfile:1\nFROM golang:1.23\nENV GOPATH=/gopath\n# modgate-ignore D3\nRUN --mount=type=cache,target=/root/.cache/go-build \\\n    --mount=type=cache,target=/go/pkg/mod go mod download\n';
    assert.deepEqual(
      check({ Dockerfile: text }).map((f) => f.ruleId),
      [],
    );
    assert.deepEqual(
      check({ Dockerfile: text.replace('# modgate-ignore D3', '# another comment') }).map((f) => [
        f.ruleId,
        f.location.start.line,
      ]),
      [['D3', 6]],
    );
  });

  test('work from file text, whatever rule produced the finding (YAML too)', () => {
    const yamlRule: Rule = {
      id: 'X9',
      family: 'gitlab',
      defaultSeverity: 'warning',
      title: 'test',
      check: () => [
        {
          ruleId: 'X9',
          severity: 'warning',
          message: 'm',
          advice: 'a',
          location: { file: '.gitlab-ci.yml', start: { line: 3, column: 5 } },
        },
      ],
    };
    const view = project({ '.gitlab-ci.yml': 'job:\n  # modgate-ignore X9\n  cache: {}\n' });
    assert.deepEqual(runRules(view, [yamlRule], EMPTY_CONFIG), []);
    const other = project({ '.gitlab-ci.yml': 'job:\n  # modgate-ignore X8\n  cache: {}\n' });
    assert.equal(runRules(other, [yamlRule], EMPTY_CONFIG).length, 1);
  });
});

describe('config', () => {
  test('disable and severity overrides', () => {
    const config = parseDoctorConfig(
      'disable: [D2]\nseverity:\n  E1: error\nprivate: [git.corp]\n',
      '.modgate-doctor.yaml',
    );
    const findings = runRules(project(FILES), ALL_RULES, config);
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.severity]),
      [['E1', 'error']],
    );
    assert.deepEqual(config.private, ['git.corp']);
  });

  test('a typo is an error naming the key and the file', () => {
    assert.throws(
      () => parseDoctorConfig('severty: {}\n', 'cfg.yaml'),
      (err: Error) => {
        assert.ok(err instanceof DoctorConfigError);
        assert.match(err.message, /^cfg\.yaml: .*severty/);
        return true;
      },
    );
    assert.throws(() => parseDoctorConfig('severity: {D1: fatal}\n', 'cfg.yaml'), /severity\.D1/);
    assert.throws(() => parseDoctorConfig('disable: [: bad\n', 'cfg.yaml'), /cfg\.yaml: not valid YAML/);
  });

  test('a YAML alias bomb is refused, not expanded', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    assert.throws(() => parseDoctorConfig(`${levels.join('\n')}\n`, 'bomb.yaml'), DoctorConfigError);
  });
});

describe('engine', () => {
  test('a rule that throws becomes an error finding; the others still run', () => {
    const broken: Rule = {
      id: 'X1',
      family: 'dockerfile',
      defaultSeverity: 'info',
      title: 'broken',
      check: () => {
        throw new Error('boom');
      },
    };
    const findings = runRules(project(FILES), [broken, ...ALL_RULES], EMPTY_CONFIG);
    assert.ok(findings.some((f) => f.ruleId === 'X1' && f.severity === 'error' && /boom/.test(f.message)));
    assert.ok(findings.some((f) => f.ruleId === 'D2'));
  });

  test('the failure threshold', () => {
    const findings = check(FILES);
    assert.equal(failsThreshold(findings, 'error'), false);
    assert.equal(failsThreshold(findings, 'warning'), true);
    assert.equal(failsThreshold(findings, 'never'), false);
    assert.equal(failsThreshold([], 'info'), false);
  });

  test('rule IDs are unique', () => {
    const ids = ALL_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
  });
});
