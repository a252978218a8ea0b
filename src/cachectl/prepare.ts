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
    const { s3Endpoint, s3Region, s3ForcePathStyle } = options;
    const open = () => openBackend(backendSpec, command, { s3Endpoint, s3Region, s3ForcePathStyle });
    // A restore opens its backend (a first request, to S3 or a server) while go.sum and `go env` are read: each
    // is a good part of a small restore's time. A save opens it only once they are good, since opening a
    // directory for saving creates it, and bad input must change nothing.
    const opening = command === 'restore' ? open() : undefined;
    // Its failure is reported by the await below, unless go.sum's comes first.
    opening?.catch(() => {});
    const [{ entries }, { dir: moduleCache, goflags }] = await Promise.all([
      readProjectSums(options.project, process.env),
      moduleCacheSettings(options.gomodcache, process.env),
    ]).catch((err: unknown) => {
      // An opened backend must not keep the process alive after the error.
      opening?.then((backend) => backend.close()).catch(() => {});
      throw err;
    });
    const backend = await (opening ?? open());
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
