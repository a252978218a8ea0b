/**
 * Inline ignores: `# modgate-ignore ID[,ID...]` on a finding's line or on the line before it; when that line
 * continues with a trailing backslash (a multi-line RUN), on the lines it continues onto too. Read from the
 * file's text, so Dockerfiles, YAML and .dockerignore files all get them whatever parsed the finding.
 */
import type { Finding, ProjectView } from './model.js';

const PRAGMA = /#\s*modgate-ignore\s+([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)/;

/** The rule IDs each 1-based line of a text ignores. */
export function ignoredByLine(text: string): Map<number, Set<string>> {
  const result = new Map<number, Set<string>>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = PRAGMA.exec(line);
    if (!m) return;
    const ids = new Set(m[1]!.split(',').map((id) => id.trim().toUpperCase()));
    const targets = [i + 1, i + 2];
    // Lines are 1-based: line n is lines[n - 1].
    while ((lines[targets.at(-1)! - 1] ?? '').trimEnd().endsWith('\\')) targets.push(targets.at(-1)! + 1);
    for (const target of targets) {
      const set = result.get(target) ?? new Set<string>();
      for (const id of ids) set.add(id);
      result.set(target, set);
    }
  });
  return result;
}

/** Drops findings an inline pragma ignores. */
export function applyInlineIgnores(project: ProjectView, findings: Finding[]): Finding[] {
  const byFile = new Map<string, Map<number, Set<string>>>();
  return findings.filter((f) => {
    if (!byFile.has(f.location.file))
      byFile.set(f.location.file, ignoredByLine(project.text(f.location.file) ?? ''));
    const ids = byFile.get(f.location.file)!.get(f.location.start.line);
    return !ids?.has(f.ruleId.toUpperCase());
  });
}
