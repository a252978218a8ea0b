/**
 * D7: a file the Dockerfile copies or bind-mounts is excluded by .dockerignore (Docker's own matching), or a
 * go.mod/go.sum/go.work it needs is not in the build context at all. docker build then fails with
 * `failed to compute cache key: "/go.sum": not found`.
 */
import { posix } from 'node:path';
import { type DockerfileAnalysis, dockerfiles } from '../../docker/analysis.js';
import { contextPath, dockerIgnoreOf, hasDirectory, hasFile, inContext } from '../../docker/context.js';
import { bindSources, contextCopy } from '../../docker/copies.js';
import type { Finding, Fix, ProjectView, Rule } from '../../model.js';
import type { Word } from '../../parsers/dockerfile.js';
import { type DockerIgnore, parseDockerIgnore } from '../../parsers/dockerignore.js';
import { insert, lineBreak, reporter } from '../finding.js';

const GO_FILES = new Set(['go.mod', 'go.sum', 'go.work', 'go.work.sum']);

/** The literal context paths a Dockerfile reads: COPY/ADD sources and RUN bind-mount sources. */
function inputs(analysis: DockerfileAnalysis): Word[] {
  return analysis.parsed.instructions.flatMap((instruction) =>
    [...(contextCopy(instruction)?.sources ?? []), ...bindSources(instruction)]
      .filter((s) => !s.glob && s.path !== '')
      .map((s) => s.word),
  );
}

/** Appends `!path` to the .dockerignore, when that really brings the path back (a re-included parent may not). */
function unignoreFix(ignore: DockerIgnore, path: string): Fix | undefined {
  const nl = lineBreak(ignore.text);
  const prefix = ignore.text === '' || ignore.text.endsWith('\n') ? '' : nl;
  const addition = `${prefix}!${path}${nl}`;
  if (parseDockerIgnore(ignore.file, ignore.text + addition).ignores(path)) return undefined;
  return {
    description: `re-include ${path} in ${ignore.file}`,
    edits: [insert(ignore.file, ignore.text.length, addition)],
  };
}

function exists(project: ProjectView, analysis: DockerfileAnalysis, path: string): boolean {
  const file = inContext(analysis, path);
  return hasFile(project, file) || hasDirectory(project, file);
}

export const D7: Rule = {
  id: 'D7',
  family: 'dockerignore',
  defaultSeverity: 'error',
  title: 'A file the Dockerfile needs is excluded from the build context',
  check(project) {
    const findings: Finding[] = [];
    for (const analysis of dockerfiles(project)) {
      const { file, parsed } = analysis;
      const ignore = dockerIgnoreOf(project, analysis);
      const report = reporter(D7, file, parsed.index);
      for (const word of inputs(analysis)) {
        const path = contextPath(word.value);
        const line = ignore?.lineExcluding(path);
        if (ignore?.ignores(path)) {
          const where = line
            ? `${ignore.file}:${line} (\`${ignore.text.split(/\r?\n/)[line - 1]!.trim()}\`)`
            : ignore.file;
          findings.push(
            report(
              word.span,
              `${path} is excluded from the build context by ${where}: docker build fails with ` +
                `\`failed to compute cache key: "/${path}": not found\`.`,
              `Add \`!${path}\` at the end of ${ignore.file}, or narrow the pattern that excludes it.`,
              unignoreFix(ignore, path),
            ),
          );
        } else if (GO_FILES.has(posix.basename(path)) && !exists(project, analysis, path)) {
          const context = analysis.context === '.' ? 'the project root' : `${analysis.context}/`;
          findings.push(
            report(
              word.span,
              `${path} is not in the build context doctor assumes (${context}): docker build fails with ` +
                `\`"/${path}": not found\` unless it is built with another context.`,
              'Build with the directory that holds go.mod as the context (`docker build -f <Dockerfile> <dir>`), or fix the path.',
            ),
          );
        }
      }
    }
    return findings;
  },
};
