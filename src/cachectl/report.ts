import type { ModuleProblem } from './each-module.js';
import { formatBytes } from './format-bytes.js';
import type { CheckResult } from './offline-check.js';
import type { MissingFile, RestoreReport } from './restore.js';
import type { SaveReport } from './save.js';

/** Misses listed one per line in text mode; more would bury the summary on a first, empty-cache run. */
const MAX_LISTED_MISSES = 10;

export interface Timing {
  seconds: number;
}

export function saveJson(backend: string, report: SaveReport, timing: Timing): string {
  return `${JSON.stringify({ command: 'save', backend, ...report, seconds: timing.seconds })}\n`;
}

export function restoreJson(
  backend: string,
  destination: string,
  report: RestoreReport,
  timing: Timing,
  check: CheckResult | undefined,
): string {
  const body = {
    command: 'restore',
    backend,
    destination,
    ...report,
    seconds: timing.seconds,
    check: check ?? null,
  };
  return `${JSON.stringify(body)}\n`;
}

/** The one line a CI log needs: what moved, what was skipped, what failed, how long it took. */
export function saveSummary(backend: string, r: SaveReport, timing: Timing): string {
  return (
    `saved ${r.modules} modules to ${backend}: ${r.uploaded} files uploaded (${formatBytes(r.bytes)}), ` +
    `${r.alreadyStored} already stored, ${r.notDownloaded} not downloaded here, ${r.errors.length} refused, ` +
    `in ${timing.seconds.toFixed(1)} s\n`
  );
}

export function restoreSummary(
  backend: string,
  destination: string,
  r: RestoreReport,
  timing: Timing,
): string {
  return (
    `restored ${r.modules} modules from ${backend} into ${destination}: ${r.hits} files fetched ` +
    `(${formatBytes(r.bytes)}), ${r.alreadyPresent} already present, ${r.misses.length} missing, ` +
    `${r.errors.length} refused, in ${timing.seconds.toFixed(1)} s\n`
  );
}

/** One line per refused version, for stderr: module, what was wrong, and that nothing was written for it. */
export function problemLines(
  command: string,
  problems: readonly ModuleProblem[],
  consequence: string,
): string {
  return problems
    .map((p) => `modgate cache ${command}: ${p.module}@${p.version}: ${p.message}; ${consequence}\n`)
    .join('');
}

export function missLines(misses: readonly MissingFile[]): string {
  if (misses.length === 0) return '';
  const listed = misses.slice(0, MAX_LISTED_MISSES).map((m) => `  ${m.module}@${m.version} ${m.file}\n`);
  const more = misses.length - listed.length;
  return (
    `modgate cache restore: not in the cache (go will download these):\n${listed.join('')}` +
    (more > 0 ? `  and ${more} more (--json lists them all)\n` : '')
  );
}
