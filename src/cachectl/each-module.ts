import pLimit from 'p-limit';
import { byModuleVersion } from './go-sum.js';
import type { ModuleFiles } from './module-files.js';
import type { Progress } from './progress.js';

/** A module version that could not be saved or restored, and why. */
export interface ModuleProblem {
  module: string;
  version: string;
  message: string;
}

/**
 * Runs `work` for every module with at most `jobs` at once, so many small transfers overlap without opening
 * hundreds of files or connections. A module's failure is collected, never stops the others.
 */
export async function eachModule(
  modules: readonly ModuleFiles[],
  jobs: number,
  progress: Progress,
  work: (m: ModuleFiles) => Promise<number>,
): Promise<ModuleProblem[]> {
  const limit = pLimit(jobs);
  const problems: ModuleProblem[] = [];
  progress.start(modules.length);
  try {
    await Promise.all(
      modules.map((m) =>
        limit(async () => {
          let bytes = 0;
          try {
            bytes = await work(m);
          } catch (err) {
            problems.push({ module: m.module, version: m.version, message: (err as Error).message });
          }
          progress.moduleDone(bytes);
        }),
      ),
    );
  } finally {
    progress.stop();
  }
  return problems.sort(byModuleVersion);
}
