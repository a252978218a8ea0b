/**
 * D2 (no cache mount for a Go cache a RUN uses) and D3 (a Go cache mount whose target is not where go
 * writes). Both compare mount targets with the stage's effective GOMODCACHE / GOCACHE at that RUN.
 */
import { type CacheKind, cacheMounts, commandsUsing, looksLike } from '../../docker/go-caches.js';
import { type GoRun, goRuns } from '../../docker/go-runs.js';
import type { Finding, Rule } from '../../model.js';
import { finding, insert, replace } from '../finding.js';

const KINDS: CacheKind[] = ['GOMODCACHE', 'GOCACHE'];

interface CacheCheck {
  run: GoRun;
  kind: CacheKind;
  /** The effective path go uses in this RUN. */
  expected: { value: string; why: string };
}

/** The caches a RUN uses that no cache mount covers at the right path. */
function uncoveredCaches(run: GoRun): CacheCheck[] {
  const mounts = cacheMounts(run.stage, run.instruction);
  return KINDS.flatMap((kind) => {
    const command = commandsUsing(run.commands, kind)[0];
    if (!command) return [];
    const expected = command.env[kind];
    // go refuses a relative GOMODCACHE or GOCACHE outright; a mount cannot help there, and a mount target
    // is always absolute, so it could never be made to match.
    if (!expected.value.startsWith('/')) return [];
    if (mounts.some((m) => m.target === expected.value)) return [];
    return [{ run, kind, expected }];
  });
}

export const D2: Rule = {
  id: 'D2',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'A RUN that uses a Go cache has no cache mount for it',
  check(project) {
    const findings: Finding[] = [];
    for (const run of goRuns(project)) {
      const mounts = cacheMounts(run.stage, run.instruction);
      // A mount that is meant for the cache but sits at the wrong path is D3's finding, not D2's.
      const missing = uncoveredCaches(run).filter((c) => !mounts.some((m) => looksLike(m, c.kind)));
      if (missing.length === 0) continue;
      const { file, parsed } = run.analysis;
      const names = missing.map((c) => `${c.kind} (${c.expected.value})`).join(' and ');
      const flags = missing.map((c) => ` --mount=type=cache,target=${c.expected.value}`).join('');
      findings.push(
        finding(D2, {
          file,
          index: parsed.index,
          span: { start: run.instruction.span.start, end: run.instruction.keywordEnd },
          message:
            `this RUN runs go without a cache mount for ${names}: every change to an earlier layer (go.sum, ` +
            'the source) starts it from an empty cache, so modules are downloaded and packages compiled again.',
          advice: `Add ${missing.map((c) => `\`--mount=type=cache,target=${c.expected.value}\``).join(' and ')} to the RUN (targets are this stage's effective paths).`,
          fix: {
            description: `mount ${missing.map((c) => c.kind).join(' and ')} as BuildKit caches`,
            edits: [insert(file, run.instruction.keywordEnd, flags)],
          },
        }),
      );
    }
    return findings;
  },
};

export const D3: Rule = {
  id: 'D3',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'A Go cache mount targets a path go does not use',
  check(project) {
    const findings: Finding[] = [];
    for (const run of goRuns(project)) {
      const mounts = cacheMounts(run.stage, run.instruction);
      for (const check of uncoveredCaches(run)) {
        const wrong = mounts.find((m) => looksLike(m, check.kind));
        if (!wrong) continue;
        const { file, parsed } = run.analysis;
        const valueSpan = {
          start: wrong.targetOption.span.end - wrong.targetOption.value.length,
          end: wrong.targetOption.span.end,
        };
        findings.push(
          finding(D3, {
            file,
            index: parsed.index,
            span: wrong.targetOption.span,
            message:
              `the cache mount targets ${wrong.target}, but ${check.kind} in this RUN is ${check.expected.value} ` +
              `(${check.expected.why}): go writes outside the mount and downloads or rebuilds everything on every ` +
              'build. go build and go mod download use the same ' +
              `${check.kind}, so the mismatch that matters is between ${check.kind} and the mount target.`,
            advice:
              `Mount ${check.expected.value}, or set \`ENV ${check.kind}=${wrong.target}\` explicitly so both agree ` +
              '(USER, HOME, GOPATH and `go env -w` all move the default).',
            fix: {
              description: `point the cache mount at ${check.expected.value}`,
              edits: [replace(file, valueSpan, check.expected.value)],
            },
          }),
        );
      }
    }
    return findings;
  },
};
