import { appendFileSync, mkdirSync } from 'node:fs';
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the whole test suite captures of modgate's output for the secret scan that follows it (see
 * scripts/test-suite.ts): MODGATE_TEST_ARTIFACTS names a fresh directory for one run. A test run alone has no
 * such directory, and then nothing is recorded.
 */
export const ARTIFACTS_ENV = 'MODGATE_TEST_ARTIFACTS';

/** The kinds of output captured, each a directory under `captured/`: the scan counts each of them. */
export const CAPTURE_KINDS = {
  serve: 'stdout and stderr of `modgate serve` processes',
  cli: 'stdout and stderr of other modgate commands',
  responses: 'HTTP responses modgate sent to tests',
  go: 'output of the go command (which quotes the error bodies of its proxy)',
  stored: 'files under modgate data directories and cache stores',
  s3: 'objects in the buckets of the test S3 service',
} as const;
export type CaptureKind = keyof typeof CAPTURE_KINDS;

export function artifactsDir(): string | undefined {
  return process.env[ARTIFACTS_ENV] || undefined;
}

const DIST_TEST = fileURLToPath(new URL('..', import.meta.url));
/** The test file this process runs (node --test runs each file in its own process), as a directory name. */
export const TEST_NAME = relative(DIST_TEST, process.argv[1] ?? 'unknown').replace(/\.js$/, '');
let captures = 0;

/**
 * A new file (or directory) for one capture, `captured/<kind>/<test file>/<n>-<label>`, or undefined when the
 * suite is not capturing. Labels never hold arguments or environments, which may carry the secrets.
 */
export function capturePath(kind: CaptureKind, label: string): string | undefined {
  const root = artifactsDir();
  if (!root) return undefined;
  const path = join(root, 'captured', kind, TEST_NAME, `${++captures}-${label.replace(/[^\w.-]+/g, '_')}`);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/**
 * An append-only capture file. Appends are synchronous so that output arriving together from concurrent
 * requests never interleaves, and nothing is lost when the test process exits.
 */
export class CaptureFile {
  private constructor(private readonly path: string | undefined) {}

  static open(kind: CaptureKind, label: string, title: string): CaptureFile {
    const file = new CaptureFile(capturePath(kind, `${label}.log`));
    file.append(`# ${title}\n`);
    return file;
  }

  append(data: string | Buffer): void {
    if (this.path) appendFileSync(this.path, data);
  }
}

/** Records one finished output, such as a command's stdout and stderr, as its own capture file. */
export function recordOutput(
  kind: CaptureKind,
  label: string,
  title: string,
  parts: Record<string, string | Buffer>,
): void {
  const file = CaptureFile.open(kind, label, title);
  for (const [name, content] of Object.entries(parts)) {
    file.append(`# ${name}:\n`);
    file.append(content);
    file.append('\n');
  }
}

/**
 * Keeps the files under `dir` for the scan, before the test deletes them: hard links cost no disk while the
 * originals live, and keep the content the file had now even if it is replaced later (modgate writes by
 * rename). Files that vanish meanwhile (staging files) are skipped.
 */
export async function snapshotDirectory(kind: CaptureKind, label: string, dir: string): Promise<void> {
  const target = capturePath(kind, label);
  if (!target) return;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const from = join(entry.parentPath, entry.name);
    const to = join(target, relative(dir, from));
    await mkdir(dirname(to), { recursive: true });
    await link(from, to).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return;
      // Another file system, or one without hard links: a copy does.
      return copyFile(from, to).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    });
  }
}

/** snapshotDirectory for each directory in `parent` whose name starts with `prefix` (data-1, data-2...). */
export async function snapshotDirectories(kind: CaptureKind, parent: string, prefix: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [] as string[]))
    if (name.startsWith(prefix)) await snapshotDirectory(kind, name, join(parent, name));
}
