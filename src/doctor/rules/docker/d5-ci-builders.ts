/**
 * D5, the CI half: a job builds a Dockerfile that uses RUN --mount with a builder that does not implement it,
 * kaniko or podman < 4 (buildah < 1.24). Reported at the build in CI, where the builder is chosen.
 */
import { type DockerfileAnalysis, dockerfiles } from '../../docker/analysis.js';
import type { Finding, ProjectView, Rule } from '../../model.js';
import { type MountlessBuilder, mountlessBuilders } from '../../parsers/ci/mountless-builders.js';
import type { Mount } from '../../parsers/dockerfile.js';
import { findingAt } from '../finding.js';

/** The mounts the builder fails on or drops: every one for kaniko, cache mounts for old podman. */
function unsupported(builder: MountlessBuilder, analysis: DockerfileAnalysis): Mount[] {
  return analysis.parsed.instructions
    .flatMap((i) => i.mounts)
    .filter((m) => builder.kind === 'kaniko' || m.type === 'cache');
}

function message(builder: MountlessBuilder, file: string, line: number): string {
  const builds =
    builder.dockerfile === undefined
      ? `job ${builder.jobName} builds images with ${builder.builder}, maybe ${file}`
      : `job ${builder.jobName} builds ${file} with ${builder.builder}`;
  return builder.kind === 'kaniko'
    ? `${builds}; kaniko does not implement RUN --mount (${file}:${line}): depending on the release it stops ` +
        'with `Unknown flag: mount` or runs the command without the mount, so Go cache mounts start empty on ' +
        'every build and bind-mounted go.mod/go.sum are missing.'
    : `${builds}; that builder predates cache mounts, so the build stops at ${file}:${line} with ` +
        '`invalid mount type "cache"`.';
}

function advice(builder: MountlessBuilder): string {
  return builder.kind === 'kaniko'
    ? 'Build with BuildKit (docker buildx, or moby/buildkit rootless with buildctl-daemonless.sh in a GitLab ' +
        'job); or drop RUN --mount and let kaniko cache a `COPY go.mod go.sum ./` + `RUN go mod download` layer ' +
        '(`--cache=true --cache-repo=…`). The osscontainertools/kaniko fork implements cache mounts with ' +
        'FF_KANIKO_RUN_MOUNT_CACHE=true.'
    : 'Use podman >= 4 / buildah >= 1.24 (the ubuntu-24.04 runner, or a newer quay.io/podman or quay.io/buildah ' +
        'image), or build with docker buildx.';
}

export function ciBuilderFindings(rule: Rule, project: ProjectView): Finding[] {
  const mounting = dockerfiles(project).filter((a) => a.parsed.instructions.some((i) => i.mounts.length > 0));
  return mountlessBuilders(project).flatMap((builder) => {
    // A builder whose Dockerfile CI does not name plainly is taken to build any of the project's.
    const built = mounting.filter((a) => builder.dockerfile === undefined || a.file === builder.dockerfile);
    for (const analysis of built) {
      const mount = unsupported(builder, analysis)[0];
      if (!mount) continue;
      const line = analysis.parsed.index.position(mount.span.start).line;
      const [start, end] = builder.anchor;
      return [
        findingAt(rule, {
          location: builder.file.location(start, end),
          message: message(builder, analysis.file, line),
          advice: advice(builder),
        }),
      ];
    }
    return [];
  });
}
