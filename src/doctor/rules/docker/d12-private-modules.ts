/**
 * D12: go.mod requires private modules but the build stage's GOPRIVATE/GONOPROXY does not cover them, so go
 * asks the public proxy and checksum database, which answer 404/410 Gone. Private means: declared in the doctor
 * config (`private:`), in the user's own `go env` GOPRIVATE/GONOPROXY, or hosted on an internal-looking host.
 */
import { matchPrefixPatterns } from '../../../gomod/patterns.js';
import { inContext } from '../../docker/context.js';
import { commandsUsing } from '../../docker/go-caches.js';
import { type GoRun, goRuns } from '../../docker/go-runs.js';
import type { Finding, ProjectView, Rule } from '../../model.js';
import { buildSteps } from '../../parsers/ci/build-steps.js';
import { fetchedRequires, goModAt } from '../../parsers/gomod.js';
import { envSettings } from '../env/sources.js';
import { finding, insert, lineBreak } from '../finding.js';

const NOPROXY_VARIABLES = ['GOPRIVATE', 'GONOPROXY'];

const INTERNAL_TLD = /\.(?:local|internal|corp|lan|intranet|home|localdomain)$/i;

interface DeclaredPattern {
  pattern: string;
  source: string;
  /** Set in a CI job's env, which a build receives only through a build ARG. */
  ci: boolean;
}

/** Declared private patterns, each with where it was declared. */
function declaredPatterns(project: ProjectView): DeclaredPattern[] {
  const split = (value: string | undefined, source: string, ci = false) =>
    (value ?? '')
      .split(',')
      .filter((p) => p.trim() !== '')
      .map((pattern) => ({ pattern: pattern.trim(), source, ci }));
  return [
    ...split(project.privateModules, 'the doctor config'),
    ...split(project.goEnv?.GOPRIVATE, 'your go env GOPRIVATE'),
    ...split(project.goEnv?.GONOPROXY, 'your go env GONOPROXY'),
    ...envSettings(project, NOPROXY_VARIABLES)
      .filter((s) => s.scopes)
      .flatMap((s) => split(s.value, `${s.label} in ${s.file}`, true)),
    ...buildSteps(project).flatMap((step) =>
      step.buildArgs
        .filter((a) => NOPROXY_VARIABLES.includes(a.name) && !a.value?.includes('$'))
        .flatMap((a) => split(a.value, `the build argument ${a.name} in ${step.file.file}`, true)),
    ),
  ];
}

/** The stage declares `ARG GOPRIVATE` (or GONOPROXY) with no default before the RUN: CI can pass its value in. */
function takesPrivateArg(run: GoRun): boolean {
  const before = run.stage.stage.instructions.slice(0, run.stage.stage.instructions.indexOf(run.instruction));
  return before.some(
    (i) =>
      i.keyword === 'ARG' &&
      i.properties.some((p) => NOPROXY_VARIABLES.includes(p.name) && p.value === undefined),
  );
}

/**
 * Whether CI passes the Dockerfile a GOPRIVATE/GONOPROXY build argument whose value doctor cannot read: an
 * expression (`${{ vars.GOPRIVATE }}`, `$GOPRIVATE`), or a bare name handing on a job value the CI files do not
 * set (a project or group variable). It is given the benefit of the doubt, as E1 gives expressions.
 */
function passesUnreadablePrivateArg(project: ProjectView, dockerfile: string): boolean {
  const setInCi = new Set(
    envSettings(project, NOPROXY_VARIABLES)
      .filter((s) => s.scopes)
      .map((s) => s.name),
  );
  return buildSteps(project).some(
    (step) =>
      (step.dockerfile === undefined || step.dockerfile === dockerfile) &&
      step.buildArgs.some(
        (a) =>
          NOPROXY_VARIABLES.includes(a.name) &&
          (a.value === undefined ? !setInCi.has(a.name) : a.value.includes('$')),
      ),
  );
}

/** A host with no dot, an IP address or an internal TLD cannot be served by a public proxy. */
function internalHost(modulePath: string): string | undefined {
  const host = modulePath.split('/')[0]!;
  if (!host.includes('.') || INTERNAL_TLD.test(host) || /^\d+\.\d+\.\d+\.\d+(?::\d+)?$/.test(host))
    return host;
  return undefined;
}

export const D12: Rule = {
  id: 'D12',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'Private modules are fetched through the public proxy',
  check(project) {
    const declared = declaredPatterns(project);
    const findings: Finding[] = [];
    const reportedStages = new Set<unknown>();
    for (const run of goRuns(project)) {
      const command = commandsUsing(run.commands, 'GOMODCACHE')[0];
      const gomod = goModAt(project, inContext(run.analysis, ''));
      if (!command || !gomod || reportedStages.has(run.stage)) continue;
      const env = command.env;
      const firstEntry = env.GOPROXY.value.split(/[,|]/)[0]!.trim();
      if (firstEntry === 'direct' || firstEntry === 'off' || firstEntry === '') continue;
      // A CI GOPRIVATE covers the build when the stage takes it as an ARG (`--build-arg GOPRIVATE`).
      const takesArg = takesPrivateArg(run);
      if (takesArg && passesUnreadablePrivateArg(project, run.analysis.file)) continue;
      const fromCi = takesArg ? declared.filter((d) => d.ci) : [];
      const uncovered = fetchedRequires(gomod).flatMap((r) => {
        if (matchPrefixPatterns(env.GONOPROXY.value, r.value.path)) return [];
        if (fromCi.some((d) => matchPrefixPatterns(d.pattern, r.value.path))) return [];
        const pattern = declared.find((d) => matchPrefixPatterns(d.pattern, r.value.path));
        const host = pattern ? undefined : internalHost(r.value.path);
        if (!pattern && !host) return [];
        return [
          {
            path: r.value.path,
            pattern: pattern?.pattern ?? host!,
            source: pattern?.source ?? 'an internal host',
          },
        ];
      });
      if (uncovered.length === 0) continue;
      reportedStages.add(run.stage);
      const { file, parsed } = run.analysis;
      const patterns = [...new Set(uncovered.map((u) => u.pattern))];
      const merged = [env.GOPRIVATE.value, ...patterns].filter((p) => p !== '').join(',');
      // Adding an ENV only works when nothing later in the stage sets these variables itself.
      const mechanical =
        env.GOPRIVATE.why === 'unset' &&
        env.GONOPROXY.why.startsWith('defaults') &&
        env.GONOSUMDB.why.startsWith('defaults');
      // Right after FROM, so every RUN of the stage (including download steps added later) sees it.
      const fromLine = parsed.index.position(run.stage.stage.from.span.end).line;
      findings.push(
        finding(D12, {
          file,
          index: parsed.index,
          span: run.instruction.span,
          message:
            `go.mod requires ${uncovered.map((u) => `${u.path} (private per ${u.source})`).join(', ')}, but GOPRIVATE ` +
            `in this stage is ${JSON.stringify(env.GOPRIVATE.value)}: go asks ${firstEntry} and the checksum database ` +
            'for it, which answer 404/410 Gone (and learn the private module path).',
          advice: `Set \`ENV GOPRIVATE=${merged}\` in the stage (or pass it as a build ARG), and give the build credentials per D11.`,
          fix: mechanical
            ? {
                description: `set GOPRIVATE=${merged}`,
                edits: [
                  insert(
                    file,
                    parsed.index.lineEndWithBreak(fromLine),
                    `ENV GOPRIVATE=${merged}${lineBreak(parsed.text)}`,
                  ),
                ],
              }
            : undefined,
        }),
      );
    }
    return findings;
  },
};
