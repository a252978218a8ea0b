import { isWritable } from './backend.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK } from './exit-codes.js';
import { type CommonOptions, prepare } from './prepare.js';
import { createProgress } from './progress.js';
import { problemLines, saveJson, saveSummary } from './report.js';
import { saveModules } from './save.js';

/** `modgate cache save`: returns the exit status. */
export async function runSave(options: CommonOptions & { to: string }): Promise<number> {
  const started = performance.now();
  const prepared = await prepare('save', options, options.to);
  if (!prepared) return EXIT_BAD_INPUT;
  const { backend, modules, downloadCache } = prepared;
  try {
    if (!isWritable(backend)) {
      // A modgate server stores every module as it serves it, so it already has what this project fetched
      // through it; there is no upload API to push what came from elsewhere.
      const reason = `${backend.name} is a GOPROXY server, which caches modules as it serves them: nothing to upload`;
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ command: 'save', backend: backend.name, skipped: reason })}\n`
          : `${reason}\n`,
      );
      return EXIT_OK;
    }
    if (backend.note) process.stderr.write(`modgate cache save: ${backend.note}\n`);
    const progress = createProgress('save', process.stderr);
    const report = await saveModules(backend, downloadCache, modules, { jobs: options.jobs, progress });
    const timing = { seconds: Math.round(performance.now() - started) / 1000 };
    process.stderr.write(problemLines('save', report.errors, 'not uploaded'));
    if (report.modules > 0 && report.uploaded + report.alreadyStored + report.errors.length === 0) {
      // Most likely the wrong module cache, or a save before anything was downloaded: worth a word in the log.
      process.stderr.write(
        `modgate cache save: none of the modules go.sum lists is in ${downloadCache}: ` +
          'run it after "go mod download", with the module cache go used (--gomodcache)\n',
      );
    }
    process.stdout.write(
      options.json ? saveJson(backend.name, report, timing) : saveSummary(backend.name, report, timing),
    );
    return report.errors.length > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await backend.close();
  }
}
