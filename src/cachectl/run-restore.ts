import { resolve } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK } from './exit-codes.js';
import { GoMissingError } from './go-command.js';
import { modCacheReadOnly } from './module-dir.js';
import { type CheckResult, offlineCheck } from './offline-check.js';
import { type CommonOptions, prepare } from './prepare.js';
import { createProgress } from './progress.js';
import { missLines, problemLines, restoreJson, restoreSummary } from './report.js';
import { restoreModules } from './restore.js';

export interface RestoreOptions extends CommonOptions {
  from: string;
  into?: string;
  check: boolean;
  allowIncomplete: boolean;
}

/** `modgate cache restore`: returns the exit status. */
export async function runRestore(options: RestoreOptions): Promise<number> {
  const started = performance.now();
  const prepared = await prepare('restore', options, options.from);
  if (!prepared) return EXIT_BAD_INPUT;
  const { backend, modules, projectDir } = prepared;
  const destination = options.into === undefined ? prepared.downloadCache : resolve(options.into);
  let report: Awaited<ReturnType<typeof restoreModules>>;
  try {
    if (backend.note) process.stderr.write(`modgate cache restore: ${backend.note}\n`);
    const progress = createProgress('restore', process.stderr);
    // Into a module cache, zips are extracted as go would; a GOPROXY tree gets the zips alone.
    const extractInto =
      options.into === undefined
        ? { moduleCache: prepared.moduleCache, readOnly: modCacheReadOnly(prepared.goflags) }
        : undefined;
    report = await restoreModules(backend, destination, modules, {
      jobs: options.jobs,
      progress,
      extractInto,
    });
  } finally {
    await backend.close();
  }
  const timing = { seconds: Math.round(performance.now() - started) / 1000 };
  let check: CheckResult | undefined;
  if (options.check) {
    try {
      const restored =
        options.into === undefined ? { moduleCache: prepared.moduleCache } : { proxyTree: destination };
      check = await offlineCheck(projectDir, restored, process.env);
    } catch (err) {
      if (!(err instanceof GoMissingError)) throw err;
      process.stderr.write(`modgate cache restore: --check needs the go command: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
  }
  process.stderr.write(problemLines('restore', report.errors, 'nothing was written for it'));
  process.stderr.write(missLines(report.misses));
  if (check && !check.ok) {
    process.stderr.write(
      `modgate cache restore: the offline check failed: go mod download says:\n${check.output}\n`,
    );
  }
  process.stdout.write(
    options.json
      ? restoreJson(backend.name, destination, report, timing, check)
      : restoreSummary(backend.name, destination, report, timing),
  );
  if (report.errors.length > 0) return EXIT_FAILED;
  if (check && !check.ok) return EXIT_INCOMPLETE;
  if (report.misses.length > 0 && !options.allowIncomplete) return EXIT_INCOMPLETE;
  return EXIT_OK;
}
