/**
 * D18: vendor/ and the build disagree (-mod=vendor without vendor/modules.txt in the image, vendor/ excluded
 * from the context, or modules downloaded although vendor/ is used). D19: -mod=mod in workspace mode.
 */

import { compareGoLang } from '../../../gomod/modfile.js';
import { hasFile, inContext } from '../../docker/context.js';
import { modFlag } from '../../docker/go-caches.js';
import { goRuns } from '../../docker/go-runs.js';
import { inImage } from '../../docker/image-files.js';
import type { Finding, ProjectView, Rule } from '../../model.js';
import { goModAt } from '../../parsers/gomod.js';
import { envSettings } from '../env/sources.js';
import { finding } from '../finding.js';

export const D18: Rule = {
  id: 'D18',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'vendor/ and the build disagree',
  check(project) {
    const findings: Finding[] = [];
    for (const run of goRuns(project)) {
      const { file, parsed } = run.analysis;
      const vendored = hasFile(project, inContext(run.analysis, 'vendor/modules.txt'));
      const vendorInImage = inImage(project, run, 'vendor/modules.txt');
      const goLine = goModAt(project, inContext(run.analysis, ''))?.go?.value;
      // Since Go 1.14 a vendor directory makes -mod=vendor the default when go.mod says go >= 1.14.
      const vendorByDefault = goLine !== undefined && compareGoLang(`go${goLine}`, 'go1.14') >= 0;
      for (const command of run.commands) {
        const mode = modFlag(command);
        let message: string | undefined;
        if (mode === 'vendor' && !vendorInImage) {
          message =
            `go ${command.sub} runs with -mod=vendor, but vendor/modules.txt is not in the image here: go fails ` +
            'with `inconsistent vendoring` or `import lookup disabled by -mod=vendor`.';
        } else if (vendored && !vendorInImage && inImage(project, run, 'go.mod') && mode !== 'mod') {
          message =
            'the project vendors its modules, but vendor/ does not reach the image (not copied, or excluded by ' +
            '.dockerignore): the build downloads every module vendor/ was meant to supply, or fails offline.';
        } else if (vendorInImage && vendorByDefault && command.sub === 'mod download' && mode !== 'mod') {
          message =
            '`go mod download` fills the module cache although the build uses vendor/ (go >= 1.14 with a vendor ' +
            'directory defaults to -mod=vendor): the download is wasted time and network.';
        }
        if (!message) continue;
        findings.push(
          finding(D18, {
            file,
            index: parsed.index,
            span: run.instruction.span,
            message,
            advice:
              'Pick one: keep vendor/ in the context and skip the download, or build with -mod=mod (or remove vendor/).',
          }),
        );
        break;
      }
    }
    return findings;
  },
};

/**
 * The go.work that puts go commands run at the checkout root into workspace mode. go looks for one from its
 * working directory up, so one in a subdirectory affects only commands run there, which doctor cannot see.
 */
function workspaceFile(project: ProjectView): string | undefined {
  return project.files.includes('go.work') ? 'go.work' : undefined;
}

/** CI GOFLAGS with -mod=mod in jobs that run in a checkout holding go.work, unless GOWORK=off there. */
function ciModMod(project: ProjectView): Finding[] {
  const workFile = workspaceFile(project);
  if (!workFile) return [];
  return envSettings(project, ['GOFLAGS']).flatMap((setting) => {
    if (!setting.scopes || !/(?:^|\s)--?mod=mod(?:\s|$)/.test(setting.value)) return [];
    // An expression for GOWORK may well be `off`; only a job that surely uses the workspace is reported.
    // Only steps and jobs that run go count: a checkout step without GOWORK=off changes nothing.
    const inWorkspace = setting.scopes.some((scope) => {
      if (scope.runsGo === false) return false;
      const gowork = scope.env.get('GOWORK');
      return !gowork || (gowork.value !== undefined && gowork.value !== 'off');
    });
    if (!inWorkspace) return [];
    return [
      finding(D19, {
        file: setting.file,
        index: setting.index,
        span: setting.span,
        message:
          `${setting.label}=${setting.value} makes every go command of the job use -mod=mod, but ${workFile} puts ` +
          'the checkout in workspace mode: go refuses with `-mod may only be set to readonly or vendor when in ' +
          'workspace mode, but it is set to "mod"`.',
        advice:
          'Drop -mod=mod from GOFLAGS, or set `GOWORK: off` next to it when the job means to build one module alone.',
      }),
    ];
  });
}

export const D19: Rule = {
  id: 'D19',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: '-mod=mod in workspace mode',
  check(project) {
    const findings: Finding[] = [];
    for (const run of goRuns(project)) {
      const command = run.commands.find((c) => modFlag(c) === 'mod' && c.env.GOWORK.value !== 'off');
      if (!command || !inImage(project, run, 'go.work')) continue;
      const { file, parsed } = run.analysis;
      findings.push(
        finding(D19, {
          file,
          index: parsed.index,
          span: run.instruction.span,
          message:
            `go ${command.sub} runs with -mod=mod while go.work is in the image: go refuses with \`-mod may only be set ` +
            'to readonly or vendor when in workspace mode, but it is set to "mod"`.',
          advice: 'Drop -mod=mod (from GOFLAGS too), or set `GOWORK=off` for this build.',
        }),
      );
    }
    return [...findings, ...ciModMod(project)];
  },
};
