/** The Go environment read from CI files: where findings point, and which jobs and steps see which value. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ciEnvScopes } from '../../src/doctor/parsers/ci/ci-env.js';
import { findingsOf, project } from './helpers.js';

describe('CI env as a source of Go settings', () => {
  test('a GitLab GOPROXY without direct is reported at the YAML value', () => {
    const files = {
      '.gitlab-ci.yml': 'variables:\n  GOPROXY: https://goproxy.cn\nbuild:\n  script: go build\n',
    };
    const [e1] = findingsOf('E1', files);
    assert.deepEqual(e1?.location, {
      file: '.gitlab-ci.yml',
      start: { line: 2, column: 12 },
      end: { line: 2, column: 30 },
    });
    assert.equal(e1?.fix, undefined, 'CI values are not rewritten by --fix');
  });

  test('a quoted GitHub step value is located with its quotes', () => {
    const yaml =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build\n        env:\n          GOPROXY: "https://p.example"\n';
    const [e1] = findingsOf('E1', { '.github/workflows/ci.yml': yaml });
    assert.deepEqual(e1?.location.start, { line: 8, column: 20 });
  });

  test('each GitHub step sees workflow, then job, then its own env; each GitLab job its variables', () => {
    const view = project({
      '.github/workflows/ci.yml':
        'on: push\nenv:\n  GOFLAGS: -mod=mod\n  GOPROXY: https://w\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      GOPROXY: https://j\n    steps:\n      - run: one\n      - run: two\n        env:\n          GOPROXY: ${{ vars.P }}\n',
      '.gitlab-ci.yml':
        'variables:\n  GOPROXY: https://g\n.t:\n  variables:\n    GOFLAGS: -mod=mod\nb:\n  extends: .t\n  script: go build\n',
    });
    const seen = ciEnvScopes(view).map((s) => ({
      at: `${s.file} ${s.job} ${s.step ?? '-'}`,
      GOPROXY: s.env.get('GOPROXY')?.value,
      GOFLAGS: s.env.get('GOFLAGS')?.value,
    }));
    assert.deepEqual(seen, [
      { at: '.github/workflows/ci.yml a 0', GOPROXY: 'https://j', GOFLAGS: '-mod=mod' },
      { at: '.github/workflows/ci.yml a 1', GOPROXY: undefined, GOFLAGS: '-mod=mod' },
      { at: '.gitlab-ci.yml b -', GOPROXY: 'https://g', GOFLAGS: '-mod=mod' },
    ]);
  });
});
