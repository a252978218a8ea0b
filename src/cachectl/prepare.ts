import { join } from 'node:path';
import type { ReadBackend, WriteBackend } from './backend.js';
import { GoMissingError } from './go-command.js';
import { GoSumError } from './go-sum.js';
import { moduleCacheDir } from './module-cache-dir.js';
import { type ModuleFiles, moduleFiles } from './module-files.js';
import { BackendError, openBackend } from './open-backend.js';
import { readProjectSums } from './project-sums.js';

export interface CommonOptions {
  project: string;
  gomodcache?: string;
  jobs: number;
  json: boolean;
}

/** Everything save and restore need before moving a byte, or the message that says why they cannot start. */
export interface Prepared {
  projectDir: string;
  modules: ModuleFiles[];
  /** `$GOMODCACHE/cache/download`. */
  downloadCache: string;
  moduleCache: string;
  backend: ReadBackend | WriteBackend;
}

/** Input problems every command reports the same way: a message and the bad-input exit status. */
export function isInputError(err: unknown): err is Error {
  return err instanceof GoSumError || err instanceof BackendError || err instanceof GoMissingError;
}

export async function prepare(
  options: { project: string; gomodcache?: string },
  backendSpec: string,
  purpose: 'save' | 'restore',
): Promise<Prepared> {
  const { entries } = await readProjectSums(options.project, process.env);
  const moduleCache = await moduleCacheDir(options.gomodcache, process.env);
  const backend = await openBackend(backendSpec, purpose);
  return {
    projectDir: options.project,
    modules: entries.map(moduleFiles),
    downloadCache: join(moduleCache, 'cache', 'download'),
    moduleCache,
    backend,
  };
}
