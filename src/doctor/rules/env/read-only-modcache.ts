/**
 * E4: removing or restoring over the module cache by hand. go makes module directories read-only (0555), so a
 * non-root `rm -rf` fails with `permission denied`, and extracting a tarball over an existing cache fails with
 * `Cannot open: File exists`. Restoring the extracted $GOPATH/pkg/mod with tar, a common recipe, runs into both.
 */
import { dockerfiles } from '../../docker/analysis.js';
import { expandVariables } from '../../docker/expand.js';
import { cleanPath } from '../../docker/go-caches.js';
import { processVariable, resolveGoEnv } from '../../docker/go-env.js';
import type { Finding, Rule } from '../../model.js';
import { shellCommands } from '../../parsers/shell.js';
import { finding } from '../finding.js';

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`) || dir.startsWith(`${path}/`);
}

export const E4: Rule = {
  id: 'E4',
  family: 'env',
  defaultSeverity: 'warning',
  title: 'The read-only module cache is removed or restored by hand',
  check(project) {
    const findings: Finding[] = [];
    for (const analysis of dockerfiles(project)) {
      for (const stage of analysis.stages) {
        for (const instruction of stage.stage.instructions) {
          const state = stage.before.get(instruction);
          if (instruction.keyword !== 'RUN' || !state) continue;
          const env = resolveGoEnv(state);
          const modcache = env.GOMODCACHE.value;
          const lookup = (name: string) =>
            name in env ? env[name as keyof typeof env].value : processVariable(state, name)?.value;
          const root = !state.user || ['root', '0', ''].includes(state.user.value.split(':')[0]!);
          const readWrite = /-modcacherw/.test(env.GOFLAGS.value);
          for (const { argv } of shellCommands(instruction.script)) {
            const paths = argv.slice(1).map((w) => cleanPath(expandVariables(w, lookup)));
            let problem: string | undefined;
            if (
              argv[0] === 'rm' &&
              !root &&
              !readWrite &&
              paths.some((p) => p.startsWith('/') && isUnder(p, modcache))
            ) {
              problem =
                `\`rm\` of the module cache (${modcache}) as ${state.user!.value}: go made its directories read-only, ` +
                'so this fails with `permission denied`.';
            }
            if (argv[0] === 'tar' && argv.some((w) => /^-[a-zA-Z]*x|^--extract$|^x/.test(w))) {
              const target = argv.indexOf('-C') >= 0 ? paths[argv.indexOf('-C')] : undefined;
              if (target && isUnder(target, modcache)) {
                problem =
                  `tar extracts into the module cache (${modcache}): over an existing cache it fails with ` +
                  '`Cannot open: File exists` on read-only directories, and it restores files go never verifies.';
              }
            }
            if (!problem) continue;
            findings.push(
              finding(E4, {
                file: analysis.file,
                index: analysis.parsed.index,
                span: instruction.span,
                message: problem,
                advice:
                  'Use `go clean -modcache` to empty it; restore only $GOMODCACHE/cache/download (a GOPROXY tree) and let go ' +
                  'extract, e.g. `GOPROXY=file:///restored,https://proxy.golang.org,direct go mod download`; or set -modcacherw.',
              }),
            );
          }
        }
      }
    }
    return findings;
  },
};
