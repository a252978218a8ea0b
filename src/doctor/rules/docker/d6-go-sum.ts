/**
 * D6: go.sum left out of the image next to go.mod (or made optional with `go.sum*`), or changed inside the
 * build by `go mod tidy` / `go get`. Without the committed go.sum the build fails with `missing go.sum entry`,
 * or silently trusts whatever it downloads.
 */
import { posix } from 'node:path';
import type { DockerfileAnalysis } from '../../docker/analysis.js';
import { dockerfiles } from '../../docker/analysis.js';
import { hasFile, inContext } from '../../docker/context.js';
import { contextCopy, sourceCovers } from '../../docker/copies.js';
import { goRuns } from '../../docker/go-runs.js';
import type { Finding, ProjectView, Rule } from '../../model.js';
import { fetchedRequires, goModAt } from '../../parsers/gomod.js';
import { insert, replace, reporter } from '../finding.js';

function sumFor(modPath: string): string {
  const dir = posix.dirname(modPath);
  return dir === '.' ? 'go.sum' : `${dir}/go.sum`;
}

/** go.sum is needed when it exists, or when go.mod requires anything. */
function needsSum(project: ProjectView, analysis: DockerfileAnalysis, modPath: string): boolean {
  if (hasFile(project, inContext(analysis, sumFor(modPath)))) return true;
  const dir = inContext(analysis, posix.dirname(modPath));
  const mod = goModAt(project, dir);
  return mod !== undefined && fetchedRequires(mod).length > 0;
}

export const D6: Rule = {
  id: 'D6',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'go.sum is not copied with go.mod, or is rewritten in the build',
  check(project) {
    const findings: Finding[] = [];
    const advice =
      'Commit go.sum and copy it with go.mod (`COPY go.mod go.sum ./`); keep go mod tidy out of the image.';
    for (const analysis of dockerfiles(project)) {
      const { file, parsed } = analysis;
      const report = reporter(D6, file, parsed.index);
      for (const instruction of parsed.instructions) {
        const copy = contextCopy(instruction);
        if (!copy) continue;
        const jsonForm = copy.sources.length > 1 && copy.sources[0]!.word.span === copy.sources[1]!.word.span;
        for (const source of copy.sources) {
          const sumGlob = /(^|\/)go\.sum\*$/.exec(source.word.value);
          if (sumGlob) {
            const sum = source.path.replace(/\*$/, '');
            const exists = hasFile(project, inContext(analysis, sum));
            findings.push(
              report(
                source.word.span,
                '`go.sum*` makes go.sum optional: when it is missing the build goes on, then fails with ' +
                  '`missing go.sum entry` or verifies nothing against a committed checksum.',
                advice,
                exists && !jsonForm
                  ? {
                      description: 'copy go.sum itself',
                      edits: [replace(file, source.word.span, source.word.value.slice(0, -1))],
                    }
                  : undefined,
              ),
            );
            continue;
          }
          if (source.glob || posix.basename(source.path) !== 'go.mod') continue;
          const sum = sumFor(source.path);
          if (copy.sources.some((s) => sourceCovers(s, sum)) || !needsSum(project, analysis, source.path))
            continue;
          const sumWord = source.word.value.replace(/go\.mod$/, 'go.sum');
          findings.push(
            report(
              source.word.span,
              `${source.word.value} is copied without ${sumWord}: go cannot verify the modules it downloads and ` +
                'fails with `missing go.sum entry` (or, with -mod=mod, writes a go.sum nobody reviewed).',
              advice,
              !jsonForm && hasFile(project, inContext(analysis, sum))
                ? {
                    description: `copy ${sumWord} too`,
                    edits: [insert(file, source.word.span.end, ` ${sumWord}`)],
                  }
                : undefined,
            ),
          );
        }
      }
    }
    for (const run of goRuns(project)) {
      const rewriting = run.commands.find((c) => c.sub === 'mod tidy' || c.sub === 'get');
      if (!rewriting) continue;
      const { file, parsed } = run.analysis;
      findings.push(
        reporter(D6, file, parsed.index)(
          run.instruction.span,
          `\`go ${rewriting.sub}\` in the image changes go.mod/go.sum at build time: the image builds from ` +
            'dependencies that were never committed or reviewed, and a missing go.sum is papered over.',
          advice,
        ),
      );
    }
    return findings;
  },
};
