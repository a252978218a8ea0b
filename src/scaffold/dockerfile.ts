import type { ModuleSettings } from './options.js';
import { relativeArgument, under } from './paths.js';
import { dependencyModules, type GoProject } from './project.js';

/** Where the Go caches live in the build stage; the ENV line and every cache mount use these exact paths. */
export const GOMODCACHE = '/go/pkg/mod';
export const GOCACHE = '/root/.cache/go-build';

/**
 * A multi-stage Dockerfile: go.mod/go.sum (and go.work) are copied alone and downloaded in their own step, so
 * a source change never re-downloads; both Go caches sit in cache mounts that outlive builds; a private
 * credential arrives only as a secret mount on the download step; the image holds just the binary.
 */
export function renderDockerfile(
  project: GoProject,
  settings: ModuleSettings,
  main: { dir: string; binary: string },
): string {
  const target = `/usr/local/bin/${main.binary}`;
  const lines = [
    '# syntax=docker/dockerfile:1',
    '# Written by `modgate init docker`. Build it with BuildKit (docker build, docker buildx build, buildah):',
    `#   docker build${settings.netrc ? ' --secret id=netrc,src=$HOME/.netrc' : ''} -t ${main.binary} .`,
    ...(settings.netrc
      ? ['# The .netrc secret is mounted only while modules download; it never lands in a layer.']
      : []),
    '',
    `FROM golang:${project.goVersion} AS build`,
    'WORKDIR /src',
    '# Set explicitly so that the cache mounts below always target the caches go really uses.',
    `ENV GOMODCACHE=${GOMODCACHE} GOCACHE=${GOCACHE}`,
    ...settings.env.map(([name, value]) => `ENV ${name}=${value}`),
    ...(project.vendored ? vendoredSteps() : downloadSteps(project, settings)),
    `RUN ${cacheMounts().join(' \\\n    ')} \\`,
    `    CGO_ENABLED=0 go build -trimpath -o /out/${main.binary} ${relativeArgument(main.dir)}`,
    '',
    '# A static binary needs no Go toolchain at run time: ship it alone, as a non-root user.',
    'FROM gcr.io/distroless/static-debian12:nonroot',
    `COPY --from=build /out/${main.binary} ${target}`,
    `ENTRYPOINT ["${target}"]`,
  ];
  return `${lines.join('\n')}\n`;
}

function cacheMounts(): string[] {
  return [
    `--mount=type=cache,id=gomodcache,target=${GOMODCACHE}`,
    `--mount=type=cache,id=gobuildcache,target=${GOCACHE}`,
  ];
}

function downloadSteps(project: GoProject, settings: ModuleSettings): string[] {
  const mounts = cacheMounts();
  if (settings.netrc) mounts.push('--mount=type=secret,id=netrc,target=/root/.netrc,required=true');
  return [
    '# Only the files that pin dependencies: this step reruns when they change, not when code does.',
    ...copyDependencyFiles(project),
    `RUN ${mounts.join(' \\\n    ')} \\`,
    '    go mod download',
    'COPY . .',
  ];
}

/** With vendor/modules.txt go builds from vendor/ and downloads nothing, so the context must keep vendor/. */
function vendoredSteps(): string[] {
  return ['# Dependencies come from vendor/, which is part of the build context.', 'COPY . .'];
}

function copyDependencyFiles(project: GoProject): string[] {
  const lines: string[] = [];
  if (project.workspace)
    lines.push(`COPY ${['go.work', ...(project.hasWorkSum ? ['go.work.sum'] : [])].join(' ')} ./`);
  for (const m of dependencyModules(project)) {
    const files = m.hasGoSum ? ['go.mod', 'go.sum'] : ['go.mod'];
    lines.push(`COPY ${files.map((f) => under(m.dir, f)).join(' ')} ${relativeArgument(m.dir)}/`);
  }
  return lines;
}

/**
 * Everything the build does not read stays out of the context: uploads stay small and `COPY . .` changes
 * only when code does. go.mod, go.sum and go.work are never excluded.
 */
export function renderDockerignore(project: GoProject): string {
  const lines = [
    '# Written by `modgate init docker`.',
    '.git',
    '# The module and build caches of the GitLab CI jobs (`modgate init gitlab`).',
    '.go',
    'bin',
    ...(project.vendored
      ? []
      : ['# Modules come from the download step, not from a vendor directory.', 'vendor']),
    'Dockerfile',
    '.dockerignore',
  ];
  return `${lines.join('\n')}\n`;
}
