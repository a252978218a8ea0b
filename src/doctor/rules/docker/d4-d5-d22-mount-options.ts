/**
 * D4 (a non-root USER with Go cache mounts owned by root), D5 (mounts without the BuildKit frontend directive,
 * without the `id=` some hosted builders require, or built in CI by a builder without mounts) and D22 (`sharing=locked|private` on Go caches).
 */

import { dockerfiles } from '../../docker/analysis.js';
import { hasFile } from '../../docker/context.js';
import { type CacheMount, cacheMounts, looksLike } from '../../docker/go-caches.js';
import { type GoRun, goRuns } from '../../docker/go-runs.js';
import type { Finding, Rule } from '../../model.js';
import { finding, insert, lineBreak, replace } from '../finding.js';
import { ciBuilderFindings } from './d5-ci-builders.js';

/** The cache mounts of a RUN that serve its Go caches (at the effective path or plainly meant for one). */
function goCacheMounts(run: GoRun): CacheMount[] {
  const env = run.commands[0]!.env;
  return cacheMounts(run.stage, run.instruction).filter(
    (m) =>
      m.target === env.GOMODCACHE.value ||
      m.target === env.GOCACHE.value ||
      looksLike(m, 'GOMODCACHE') ||
      looksLike(m, 'GOCACHE'),
  );
}

export const D4: Rule = {
  id: 'D4',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'Go cache mounts are owned by root but go runs as another user',
  check(project) {
    const findings: Finding[] = [];
    for (const run of goRuns(project)) {
      const user = run.stage.before.get(run.instruction)?.user?.value.split(':')[0];
      if (user === undefined || user === '' || user === 'root' || user === '0') continue;
      const userSpec = run.stage.before.get(run.instruction)!.user!.value;
      const [uid, gid = uid] = userSpec.split(':');
      const numeric = /^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '');
      for (const cache of goCacheMounts(run)) {
        if (cache.mount.option('uid')) continue;
        const { file, parsed } = run.analysis;
        findings.push(
          finding(D4, {
            file,
            index: parsed.index,
            span: cache.mount.span,
            message:
              `go runs as user ${userSpec} here, but the cache mount at ${cache.target} is created owned by root ` +
              '(uid 0): go fails with `permission denied` or `disabling cache … due to initialization failure`.',
            advice: numeric
              ? `Add \`,uid=${uid},gid=${gid}\` to the mount, or download and build before USER.`
              : 'Add `,uid=<uid>,gid=<gid>` of that user to the mount, or download and build before USER.',
            fix: numeric
              ? {
                  description: `own the cache mount by ${uid}:${gid}`,
                  edits: [insert(file, cache.mount.span.end, `,uid=${uid},gid=${gid}`)],
                }
              : undefined,
          }),
        );
      }
    }
    return findings;
  },
};

export const D5: Rule = {
  id: 'D5',
  family: 'dockerfile',
  defaultSeverity: 'info',
  title: 'RUN --mount that the builder may reject or ignore',
  check(project) {
    const findings: Finding[] = ciBuilderFindings(D5, project);
    const railway = hasFile(project, 'railway.toml') || hasFile(project, 'railway.json');
    for (const { file, parsed } of dockerfiles(project)) {
      const mounted = parsed.instructions.filter((i) => i.mounts.length > 0);
      if (mounted.length === 0) continue;
      if (!parsed.directives.has('syntax')) {
        findings.push(
          finding(D5, {
            file,
            index: parsed.index,
            span: mounted[0]!.mounts[0]!.span,
            message:
              'RUN --mount is used without `# syntax=docker/dockerfile:1`: builders without a recent built-in ' +
              'frontend fail with `Unknown flag: mount`, and podman < 4 with `invalid mount type "cache"`.',
            advice:
              'Add `# syntax=docker/dockerfile:1` as the first line, and build with BuildKit (docker buildx).',
            fix: {
              description: 'declare the Dockerfile frontend',
              edits: [insert(file, 0, `# syntax=docker/dockerfile:1${lineBreak(parsed.text)}`)],
            },
          }),
        );
      }
      if (!railway) continue;
      for (const mount of mounted
        .flatMap((i) => i.mounts)
        .filter((m) => m.type === 'cache' && !m.option('id'))) {
        findings.push(
          finding(D5, {
            file,
            index: parsed.index,
            span: mount.span,
            message:
              'this cache mount has no id=, and this project deploys with Railway, whose builder rejects it: ' +
              "`flag '--mount=type=cache,…' is missing an id argument`.",
            advice: 'Add the id Railway expects, `id=s/<service-id>-<name>`, to every cache mount.',
          }),
        );
      }
    }
    return findings;
  },
};

export const D22: Rule = {
  id: 'D22',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'Go cache mounts with sharing=locked or sharing=private',
  check(project) {
    const findings: Finding[] = [];
    for (const run of goRuns(project)) {
      for (const cache of goCacheMounts(run)) {
        const sharing = cache.mount.option('sharing');
        if (!sharing || sharing.value === 'shared') continue;
        const { file, parsed } = run.analysis;
        // Remove the option with the comma before it (`type=cache` always comes first, so there is one).
        const comma = parsed.text.lastIndexOf(',', sharing.span.start);
        const removable = comma >= cache.mount.span.start;
        findings.push(
          finding(D22, {
            file,
            index: parsed.index,
            span: sharing.span,
            message:
              sharing.value === 'locked'
                ? `sharing=locked makes parallel builds wait for each other on ${cache.target}; go locks its caches itself, so several go commands may share one safely (locked is for apt).`
                : `sharing=private gives a parallel build a new, empty ${cache.target} instead of waiting or sharing, so it downloads or compiles everything again.`,
            advice: 'Drop the sharing option: the default, shared, is right for GOMODCACHE and GOCACHE.',
            fix: removable
              ? {
                  description: `drop sharing=${sharing.value}`,
                  edits: [replace(file, { start: comma, end: sharing.span.end }, '')],
                }
              : undefined,
          }),
        );
      }
    }
    return findings;
  },
};
