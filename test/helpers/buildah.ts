import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, runCommand } from './run-command.js';

/** buildah, as the container-build tests need it; never skipped: a machine without it fails with the fix. */
export function buildahBinary(): string {
  const found = ['/usr/bin/buildah', '/usr/local/bin/buildah'].find((c) => existsSync(c));
  if (!found) {
    throw new Error('buildah is required by the container-build tests: run scripts/install-test-deps.sh');
  }
  return found;
}

/**
 * A private buildah: its own image store (vfs, so no kernel overlay or fuse is needed), run root and TMPDIR,
 * which is where buildah keeps `RUN --mount=type=cache` directories, so nothing leaks between test runs.
 * Builds use chroot isolation and share the host network, so RUN steps reach servers on 127.0.0.1.
 */
export class Buildah {
  private constructor(readonly dir: string) {}

  static async create(): Promise<Buildah> {
    buildahBinary();
    const dir = await mkdtemp(join(tmpdir(), 'modgate-buildah-'));
    await mkdir(join(dir, 'tmp'));
    return new Buildah(dir);
  }

  /** Every place buildah writes to: the image store, its run root and the cache-mount directory. */
  get storageDirs(): string[] {
    return [join(this.dir, 'root'), join(this.dir, 'runroot'), join(this.dir, 'tmp')];
  }

  run(args: string[], cwd?: string): Promise<CommandResult> {
    const global = ['--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'runroot')];
    return runCommand(buildahBinary(), [...global, '--storage-driver', 'vfs', ...args], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TMPDIR: join(this.dir, 'tmp'),
        BUILDAH_ISOLATION: 'chroot',
      },
    });
  }

  /** `buildah bud` of `context` with local images only; the result says why it failed. */
  build(context: string, tag: string, extra: string[] = []): Promise<CommandResult> {
    return this.run(['bud', '--isolation', 'chroot', '--pull=never', '-t', tag, ...extra, context], context);
  }

  async dispose(): Promise<void> {
    await this.run(['rm', '--all']);
    await rm(this.dir, { recursive: true, force: true });
  }
}
