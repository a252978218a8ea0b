/**
 * D9: a go.work in the image lists module directories the Dockerfile never copies (`cannot load module X
 * listed in go.work file`). D10: go.mod replaces a module with a directory outside the build context, or one
 * not yet copied when modules are downloaded (`replacement directory ../x does not exist`).
 */
import { posix } from 'node:path';
import type { DockerfileAnalysis } from '../../docker/analysis.js';
import { ciBuildsOf } from '../../docker/ci-contexts.js';
import { inContext } from '../../docker/context.js';
import { commandsUsing } from '../../docker/go-caches.js';
import { goRuns } from '../../docker/go-runs.js';
import { inImage } from '../../docker/image-files.js';
import type { Finding, ProjectView, Rule } from '../../model.js';
import { goModAt } from '../../parsers/gomod.js';
import { finding } from '../finding.js';

export const D9: Rule = {
  id: 'D9',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'go.work in the image lists modules that are not copied',
  check(project) {
    const findings: Finding[] = [];
    const reported = new Set<unknown>();
    for (const run of goRuns(project)) {
      const command = commandsUsing(run.commands, 'GOMODCACHE')[0];
      const work = goModAt(project, inContext(run.analysis, ''), 'go.work');
      if (!command || !work || command.env.GOWORK.value === 'off' || reported.has(run.stage)) continue;
      if (!inImage(project, run, 'go.work')) continue;
      const missing = work.uses
        .map((u) => posix.normalize(u.value).replace(/\/$/, ''))
        .filter((dir) => !dir.startsWith('..') && dir !== '.' && !inImage(project, run, `${dir}/go.mod`));
      if (missing.length === 0) continue;
      reported.add(run.stage);
      const { file, parsed } = run.analysis;
      findings.push(
        finding(D9, {
          file,
          index: parsed.index,
          span: run.instruction.span,
          message:
            `go.work is in the image and lists ${missing.map((d) => `./${d}`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not ` +
            `copied before this RUN: go fails with \`cannot load module ${missing[0]} listed in go.work file\`.`,
          advice:
            "Set `ENV GOWORK=off` (and keep each module's go.sum complete, since the workspace no longer fills it), " +
            'or copy every module go.work uses.',
        }),
      );
    }
    return findings;
  },
};

/** Whether a path below the repository root lies in a context directory (`.` is the root). */
function within(path: string, context: string): boolean {
  return context === '.' ? !path.startsWith('..') : path === context || path.startsWith(`${context}/`);
}

/**
 * Whether a local replacement (`dir`, relative to go.mod) is out of the build context: of every context CI
 * builds the Dockerfile with, when CI says (a monorepo build may use the root, which holds both modules); else
 * of the one doctor assumes, go.mod's own directory.
 */
function outside(
  project: ProjectView,
  analysis: DockerfileAnalysis,
  gomodFile: string,
  dir: string,
): boolean {
  if (dir.startsWith('/')) return true;
  const contexts = ciBuildsOf(project, analysis.file).map((step) => step.context);
  if (contexts.length === 0) return dir.startsWith('..');
  const target = posix.join(posix.dirname(gomodFile), dir);
  return contexts.some((context) => !within(target, context));
}

export const D10: Rule = {
  id: 'D10',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'A go.mod replace points at a directory the build does not have',
  check(project) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const run of goRuns(project)) {
      if (!commandsUsing(run.commands, 'GOMODCACHE')[0]) continue;
      const gomod = goModAt(project, inContext(run.analysis, ''));
      if (!gomod) continue;
      for (const replace of gomod.replaces.filter((r) => r.value.local)) {
        const dir = posix.normalize(replace.value.newPath).replace(/\/$/, '');
        const key = `${run.analysis.file}\0${dir}`;
        if (reported.has(key)) continue;
        const { file, parsed } = run.analysis;
        if (outside(project, run.analysis, gomod.file, dir)) {
          reported.add(key);
          findings.push({
            ruleId: D10.id,
            severity: D10.defaultSeverity,
            message:
              `replace ${replace.value.oldPath} => ${replace.value.newPath} points outside the build context of ${file}: ` +
              `go fails in the image with \`replacement directory ${replace.value.newPath} does not exist\`.`,
            location: { file: gomod.file, start: { line: replace.line, column: replace.column } },
            advice:
              'Build with a context that contains both modules (a monorepo root) or pass the directory as a named build context.',
          });
        } else if (!inImage(project, run, `${dir}/go.mod`) && inImage(project, run, 'go.mod')) {
          reported.add(key);
          findings.push(
            finding(D10, {
              file,
              index: parsed.index,
              span: run.instruction.span,
              message:
                `go.mod replaces ${replace.value.oldPath} with ./${dir}, which is not copied before this RUN: ` +
                `go fails with \`replacement directory ${replace.value.newPath} does not exist\`.`,
              advice: `Copy ./${dir} (at least its go.mod) before the download step, e.g. \`COPY ${dir}/go.mod ${dir}/\`.`,
            }),
          );
        }
      }
    }
    return findings;
  },
};
