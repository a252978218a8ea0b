import { lstat, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FilesExistError, ScaffoldError } from './errors.js';
import type { GeneratedFile } from './generate.js';

/**
 * Writes every file or none: existing files are refused unless `force`, and each file is written to a
 * temporary name and renamed, so an interrupted run never leaves half a Dockerfile behind.
 */
export async function writeFiles(root: string, files: GeneratedFile[], force: boolean): Promise<void> {
  if (!force) {
    const existing: string[] = [];
    for (const f of files) if (await lstat(join(root, f.path)).catch(() => undefined)) existing.push(f.path);
    if (existing.length > 0) {
      throw new FilesExistError(
        `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${root}: ` +
          'nothing was written. Pass --force to replace, or --dry-run to see what would be written',
      );
    }
  }
  for (const f of files) {
    const target = join(root, f.path);
    const temporary = `${target}.modgate-${process.pid}.tmp`;
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(temporary, f.content);
      await rename(temporary, target);
    } catch (err) {
      throw new ScaffoldError(`cannot write ${target}: ${(err as Error).message}`);
    }
  }
}
