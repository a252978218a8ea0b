/** Whether a context file is in the image when a RUN runs: copied before it (not .dockerignored) or bind-mounted. */
import type { ProjectView } from '../model.js';
import { dockerIgnoreOf, hasFile, inContext } from './context.js';
import { bindSources, sourceCovers, stageCopies } from './copies.js';
import type { GoRun } from './go-runs.js';

export function inImage(project: ProjectView, run: GoRun, path: string): boolean {
  if (!hasFile(project, inContext(run.analysis, path))) return false;
  if (bindSources(run.instruction).some((s) => sourceCovers(s, path))) return true;
  if (dockerIgnoreOf(project, run.analysis)?.ignores(path)) return false;
  const own = new Set(run.stage.stage.instructions);
  return stageCopies(run.stage).some(
    (c) =>
      (!own.has(c.instruction) || c.instruction.span.start < run.instruction.span.start) &&
      c.sources.some((s) => sourceCovers(s, path)),
  );
}
