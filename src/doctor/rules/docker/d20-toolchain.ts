/**
 * D20: the golang base image is older than go.mod's `go` line. Official golang images set GOTOOLCHAIN=local,
 * so go refuses (`go.mod requires go >= 1.23 (running go 1.22.5; GOTOOLCHAIN=local)`); with GOTOOLCHAIN=auto it
 * downloads the newer toolchain on every build instead.
 */
import { compareGoLang, langVersion } from '../../../gomod/modfile.js';
import { dockerfiles } from '../../docker/analysis.js';
import { inContext } from '../../docker/context.js';
import { resolveGoEnv } from '../../docker/go-env.js';
import type { Finding, Rule } from '../../model.js';
import { goModAt } from '../../parsers/gomod.js';
import { finding, replace } from '../finding.js';

/** Whether an image tag's version (`1.22` means the newest 1.22.x) is older than go.mod's go line. */
function older(imageVersion: string, goLine: string): boolean {
  const minorOnly = /^\d+\.\d+$/.test(imageVersion);
  const required = minorOnly ? langVersion(goLine) : `go${goLine}`;
  return required !== '' && compareGoLang(`go${imageVersion}`, required) < 0;
}

/**
 * The Go version a build ends up needing: go.mod's go line, or with GOTOOLCHAIN=auto a newer `toolchain` line
 * (which go then switches to).
 */
function wanted(goLine: string, toolchainLine: string | undefined): { value: string; why: string } {
  const toolchain = toolchainLine?.replace(/^go/, '').split('-')[0];
  if (toolchain && compareGoLang(`go${toolchain}`, `go${goLine}`) > 0) {
    return { value: toolchain, why: `go.mod's toolchain line selects go ${toolchain}` };
  }
  return { value: goLine, why: `go.mod requires go >= ${goLine}` };
}

export const D20: Rule = {
  id: 'D20',
  family: 'dockerfile',
  defaultSeverity: 'error',
  title: 'The golang base image is older than go.mod requires',
  check(project) {
    const findings: Finding[] = [];
    for (const analysis of dockerfiles(project)) {
      const gomod = goModAt(project, inContext(analysis, ''));
      if (!gomod?.go) continue;
      for (const stage of analysis.stages) {
        const version = stage.base.goVersion;
        if (stage.base.parent || !version) continue;
        const toolchain = resolveGoEnv(stage.end).GOTOOLCHAIN;
        const local = toolchain.value === 'local';
        const goLine = wanted(gomod.go.value, local ? undefined : gomod.toolchain?.value);
        if (!older(version, goLine.value)) continue;
        const { file, parsed } = analysis;
        const written = parsed.text.slice(stage.stage.imageSpan.start, stage.stage.imageSpan.end);
        const at = written.indexOf(`:${version}`);
        const newVersion = /^\d+\.\d+$/.test(version) ? langVersion(goLine.value).slice(2) : goLine.value;
        findings.push(
          finding(D20, {
            file,
            index: parsed.index,
            span: stage.stage.imageSpan,
            message: local
              ? `${stage.base.reference} has Go ${version}, but go.mod requires go >= ${goLine.value} and GOTOOLCHAIN is local ` +
                `(${toolchain.why}): go fails with \`go.mod requires go >= ${goLine.value} (running go ${version}; GOTOOLCHAIN=local)\`.`
              : `${stage.base.reference} has Go ${version}, but ${goLine.why}: go downloads that ` +
                'toolchain on every build unless GOMODCACHE is cached.',
            advice: `Use a golang image of at least ${goLine.value} (and keep it in step with go.mod's go/toolchain lines).`,
            fix:
              at >= 0
                ? {
                    description: `use Go ${newVersion} in the base image`,
                    edits: [
                      replace(
                        file,
                        {
                          start: stage.stage.imageSpan.start + at + 1,
                          end: stage.stage.imageSpan.start + at + 1 + version.length,
                        },
                        newVersion,
                      ),
                    ],
                  }
                : undefined,
          }),
        );
      }
    }
    return findings;
  },
};
