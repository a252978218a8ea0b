/**
 * D17: HTTP(S)_PROXY pointing at 127.0.0.1/localhost for a build. Inside a build container loopback is the
 * container itself, so every download fails with `proxyconnect tcp: dial tcp 127.0.0.1:…: connection refused`.
 * A CI value counts where a job (GitHub: the step) builds an image; elsewhere the runner's own loopback may
 * well hold the proxy. Build arguments CI passes (`--build-arg`, `build-args:`) count as they are. A build on
 * the host's network (`--network host`, the rule's own advice) reaches the runner's loopback and is fine.
 */
import type { Finding, ProjectView, Rule } from '../../model.js';
import { buildSteps } from '../../parsers/ci/build-steps.js';
import type { CiEnvScope } from '../../parsers/ci/ci-env.js';
import { type EnvSetting, envSettings, PROXY_VARIABLES } from '../env/sources.js';
import { finding, findingAt } from '../finding.js';

/** Whether a job (GitHub: the step) builds an image with its own network, where loopback is not the runner's. */
function buildsImage(project: ProjectView, scope: CiEnvScope): boolean {
  return buildSteps(project).some(
    (b) =>
      !b.hostNetwork &&
      b.file.file === scope.file &&
      b.jobName === scope.job &&
      (b.github === undefined || b.github.step.index === scope.step),
  );
}

function usedForBuild(project: ProjectView, setting: EnvSetting): boolean {
  return setting.scopes?.some((scope) => buildsImage(project, scope)) ?? true;
}

const LOOPBACK =
  /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:\/|$)/i;

const WHY =
  ': inside a build container that is the container itself, so go fails with ' +
  '`proxyconnect tcp: dial tcp …: connection refused` (and `,` in GOPROXY never falls back).';
const ADVICE =
  'Use an address the build can reach (`host.docker.internal` with `--add-host=host.docker.internal:host-gateway`), ' +
  'build with `--network=host`, or clear the proxy variables for the build (also in ~/.docker/config.json `proxies`).';

/** `--build-arg HTTPS_PROXY=http://127.0.0.1:…` and `build-args:` lines of CI builds. */
function loopbackBuildArgs(project: ProjectView): Finding[] {
  return buildSteps(project).flatMap((step) =>
    (step.hostNetwork ? [] : step.buildArgs).flatMap((arg) => {
      const host = arg.value?.includes('$') ? undefined : LOOPBACK.exec(arg.value ?? '')?.[1];
      if (!host || !PROXY_VARIABLES.includes(arg.name)) return [];
      return [
        findingAt(D17, {
          location: step.file.location(arg.start, arg.end),
          message: `the build argument ${arg.name}=${arg.value} points at ${host}${WHY}`,
          advice: ADVICE,
        }),
      ];
    }),
  );
}

export const D17: Rule = {
  id: 'D17',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'A build uses a proxy on the loopback address',
  check(project) {
    const findings = loopbackBuildArgs(project);
    for (const setting of envSettings(project, PROXY_VARIABLES)) {
      const host = LOOPBACK.exec(setting.value)?.[1];
      if (!host || !usedForBuild(project, setting)) continue;
      findings.push(
        finding(D17, {
          file: setting.file,
          index: setting.index,
          span: setting.span,
          message:
            `${setting.label}=${setting.value} points at ${host}` +
            (setting.scopes
              ? ', and this job builds an image: once the value reaches the build (`--build-arg`, `build-args:`)'
              : '') +
            WHY,
          advice: ADVICE,
        }),
      );
    }
    return findings;
  },
};
