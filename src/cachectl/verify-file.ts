import { readFile, stat } from 'node:fs/promises';
import { hashGoMod } from '../gomod/dirhash.js';
import { MAX_GO_MOD } from '../gomod/zip-rules.js';
import { inspectModuleZip, type ZipFileSink } from '../zipfile/inspect-module-zip.js';
import type { ModuleFile } from './module-files.js';

/** A file that does not match go.sum, or is not what its name says: never saved, never restored. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

/**
 * Checks a local copy of a module file against go.sum: the zip's h1 (computed while checking the zip rules
 * as go does), the go.mod's h1, and for `.info` (which go.sum does not cover) that it is the JSON the go
 * command accepts for this version. Throws IntegrityError naming the module, the expected and actual hash.
 * A zip's files are given to `extract` as they are checked; what it wrote is unchecked until this returns.
 * `data`, when given, is the file's content already in memory, which spares reading it back.
 */
export async function verifyFile(
  module: string,
  version: string,
  file: ModuleFile,
  path: string,
  options: { extract?: ZipFileSink; data?: Buffer } = {},
): Promise<void> {
  // Messages are reported under `module@version`; they name the file by kind and by key, not by a temporary path.
  const subject = file.kind;
  if (file.kind === 'zip') {
    let actual: string;
    try {
      actual = (await inspectModuleZip(path, module, version, options)).h1;
    } catch (err) {
      throw new IntegrityError(
        `${subject}: not a valid module zip: ${(err as Error).message.replaceAll(path, file.key)}`,
      );
    }
    return compare(subject, file.expected, actual);
  }
  const size = options.data?.length ?? (await stat(path)).size;
  if (size > MAX_GO_MOD) throw new IntegrityError(`${subject}: file is too large (${size} bytes)`);
  const bytes = options.data ?? (await readFile(path));
  if (file.kind === 'mod') return compare(subject, file.expected, hashGoMod(bytes));
  let info: unknown;
  try {
    info = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new IntegrityError(`${subject}: not valid JSON`);
  }
  const found = (info as { Version?: unknown } | null)?.Version;
  if (found !== version) {
    throw new IntegrityError(`${subject}: describes version ${JSON.stringify(found)} instead`);
  }
}

function compare(subject: string, expected: string | undefined, actual: string): void {
  if (expected !== undefined && actual !== expected) {
    throw new IntegrityError(
      `${subject}: checksum mismatch: go.sum has ${expected}, the file hashes to ${actual}`,
    );
  }
}
