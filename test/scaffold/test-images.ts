import { existsSync } from 'node:fs';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Buildah } from '../helpers/buildah.js';
import { goBinary } from '../helpers/go.js';
import { runCommand } from '../helpers/run-command.js';

const BUSYBOX = '/bin/busybox';
/** What `go mod download` and `CGO_ENABLED=0 go build` run from GOROOT; the rest of the toolchain stays out. */
const GOROOT_PARTS = ['bin/go', 'pkg/include', 'src', 'VERSION', 'go.env'];
const GO_TOOLS = ['compile', 'link', 'asm', 'buildid'];

/** The distroless image the generated Dockerfile runs its binary in, as an empty-but-for-a-user stand-in. */
export const RUNTIME_IMAGE = 'gcr.io/distroless/static-debian12:nonroot';

/**
 * Builds, offline, the two images a generated Dockerfile names: `golang:<goTag>` (busybox, the host's GOROOT
 * trimmed to what builds need, and `caCert` as the system CA bundle so go trusts the test's HTTPS proxy) and
 * the distroless runtime image. Tagged under their real names, so the Dockerfile is built unchanged.
 */
export async function buildTestImages(buildah: Buildah, goTag: string, caCert: string): Promise<void> {
  // A dynamically linked busybox would find no libc in the image and every RUN step would fail obscurely.
  const ldd = existsSync(BUSYBOX) ? await runCommand('ldd', [BUSYBOX]) : undefined;
  if (!ldd || ldd.code === 0) {
    throw new Error(
      `a static ${BUSYBOX} (Debian busybox-static) is required: run scripts/install-test-deps.sh`,
    );
  }
  const dir = join(buildah.dir, 'images');
  await writeGoContext(join(dir, 'golang'), caCert);
  await writeRuntimeContext(join(dir, 'runtime'));
  for (const [context, tag] of [
    ['golang', `docker.io/library/golang:${goTag}`],
    ['runtime', RUNTIME_IMAGE],
  ] as const) {
    const built = await buildah.build(join(dir, context), tag);
    if (built.code !== 0) throw new Error(`building the test image ${tag} failed:\n${built.stderr}`);
  }
}

async function writeGoContext(dir: string, caCert: string): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await mkdir(join(rootfs, 'etc/ssl/certs'), { recursive: true });
  await mkdir(join(rootfs, 'root'));
  await mkdir(join(rootfs, 'tmp'));
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await symlink(BUSYBOX, join(rootfs, 'bin/sh'));
  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(rootfs, 'etc/ssl/certs/ca-certificates.crt'), caCert);
  await tar(['-cf', join(dir, 'rootfs.tar'), '-C', rootfs, '.']);
  await tar(['-cf', join(dir, 'busybox.tar'), '-C', '/', BUSYBOX.slice(1)]);

  const goroot = (await runCommand(goBinary(), ['env', 'GOROOT'])).stdout.trim();
  const parts = GOROOT_PARTS.filter((p) => existsSync(join(goroot, p)));
  const tools = GO_TOOLS.map((t) => `pkg/tool/linux_amd64/${t}`);
  // -h: Debian's GOROOT is symlinks into /usr/share; the image needs the files themselves.
  const exclude = ['--exclude=src/cmd', '--exclude=testdata', '--exclude=*_test.go'];
  await tar(['-chf', join(dir, 'goroot.tar'), ...exclude, '-C', goroot, ...parts, ...tools]);

  await writeFile(
    join(dir, 'Containerfile'),
    [
      'FROM scratch',
      'ADD rootfs.tar /',
      'ADD busybox.tar /',
      'ADD goroot.tar /usr/local/go/',
      'ENV PATH=/usr/local/go/bin:/go/bin:/bin GOPATH=/go GOTOOLCHAIN=local',
      '',
    ].join('\n'),
  );
}

async function writeRuntimeContext(dir: string): Promise<void> {
  await mkdir(join(dir, 'rootfs/etc'), { recursive: true });
  await writeFile(
    join(dir, 'rootfs/etc/passwd'),
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
  );
  await tar(['-cf', join(dir, 'rootfs.tar'), '-C', join(dir, 'rootfs'), '.']);
  await writeFile(join(dir, 'Containerfile'), 'FROM scratch\nADD rootfs.tar /\nUSER 65532:65532\n');
}

async function tar(args: string[]): Promise<void> {
  const r = await runCommand('tar', args);
  if (r.code !== 0) throw new Error(`tar ${args.join(' ')} failed: ${r.stderr}`);
}
