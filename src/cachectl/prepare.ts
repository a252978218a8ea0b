import { join } from 'node:path';
import { BackendError, type ReadBackend, type WriteBackend } from './backend.js';
import { GoMissingError } from './go-command.js';
import { GoSumError } from './go-sum.js';
import { moduleCacheSettings } from './module-cache-dir.js';
import { type ModuleFiles, moduleFiles } from './module-files.js';
import { openBackend } from './open-backend.js';
import { readProjectSums } from './project-sums.js';
import type { S3Flags } from './s3-location.js';

export interface CommonOptions extends S3Flags {
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
  /** The GOFLAGS go runs with here: `-modcacherw` in them keeps extracted modules writable. */
  goflags: string | undefined;
  backend: ReadBackend | WriteBackend;
}

/** Problems with what the user gave: reported as a message and the bad-input status, never as a crash. */
function isInputError(err: unknown): err is Error {
  return err instanceof GoSumError || err instanceof BackendError || err instanceof GoMissingError;
}

/**
 * Reads the project's go.sum files, finds the module cache and opens the backend. Bad input is reported on
 * stderr under the command's name and gives undefined: the caller exits with the bad-input status.
 */
export async function prepare(
  command: 'save' | 'restore',
  options: { project: string; gomodcache?: string } & S3Flags,
  backendSpec: string,
): Promise<Prepared | undefined> {
  try {
    const { entries } = await readProjectSums(options.project, process.env);
    const { dir: moduleCache, goflags } = await moduleCacheSettings(options.gomodcache, process.env);
    const { s3Endpoint, s3Region, s3ForcePathStyle } = options;
    const backend = await openBackend(backendSpec, command, { s3Endpoint, s3Region, s3ForcePathStyle });
    return {
      projectDir: options.project,
      modules: entries.map(moduleFiles),
      downloadCache: join(moduleCache, 'cache', 'download'),
      moduleCache,
      goflags,
      backend,
    };
  } catch (err) {
    if (!isInputError(err)) throw err;
    process.stderr.write(`modgate cache ${command}: ${err.message}\n`);
    return undefined;
  }
}
