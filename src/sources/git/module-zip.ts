import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { type CandidateFile, checkFiles, MAX_LICENSE, MAX_ZIP_FILE } from '../../gomod/zip-rules.js';
import { moduleZipStream } from '../../zipfile/write-module-zip.js';
import type { GitMirror } from './git-mirror.js';
import type { TreeFile } from './tree-files.js';

/** A zip that the rules refuse to create (zip.Create's errors), with go's `create zip:` wording. */
export class CreateZipError extends Error {
  override readonly name = 'CreateZipError';
}

/**
 * Bytes of a tree git may unpack for one zip. Go caps the archive it reads at 500 MiB compressed; the cap
 * here is on raw bytes, and wider, since vendored or nested-module files are read and then left out.
 */
const MAX_ARCHIVE_BYTES = 2 * MAX_ZIP_FILE;

/** Files are held in memory until the tree read so far passes this; a larger module goes to disk. */
const IN_MEMORY_BYTES = 16 << 20;

interface ArchivedFile extends CandidateFile {
  /** Regular files only: unpacked to a file (from the archive) or read whole (the root LICENSE). */
  content?: { file: string } | Buffer;
}

export interface ModuleZipRequest {
  mirror: GitMirror;
  /** The full commit hash. */
  hash: string;
  /** The module's directory in the repository ('' for the root). */
  subdir: string;
  modulePath: string;
  version: string;
  /**
   * Where files past the first IN_MEMORY_BYTES are unpacked (created if needed); the caller removes it once
   * the zip has streamed.
   */
  workDir: string;
}

/**
 * codeRepo.Zip: the files of `git archive` (so .gitattributes conversions apply; read from the tree itself
 * when no attributes apply), those under the module's directory only, plus the repository's root LICENSE for a module in a subdirectory that has none, then
 * zip.Create's rules (vendored packages by the go line, nested modules, symlinks, sizes, collisions).
 * Contents are kept in memory up to IN_MEMORY_BYTES (most modules), the rest unpacked to `workDir` one
 * numbered file each, so no archive path ever reaches the file system.
 */
export async function buildModuleZip(request: ModuleZipRequest): Promise<Readable> {
  const plain = await request.mirror.plainFiles(request.hash, request.subdir, IN_MEMORY_BYTES);
  const { files, haveLicense } = plain ? fromTree(plain) : await unpack(request);
  if (!haveLicense && request.subdir !== '') {
    const license = await request.mirror.readFile(request.hash, 'LICENSE', MAX_LICENSE);
    if (license !== undefined)
      files.push({ path: 'LICENSE', size: license.length, mode: 'file', content: license });
  }
  const goMod = await textOf(files.find((f) => f.path === 'go.mod' && f.mode === 'file'));
  const checked = checkFiles(files, goMod);
  const problems = checked.invalid.map((p) => `${p.path}: ${p.reason}`);
  if (checked.sizeError !== undefined) problems.push(checked.sizeError);
  if (problems.length > 0) throw new CreateZipError(`create zip: ${problems.join('\n')}`);
  return moduleZipStream(
    request.modulePath,
    request.version,
    checked.valid.map((f) => ({ path: f.path, content: f.content! })),
  );
}

/** Files read straight from the tree, as unpack would have found them in the archive. */
function fromTree(plain: TreeFile[]): { files: ArchivedFile[]; haveLicense: boolean } {
  const files = plain.map(
    ({ path, mode, content }): ArchivedFile =>
      mode === 'file' ? { path, size: content.length, mode, content } : { path, size: 0, mode },
  );
  return { files, haveLicense: plain.some((f) => f.path === 'LICENSE') };
}

/** The root go.mod as archived (converted), whose `go` line decides the vendor rule. */
async function textOf(goMod: ArchivedFile | undefined): Promise<string | undefined> {
  const content = goMod?.content;
  if (content === undefined) return undefined;
  return Buffer.isBuffer(content) ? content.toString('utf8') : readFile(content.file, 'utf8');
}

async function unpack(request: ModuleZipRequest): Promise<{ files: ArchivedFile[]; haveLicense: boolean }> {
  const archive = await request.mirror.archive(request.hash, request.subdir);
  const prefix = request.subdir === '' ? '' : `${request.subdir}/`;
  const files: ArchivedFile[] = [];
  let haveLicense = false;
  let total = 0;
  let madeWorkDir = false;
  const tar = extract();
  const reading = pipeline(archive.stdout, tar);
  reading.catch(() => {});
  try {
    for await (const entry of tar) {
      const { name: raw, type } = entry.header;
      const name = raw.startsWith(prefix) ? raw.slice(prefix.length) : undefined;
      if (name === undefined || name === '' || name.endsWith('/') || type === 'directory') {
        entry.resume();
        continue;
      }
      if (name === 'LICENSE') haveLicense = true;
      if (type === 'file') {
        total += entry.header.size ?? 0;
        if (total > MAX_ARCHIVE_BYTES) {
          throw new CreateZipError(
            `create zip: repository tree at ${request.hash} is larger than ${MAX_ARCHIVE_BYTES} bytes`,
          );
        }
        const size = entry.header.size ?? 0;
        if (total <= IN_MEMORY_BYTES) {
          files.push({ path: name, size, mode: 'file', content: await buffer(entry) });
          continue;
        }
        if (!madeWorkDir) madeWorkDir = await mkdir(request.workDir, { recursive: true }).then(() => true);
        const file = join(request.workDir, String(files.length));
        await pipeline(entry, createWriteStream(file, { flags: 'wx' }));
        files.push({ path: name, size, mode: 'file', content: { file } });
      } else {
        entry.resume();
        files.push({ path: name, size: 0, mode: type === 'symlink' ? 'symlink' : 'other' });
      }
    }
  } catch (err) {
    archive.kill();
    await archive.done.catch(() => {});
    throw err;
  }
  await reading;
  await archive.done;
  return { files, haveLicense };
}
