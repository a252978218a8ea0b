/**
 * D8: a Dockerfile copies the whole context while heavy or volatile directories are not in .dockerignore:
 * `.git` (changes on every commit), a GitLab `.go` module cache, `node_modules`. The context upload grows and
 * the copied layer is invalidated by files the build never reads. The context is the one CI builds with, when
 * it says, else the one doctor assumes.
 */
import { type DockerfileAnalysis, dockerfiles } from '../../docker/analysis.js';
import { builtWith } from '../../docker/ci-contexts.js';
import { dockerIgnoreOf, hasDirectory, inContext } from '../../docker/context.js';
import { contextCopy } from '../../docker/copies.js';
import type { Finding, ProjectView, Rule } from '../../model.js';
import { finding, insert, lineBreak } from '../finding.js';

const HEAVY = ['.git', '.go', 'node_modules', '.cache'];

function present(project: ProjectView, analysis: DockerfileAnalysis, dir: string): boolean {
  const path = inContext(analysis, dir);
  return hasDirectory(project, path) || (project.skippedDirs ?? []).includes(path);
}

export const D8: Rule = {
  id: 'D8',
  family: 'dockerignore',
  defaultSeverity: 'warning',
  title: 'Heavy directories are sent with the build context',
  check(project) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const { analysis } of dockerfiles(project).flatMap((assumed) => builtWith(project, assumed))) {
      const rootCopy = analysis.parsed.instructions.find((i) =>
        contextCopy(i)?.sources.some((s) => s.path === ''),
      );
      if (!rootCopy) continue;
      const ignore = dockerIgnoreOf(project, analysis);
      const missing = HEAVY.filter((dir) => present(project, analysis, dir) && !ignore?.ignores(dir));
      if (missing.length === 0) continue;
      const ignoreFile = ignore?.file ?? inContext(analysis, '.dockerignore');
      // Several CI builds of one Dockerfile may share a context: one finding per Dockerfile and ignore file.
      if (reported.has(`${analysis.file}\0${ignoreFile}`)) continue;
      reported.add(`${analysis.file}\0${ignoreFile}`);
      const text = ignore?.text ?? '';
      const nl = lineBreak(analysis.parsed.text);
      const prefix = text === '' || text.endsWith('\n') ? '' : nl;
      const { file, parsed } = analysis;
      findings.push(
        finding(D8, {
          file,
          index: parsed.index,
          span: rootCopy.span,
          message:
            `this copies the whole context, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not ` +
            `excluded by ${ignoreFile}: the context upload carries ${missing.length === 1 ? 'it' : 'them'}, and ` +
            'changes there (every commit changes .git) invalidate this layer and all after it.',
          advice: `Add ${missing.map((d) => `\`${d}\``).join(', ')} to ${ignoreFile}.`,
          fix: {
            description: `exclude ${missing.join(', ')} from the build context`,
            edits: [insert(ignoreFile, text.length, `${prefix}${missing.join(nl)}${nl}`)],
          },
        }),
      );
    }
    return findings;
  },
};
