import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../cli/version.js';
import { FsStore } from '../storage/fs-store.js';
import { BackendError, type ReadBackend, StoreBackend, type WriteBackend } from './backend.js';
import { BACKEND_FORMS } from './backend-forms.js';
import { DirectoryReader } from './directory-reader.js';
import { PackedReader, PackedWriter } from './packed-backend.js';
import { describeFsError } from './project-sums.js';
import type { S3Flags } from './s3-location.js';
import { envCredentials, S3Reader } from './s3-reader.js';

/**
 * Opens the backend a --to/--from value names: a directory (`dir:PATH`, `file://` URL or a plain path), an S3
 * bucket (`s3://bucket/prefix`), or a GOPROXY server (`http(s)://`). Saving needs a writable directory, which
 * is created if missing; restoring from a directory that does not exist yet (the first CI run) reads nothing,
 * so every module is a miss, as does restoring from an S3 prefix that holds nothing yet.
 */
export async function openBackend(
  spec: string,
  purpose: 'save' | 'restore',
  s3: S3Flags = {},
): Promise<ReadBackend | WriteBackend> {
  if (/^s3:/i.test(spec)) {
    // A bucket holds packs of module files (packed-backend.ts): a restore reads a few ranges, not every file.
    // Restore only reads: with the credentials in the environment, plain signed GETs do (s3-reader.ts).
    const credentials = purpose === 'restore' ? envCredentials(process.env) : undefined;
    if (credentials) return PackedReader.open(await S3Reader.open(spec, s3, credentials));
    // The AWS SDK takes a third of a second to load: only those who need it wait for it.
    const { openS3Backend } = await import('./s3-backend.js');
    const bucket = await openS3Backend(spec, s3);
    return purpose === 'save' ? PackedWriter.open(bucket) : PackedReader.open(bucket);
  }
  if (Object.values(s3).some((v) => v !== undefined && v !== false)) {
    // Ignoring them would hide a mistake in the backend, such as a bucket given without "s3://".
    throw new BackendError(
      `--s3-endpoint, --s3-region and --s3-force-path-style apply only to s3:// backends, not ${JSON.stringify(spec)}`,
    );
  }
  if (/^https?:\/\//i.test(spec)) {
    // Like the SDK above, the HTTP client is loaded only by those who restore from a server.
    const [{ createHttpClient }, { ProxyBackend }] = await Promise.all([
      import('../sources/http-client.js'),
      import('./proxy-backend.js'),
    ]);
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
