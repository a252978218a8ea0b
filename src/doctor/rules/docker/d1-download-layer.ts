/**
 * D1: the source is copied before modules are downloaded, so every code change invalidates the layer that
 * downloads them. The fix adds the go.mod/go.sum-only download step the Docker and Go guides describe.
 */
import type { StageAnalysis } from '../../docker/analysis.js';
import { hasFile, inContext } from '../../docker/context.js';
import { contextCopy } from '../../docker/copies.js';
import { moduleCacheCommands, vendoredByDefault } from '../../docker/go-caches.js';
import { goRuns } from '../../docker/go-runs.js';
import type { Finding, Rule } from '../../model.js';
import type { DockerInstruction } from '../../parsers/dockerfile.js';
import type { TextIndex } from '../../text-index.js';
import { finding, insert, lineBreak } from '../finding.js';

/** The instructions a stage runs, its parents' first. */
function chain(stage: StageAnalysis): DockerInstruction[] {
  const own = stage.stage.instructions;
  return stage.base.parent ? [...chain(stage.base.parent), ...own] : own;
}

/** The first line of the comment block right above a line, so inserted steps do not split it from its line. */
function aboveComments(index: TextIndex, line: number): number {
  let first = line;
  const comment = (text: string) => /^\s*#/.test(text) && !/^\s*#\s*(?:syntax|escape|check)\s*=/i.test(text);
  while (first > 1 && comment(index.lineText(first - 1))) first--;
  return first;
}

export const D1: Rule = {
  id: 'D1',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'Modules are downloaded after the whole source is copied',
  check(project) {
    const runs = goRuns(project);
    const downloads = new Set(
      runs.filter((r) => r.commands.some((c) => c.sub === 'mod download')).map((r) => r.instruction),
    );
    const reported = new Set<DockerInstruction>();
    const findings: Finding[] = [];
    for (const run of runs) {
      // A vendored module builds from vendor/: nothing is downloaded, so copying everything first is fine.
      const command = moduleCacheCommands(run.commands, vendoredByDefault(project, run.analysis))[0];
      if (!command) continue;
      const before = chain(run.stage);
      const upTo = before.slice(0, before.indexOf(run.instruction));
      const rootCopyIndex = upTo.findIndex((i) =>
        contextCopy(i)?.sources.some((s) => s.path === '' && !s.glob),
      );
      if (rootCopyIndex < 0) continue;
      if (upTo.slice(0, rootCopyIndex).some((i) => downloads.has(i))) continue;
      const rootCopy = upTo[rootCopyIndex]!;
      if (reported.has(rootCopy)) continue;
      reported.add(rootCopy);
      const { file, parsed } = run.analysis;
      const copy = contextCopy(rootCopy)!;
      const hasGoMod = hasFile(project, inContext(run.analysis, 'go.mod'));
      const hasGoSum = hasFile(project, inContext(run.analysis, 'go.sum'));
      const dest = copy.destination.value;
      const into = dest === '.' || dest === './' ? './' : `${dest.replace(/\/+$/, '')}/`;
      const cd = into === './' ? '' : `cd ${into.slice(0, -1)} && `;
      const line = parsed.index.position(rootCopy.span.start).line;
      const indent = /^\s*/.exec(parsed.index.lineText(line))![0];
      const nl = lineBreak(parsed.text);
      const files = hasGoSum ? 'go.mod go.sum' : 'go.mod';
      // When go.mod is already copied on its own, only the download step is missing.
      const copiedAlready = upTo
        .slice(0, rootCopyIndex)
        .some((i) => contextCopy(i)?.sources.some((s) => s.path === 'go.mod'));
      const step =
        (copiedAlready ? '' : `${indent}COPY ${files} ${into}${nl}`) +
        `${indent}RUN --mount=type=cache,target=${command.env.GOMODCACHE.value} ${cd}go mod download${nl}`;
      findings.push(
        finding(D1, {
          file,
          index: parsed.index,
          span: rootCopy.span,
          message:
            `the whole build context is copied before go downloads modules (line ${parsed.index.position(run.instruction.span.start).line}), ` +
            'so any source change invalidates that layer and every module is downloaded again.',
          advice: `Copy only ${files} first and run \`go mod download\` in its own layer, then copy the rest.`,
          // Only a plain destination is spelled into the new steps: one with quotes or variables could
          // make a step that does not parse, and the fix would then never converge.
          fix:
            hasGoMod && /^[\w./-]+$/.test(dest)
              ? {
                  description: `download modules from ${files} before copying the source`,
                  edits: [insert(file, parsed.index.lineStart(aboveComments(parsed.index, line)), step)],
                }
              : undefined,
        }),
      );
    }
    return findings;
  },
};
