/**
 * D7: a file the Dockerfile copies or bind-mounts is excluded by .dockerignore (Docker's own matching), or a
 * go.mod/go.sum/go.work it needs is not in the build context at all: the context a CI job builds the Dockerfile
 * with (docker/build-push-action `context:`, `docker build <dir>`), else the one doctor assumes. docker build
 * then fails with `failed to compute cache key: "/go.sum": not found`.
 */
import { posix } from 'node:path';
import { type DockerfileAnalysis, dockerfiles } from '../../docker/analysis.js';
import { builtWith } from '../../docker/ci-contexts.js';
import { contextPath, dockerIgnoreOf, hasDirectory, hasFile, inContext } from '../../docker/context.js';
import { bindSources, contextCopy } from '../../docker/copies.js';
import type { Finding, Fix, ProjectView, Rule } from '../../model.js';
import type { BuildStep } from '../../parsers/ci/build-steps.js';
import type { Word } from '../../parsers/dockerfile.js';
import { type DockerIgnore, parseDockerIgnore } from '../../parsers/dockerignore.js';
import { findingAt, insert, lineBreak, reporter } from '../finding.js';

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

/** The directory a CI build step should use as context: one where every Go file the Dockerfile copies exists. */
function workingContext(
  project: ProjectView,
  analysis: DockerfileAnalysis,
  goPaths: string[],
): string | undefined {
  const candidates = [analysis.context];
  for (let dir = posix.dirname(analysis.file); ; dir = posix.dirname(dir)) {
    candidates.push(dir);
    if (dir === '.') break;
  }
  return candidates.find((context) =>
    goPaths.every((path) => exists(project, { ...analysis, context }, path)),
  );
}

/** A go.mod/go.sum/go.work the Dockerfile copies that the CI step's context lacks: reported at that context. */
function ciContextFinding(project: ProjectView, analysis: DockerfileAnalysis, step: BuildStep): Finding[] {
  const goPaths = [...new Set(inputs(analysis).map((w) => contextPath(w.value)))].filter((path) =>
    GO_FILES.has(posix.basename(path)),
  );
  const missing = goPaths.filter((path) => !exists(project, analysis, path));
  if (missing.length === 0) return [];
  const suggested = workingContext(project, analysis, goPaths);
  const [start, end] = step.contextAnchor;
  const context = analysis.context === '.' ? 'the repository root' : `${analysis.context}/`;
  return [
    findingAt(D7, {
      location: step.file.location(start, end),
      message:
        `job ${step.jobName} builds ${analysis.file} with ${context} as the context, which has no ` +
        `${missing.join(', ')}: the Dockerfile copies ${missing.length > 1 ? 'them' : 'it'} from there, so docker ` +
        `build fails with \`"/${missing[0]}": not found\`.`,
      advice:
        suggested === undefined
          ? `Make the context the directory the Dockerfile's COPY paths are relative to, or fix those paths; ${missing.join(', ')} exist${missing.length > 1 ? '' : 's'} in no directory above ${analysis.file}.`
          : `Build with ${suggested === '.' ? 'the repository root' : suggested} as the context (${how(step, suggested)}), ` +
            `keeping the Dockerfile path as it is; or change the COPY paths to be relative to ${context}.`,
    }),
  ];
}

/** How to say "use this context" in the step's own terms. */
function how(step: BuildStep, context: string): string {
  return step.github?.step.uses
    ? `\`context: ${context}\``
    : `\`${context}\` as the last argument of docker build`;
}

export const D7: Rule = {
  id: 'D7',
  family: 'dockerignore',
  defaultSeverity: 'error',
  title: 'A file the Dockerfile needs is excluded from the build context',
  check(project) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const assumed of dockerfiles(project)) {
      const { file, parsed } = assumed;
      const report = reporter(D7, file, parsed.index);
      for (const { analysis, step } of builtWith(project, assumed)) {
        if (step) findings.push(...ciContextFinding(project, analysis, step));
        const ignore = dockerIgnoreOf(project, analysis);
        for (const word of inputs(analysis)) {
          const path = contextPath(word.value);
          const line = ignore?.lineExcluding(path);
          // Several CI builds may share one .dockerignore: one finding per COPY source and ignore file.
          const key = `${file} ${word.span.start} ${ignore?.file}`;
          // A file the CI context lacks altogether is reported at the context (ciContextFinding), not here.
          const absent = step !== undefined && !exists(project, analysis, path);
          if (ignore?.ignores(path) && !absent && !reported.has(key)) {
            reported.add(key);
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
          } else if (!step && GO_FILES.has(posix.basename(path)) && !exists(project, analysis, path)) {
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
    }
    return findings;
  },
};
