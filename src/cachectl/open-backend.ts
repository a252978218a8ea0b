import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../cli/version.js';
import { createHttpClient } from '../sources/http-client.js';
import { FsStore } from '../storage/fs-store.js';
import { type ReadBackend, StoreBackend, type WriteBackend } from './backend.js';
import { DirectoryReader } from './directory-reader.js';
import { describeFsError } from './project-sums.js';
import { ProxyBackend } from './proxy-backend.js';

/** A --to/--from value that names no usable backend. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

export const BACKEND_FORMS = 'dir:/path (or a plain path, or file:///path), http(s)://modgate-server';

/**
 * Opens the backend a --to/--from value names: a directory (`dir:PATH`, `file://` URL or a plain path), or a
 * GOPROXY server (`http(s)://`). Saving needs a writable directory, which is created if missing; restoring from
 * a directory that does not exist yet (the first CI run) reads nothing, so every module is a miss.
 */
export async function openBackend(
  spec: string,
  purpose: 'save' | 'restore',
): Promise<ReadBackend | WriteBackend> {
  if (/^https?:\/\//i.test(spec)) {
    const dispatcher = createHttpClient({
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 60_000,
      bodyTimeoutMs: 60_000,
      retries: 2,
      connectionsPerOrigin: 16,
    });
    return new ProxyBackend(spec, dispatcher, `modgate/${VERSION} (cache restore)`);
  }
  const dir = directoryOf(spec);
  if (purpose === 'save') return openDirectoryForSave(dir);
  return openDirectoryForRestore(dir);
}

function directoryOf(spec: string): string {
  if (spec.startsWith('dir:')) return resolve(spec.slice('dir:'.length));
  if (/^file:\/\//i.test(spec)) return fileURLToPath(spec);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || spec === '') {
    throw new BackendError(`unsupported cache backend ${JSON.stringify(spec)}: use one of ${BACKEND_FORMS}`);
  }
  return resolve(spec);
}

async function openDirectoryForSave(dir: string): Promise<WriteBackend> {
  try {
    // Staging is not cleaned: several jobs may save into one shared directory at once.
    return new StoreBackend(await FsStore.open(dir, { cleanStaging: false }), `dir:${dir}`);
  } catch (err) {
    throw new BackendError(`cannot write to cache directory ${dir}: ${describeFsError(err)}`);
  }
}

async function openDirectoryForRestore(dir: string): Promise<ReadBackend> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new BackendError(`cache directory ${dir} is not a directory`);
    await access(dir, constants.R_OK | constants.X_OK);
  } catch (err) {
    if (err instanceof BackendError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new BackendError(`cannot read cache directory ${dir}: ${describeFsError(err)}`);
    return new DirectoryReader(dir, `cache directory ${dir} does not exist yet: every module is a miss`);
  }
  return new DirectoryReader(dir);
}
