import type { Finding, Rule } from '../../model.js';
import { isPredefined, variableReferences } from '../../parsers/ci/gitlab-variables.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { type CachePathVisit, eachCachePath } from './each-cache-path.js';
import { isGoDirVariable, setVariablesBeside } from './project-go-variables.js';

export const L2: Rule = {
  id: 'L2',
  family: 'gitlab',
  defaultSeverity: 'error',
  title: 'Cache path uses a variable the runner does not know',
  check(project) {
    // Templates are left out: the jobs that extend them, here or in other files, may define the variable.
    return eachCachePath(project, { templates: false }, check);
  },
};

function check({ ci, job, path }: CachePathVisit): Finding[] {
  // Variables may come from an include or a template this file does not define: no verdict then.
  if (job.incomplete) return [];
  const missing = variableReferences(path.text).filter(
    (ref) => !job.variables.has(ref.name) && !isPredefined(ref.name),
  );
  const first = missing[0];
  if (!first) return [];
  const names = [...new Set(missing.map((ref) => ref.name))];
  const quote = path.style.startsWith('QUOTE') ? 1 : 0;
  const start = path.range[0] + quote + first.index;
  const emptied = missing.reduce((p, ref) => p.replace(new RegExp(`\\$\\{?${ref.name}\\}?`), ''), path.text);
  const goNames = names.filter(isGoDirVariable);
  return [
    ciFinding(L2, ci.file, {
      range: [start, start + first.name.length + 1],
      message: `${names.map((n) => `$${n}`).join(', ')} is not defined in variables:. The runner expands cache paths with CI/CD variables only, not with the image's environment (the golang image's GOPATH=/go exists only inside the container), so "${path.text}" becomes "${emptied}" and the cache does not hold what you meant.`,
      advice: `Define ${names.join(', ')} under variables: (for Go: GOPATH: $CI_PROJECT_DIR/.go). If the project's CI/CD settings define it, ignore this finding.`,
      fix:
        goNames.length === names.length
          ? allEdits(`define ${goNames.join(', ')} inside the project`, [
              setVariablesBeside(ci, path.range[0], goNames),
            ])
          : undefined,
    }),
  ];
}
