/**
 * D21: an ARG (a commit SHA, a version) declared before the download step. Every RUN after an ARG sees it in its
 * environment, so a new value invalidates the download layer and all modules are fetched again. The fix moves
 * the ARG below the download step.
 */
import { goRuns } from '../../docker/go-runs.js';
import type { Finding, Rule } from '../../model.js';
import type { DockerInstruction, ParsedDockerfile } from '../../parsers/dockerfile.js';
import { PROXY_VARIABLES } from '../env/sources.js';
import { finding, insert, lineBreak } from '../finding.js';

/** ARGs that BuildKit predefines or that the download step legitimately depends on. */
function harmless(name: string): boolean {
  return (
    PROXY_VARIABLES.includes(name) ||
    /^(?:NO_PROXY|no_proxy|FTP_PROXY|ftp_proxy)$/.test(name) ||
    /^(?:TARGET|BUILD)(?:PLATFORM|OS|ARCH|VARIANT)$/.test(name) ||
    /^(?:GO|CGO_)/.test(name)
  );
}

function mentions(parsed: ParsedDockerfile, instruction: DockerInstruction, name: string): boolean {
  // A malformed ARG name may hold regex syntax (`ARG A[B`); it is matched literally.
  return new RegExp(`\\$\\{?${name.replace(/\W/g, '\\$&')}\\b`).test(
    parsed.text.slice(instruction.span.start, instruction.span.end),
  );
}

export const D21: Rule = {
  id: 'D21',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'An ARG declared before the download step invalidates it',
  check(project) {
    const findings: Finding[] = [];
    const reported = new Set<DockerInstruction>();
    for (const run of goRuns(project)) {
      if (!run.commands.some((c) => c.sub === 'mod download')) continue;
      const { file, parsed } = run.analysis;
      const instructions = run.stage.stage.instructions;
      const downloadAt = instructions.indexOf(run.instruction);
      instructions.slice(0, downloadAt).forEach((arg, i) => {
        if (arg.keyword !== 'ARG' || reported.has(arg)) return;
        const between = instructions.slice(i + 1, downloadAt + 1);
        const names = arg.properties.map((p) => p.name).filter((n) => !harmless(n));
        // An ARG the download step (or what leads to it) reads is needed where it is.
        if (names.length === 0 || names.some((n) => between.some((x) => mentions(parsed, x, n)))) return;
        reported.add(arg);
        const argLine = parsed.index.position(arg.span.start).line;
        const single = parsed.index.position(arg.span.end).line === argLine;
        const alone =
          parsed.index.lineText(argLine).trim() === parsed.text.slice(arg.span.start, arg.span.end).trim();
        const endLine = parsed.index.position(run.instruction.span.end).line;
        const after = parsed.index.lineEndWithBreak(endLine);
        const nl = lineBreak(parsed.text);
        const needsBreak = after === parsed.text.length && !parsed.text.endsWith('\n');
        findings.push(
          finding(D21, {
            file,
            index: parsed.index,
            span: arg.span,
            message:
              `ARG ${names.join(', ')} is declared before the download step (line ${parsed.index.position(run.instruction.span.start).line}), ` +
              'and every RUN after an ARG sees it: a new value (a commit SHA, a version) invalidates the download ' +
              'layer, so all modules are fetched again.',
            advice:
              'Declare the ARG after the `go mod download` step, just before the instructions that use it.',
            fix:
              single && alone
                ? {
                    description: `declare ${names.join(', ')} after the download step`,
                    edits: [
                      {
                        file,
                        start: parsed.index.lineStart(argLine),
                        end: parsed.index.lineEndWithBreak(argLine),
                        replacement: '',
                      },
                      insert(file, after, `${needsBreak ? nl : ''}${parsed.index.lineText(argLine)}${nl}`),
                    ],
                  }
                : undefined,
          }),
        );
      });
    }
    return findings;
  },
};
