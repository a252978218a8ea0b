/**
 * I1: a file doctor would check but cannot read (too large, binary, not UTF-8); I2: a Dockerfile instruction
 * it cannot understand. Both say which input and what is wrong instead of failing or staying silent.
 */
import { posix } from 'node:path';
import { dockerfiles, isDockerfile } from '../../docker/analysis.js';
import type { Rule } from '../../model.js';
import { finding } from '../finding.js';

const INPUT_NAMES = new Set([
  '.dockerignore',
  'go.mod',
  'go.work',
  'go.sum',
  '.gitlab-ci.yml',
  '.gitlab-ci.yaml',
]);

/** Files doctor reads: Dockerfiles, .dockerignore files, go.mod/go.work/go.sum, workflows, .gitlab-ci.yml. */
export function isDoctorInput(file: string): boolean {
  const name = posix.basename(file);
  return (
    isDockerfile(file) ||
    INPUT_NAMES.has(name) ||
    name.endsWith('.dockerignore') ||
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file)
  );
}

export const I1: Rule = {
  id: 'I1',
  family: 'input',
  defaultSeverity: 'error',
  title: 'An input file cannot be read',
  check(project) {
    return project.files.flatMap((file) => {
      const problem = isDoctorInput(file) ? project.unreadable?.(file) : undefined;
      if (!problem) return [];
      return [
        {
          ruleId: I1.id,
          severity: I1.defaultSeverity,
          message: `doctor did not check ${file}: ${problem}.`,
          location: { file, start: { line: 1, column: 1 } },
          advice: 'Make it a UTF-8 text file of a sane size, or exclude it from the directory doctor checks.',
        },
      ];
    });
  },
};

export const I2: Rule = {
  id: 'I2',
  family: 'input',
  defaultSeverity: 'warning',
  title: 'A Dockerfile instruction cannot be understood',
  check(project) {
    return dockerfiles(project).flatMap(({ file, parsed }) =>
      parsed.problems.map((problem) =>
        finding(I2, {
          file,
          index: parsed.index,
          span: problem.span,
          message: `${problem.message}; doctor skipped this instruction and checked the rest.`,
          advice: 'Fix or remove the instruction (see the Dockerfile reference).',
        }),
      ),
    );
  },
};
