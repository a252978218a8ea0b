import type { Finding, Rule } from '../../model.js';
import { buildSteps } from '../../parsers/ci/build-steps.js';
import { dockerfileGoCaching } from '../../parsers/ci/dockerfile-go-caching.js';
import { ciFinding } from './finding.js';

export const D13: Rule = {
  id: 'D13',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'Go cache mounts are never exported, so CI builds start empty',
  check(project) {
    return buildSteps(project).flatMap((step): Finding[] => {
      const ephemeral = step.cacheTo.length > 0 || step.cacheFrom.length > 0 || step.dind;
      if (step.persistentMounts || !ephemeral || !step.dockerfile) return [];
      const dockerfile = dockerfileGoCaching(project, step.dockerfile);
      if (!dockerfile || dockerfile.cacheMounts.length === 0 || dockerfile.downloadLayer) return [];
      const firstLines = new Map<string, number>();
      for (const m of dockerfile.cacheMounts) if (!firstLines.has(m.target)) firstLines.set(m.target, m.line);
      const mounts = [...firstLines].map(([target, line]) => `${target} at line ${line}`).join(', ');
      const where = step.cacheTo[0] ?? step.cacheFrom[0];
      return [
        ciFinding(D13, step.file, {
          range: where ?? step.anchor,
          message: `${dockerfile.file} keeps its Go caches in RUN --mount=type=cache (${mounts}), and BuildKit never exports cache mounts with --cache-to, whatever the backend (moby/buildkit#1512). ${step.dind ? 'Each job gets a fresh docker:dind daemon' : 'Each run gets a fresh builder'}, so the mounts start empty and every build downloads all modules again; the exported layers cannot help because no layer holds the modules.`,
          advice:
            'Add a `COPY go.mod go.sum ./` + `RUN go mod download` step without a module cache mount (its layer is exported with mode=max and reused while go.sum is unchanged), or persist the mounts with reproducible-containers/buildkit-cache-dance (cache-map covering /go/pkg/mod and /root/.cache/go-build), or build on a persistent builder.',
        }),
      ];
    });
  },
};
