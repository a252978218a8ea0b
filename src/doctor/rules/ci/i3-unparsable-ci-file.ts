import type { Rule } from '../../model.js';
import { githubWorkflows } from '../../parsers/ci/github-workflow.js';
import { gitlabCi } from '../../parsers/ci/gitlab-ci.js';

/**
 * A workflow or .gitlab-ci.yml that doctor could not analyse (invalid YAML, an alias bomb, too large, not a
 * mapping) is reported rather than silently skipped: the user would otherwise read "no findings" as "fine".
 */
export const I3: Rule = {
  id: 'I3',
  family: 'input',
  defaultSeverity: 'error',
  title: 'A CI file cannot be analysed',
  check(project) {
    const gitlab = gitlabCi(project).unreadable;
    const files = [...githubWorkflows(project).unreadable, ...(gitlab ? [gitlab] : [])];
    return files.map((file) => ({
      ruleId: I3.id,
      severity: I3.defaultSeverity,
      message: `doctor did not check ${file.file}: ${file.problem?.message ?? 'unreadable'}.`,
      location: file.location(file.problem?.offset ?? 0),
      advice:
        'Fix the file so GitHub or GitLab can read it (their CI lint shows the same error), then run doctor again.',
    }));
  },
};
