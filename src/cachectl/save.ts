import { copyFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WriteBackend } from './backend.js';
import { eachModule, type ModuleProblem } from './each-module.js';
import type { ModuleFile, ModuleFiles } from './module-files.js';
import type { Progress } from './progress.js';
import { verifyFile } from './verify-file.js';

export interface SaveReport {
  modules: number;
  /** Files the backend lacked and now has. */
  uploaded: number;
  /** Files the backend had already: not read, not sent. */
  alreadyStored: number;
  /** Files go.sum names that this machine never downloaded (go fetches only what a build needs). */
  notDownloaded: number;
  bytes: number;
  /** `module@version` of every version that had at least one file uploaded. */
  uploadedModules: string[];
  errors: ModuleProblem[];
}

/**
 * Uploads from a download cache (`$GOMODCACHE/cache/download`) the files of every go.sum entry that the backend
 * lacks. A version's missing files are copied to staging and checked against go.sum first, and none of them is
 * uploaded unless all pass: a poisoned local cache never reaches the shared one.
 */
export async function saveModules(
  backend: WriteBackend,
  downloadCache: string,
  modules: readonly ModuleFiles[],
  options: { jobs: number; progress: Progress },
): Promise<SaveReport> {
  const report: SaveReport = {
    modules: modules.length,
    uploaded: 0,
    alreadyStored: 0,
    notDownloaded: 0,
    bytes: 0,
    uploadedModules: [],
    errors: [],
  };
  report.errors = await eachModule(modules, options.jobs, options.progress, async (m) => {
    const toUpload: Array<{ file: ModuleFile; staged: string; size: number }> = [];
    try {
      for (const file of m.files) {
        const local = join(downloadCache, file.key);
        const size = await sizeOf(local);
        if (size === undefined) {
          report.notDownloaded++;
          continue;
        }
        if (await backend.has(file.key)) {
          report.alreadyStored++;
          continue;
        }
        // The copy is what gets checked and sent, so a file changing under us cannot slip through unchecked.
        const staged = backend.stagingFile();
        toUpload.push({ file, staged, size });
        await copyFile(local, staged);
        await verifyFile(m.module, m.version, file, staged);
      }
      let bytes = 0;
      let uploaded = 0;
      for (const { file, staged, size } of toUpload) {
        // Another job may have stored it since `has`: the first writer wins and its copy is as good.
        if ((await backend.put(file.key, staged)) === 'exists') {
          report.alreadyStored++;
          continue;
        }
        uploaded++;
        bytes += size;
      }
      report.uploaded += uploaded;
      if (uploaded > 0) report.uploadedModules.push(`${m.module}@${m.version}`);
      report.bytes += bytes;
      return bytes;
    } finally {
      await Promise.all(toUpload.map(({ staged }) => rm(staged, { force: true })));
    }
  });
  // A packed backend uploads here what it was handed above, and the catalog of it (counted as sent too).
  report.bytes += (await backend.flush?.()) ?? 0;
  report.uploadedModules.sort();
  return report;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
