import { matchPrefixPatterns } from '../gomod/patterns.js';
import type { GoProject } from './project.js';

/** Code hosts where the first path element after the host is an organisation, not a project. */
const FORGES = new Set(['github.com', 'gitlab.com', 'bitbucket.org']);

/** Who owns a module path: host/organisation on a forge, else the host. */
function owner(path: string): string {
  const [host = '', org] = path.split('/');
  return FORGES.has(host) && org !== undefined ? `${host}/${org}` : host;
}

/**
 * Notes for requirements with the same owner as the project and no --private pattern covering them: the
 * usual shape of a company's private modules. Only notes, because open-source organisations look the same
 * and a wrong GOPRIVATE would demand a credential the build does not need.
 */
export function privateHints(project: GoProject, patterns: string[]): string[] {
  const owners = new Set(project.modules.map((m) => owner(m.path)));
  const own = new Set(project.modules.map((m) => m.path));
  const found = new Map<string, string>();
  for (const required of project.modules.flatMap((m) => m.requires)) {
    const by = owner(required);
    if (!owners.has(by) || own.has(required) || matchPrefixPatterns(patterns.join(','), required)) continue;
    if (!found.has(by)) found.set(by, required);
  }
  return [...found].map(
    ([by, example]) =>
      `${example} has this project's owner (${by}); if it is private, run again with --private ${by}`,
  );
}
