import picomatch from 'picomatch';
import type { Finding, ProjectView, Rule } from '../../model.js';
import {
  type SetupGoCache,
  setupGoCaches,
  setupGoDefaultHashFile,
} from '../../parsers/ci/github-go-caching.js';
import { stepInput } from '../../parsers/ci/github-workflow.js';
import { scalarLines } from '../../parsers/ci/scalar-lines.js';
import { setChildEntries } from '../../parsers/ci/yaml-edits.js';
import type { YamlFile } from '../../parsers/ci/yaml-file.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G6: Rule = {
  id: 'G6',
  family: 'github',
  defaultSeverity: 'warning',
  title: "setup-go's cache cannot find its dependency file",
  check(project) {
    return eachGithubJob(project, (workflow, job) =>
      setupGoCaches(job).flatMap((setupGo) => check(project, workflow.file, setupGo)),
    );
  },
};

function check(project: ProjectView, file: YamlFile, { step }: SetupGoCache): Finding[] {
  const input = stepInput(step, 'cache-dependency-path');
  if (input) {
    return scalarLines(file, input)
      .filter((line) => !/\$\{\{/.test(line.text) && !matchesAny(project.files, line.text))
      .map((line) =>
        ciFinding(G6, file, {
          range: line,
          message: `cache-dependency-path "${line.text}" matches no file, so setup-go fails to cache with "Some specified paths were not resolved, unable to cache dependencies."`,
          advice: `List files that exist: ${moduleFiles(project).join(', ') || 'go.sum files of your modules'}.`,
        }),
      );
  }
  const wanted = setupGoDefaultHashFile(step);
  const modules = moduleFiles(project);
  if (project.files.includes(wanted) || modules.length === 0) return [];
  return [
    ciFinding(G6, file, {
      range: step.uses!.node.range,
      message: `actions/setup-go ${step.uses!.ref} hashes ${wanted} from the repository root by default, and this repository has none there: the cache step logs "Restore cache failed: Dependencies file is not found in ... Supported file pattern: ${wanted}" and nothing is cached.`,
      advice:
        'Set cache-dependency-path to the go.sum (or go.mod) files of your modules, or use `cache: false` and actions/cache.',
      fix: allEdits('list the modules in cache-dependency-path', [
        setChildEntries(file, step.node, 'with', [
          ['cache-dependency-path', modules.length === 1 ? modules[0]! : modules],
        ]),
      ]),
    }),
  ];
}

/** go.sum files of the project's modules, or their go.mod files when none has a go.sum; vendored and testdata copies excluded. */
function moduleFiles(project: ProjectView): string[] {
  const own = (name: string) =>
    project.files.filter(
      (f) => (f === name || f.endsWith(`/${name}`)) && !/(^|\/)(vendor|testdata)\//.test(f),
    );
  const sums = own('go.sum');
  return sums.length > 0 ? sums : own('go.mod');
}

function matchesAny(files: readonly string[], pattern: string): boolean {
  const match = picomatch(pattern.replace(/^\.\//, ''), { dot: true });
  return files.some((f) => match(f));
}
