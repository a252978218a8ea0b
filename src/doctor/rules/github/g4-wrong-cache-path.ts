import type { Finding, Rule } from '../../model.js';
import { goCacheSteps } from '../../parsers/ci/github-go-caching.js';
import { expectedGoCachePath, samePath } from '../../parsers/ci/github-go-env.js';
import { replaceRange } from '../../parsers/ci/yaml-edits.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G4: Rule = {
  id: 'G4',
  family: 'github',
  defaultSeverity: 'warning',
  title: 'Cache path is not where Go keeps its cache in this job',
  check(project) {
    return eachGithubJob(project, (workflow, job) =>
      goCacheSteps(workflow.file, job).flatMap((cache) =>
        cache.paths.flatMap((path): Finding[] => {
          // Paths computed at run time (`${{ steps.go-env.outputs.gomodcache }}`, `$GOMODCACHE`) are right by construction.
          if (!path.kind || /\$\{\{|\$\{?(GO|RUNNER)/.test(path.text)) return [];
          const expected = expectedGoCachePath(job, path.kind);
          if (expected === undefined || samePath(path.text, expected)) return [];
          const what = path.kind === 'modcache' ? 'module cache (GOMODCACHE)' : 'build cache (GOCACHE)';
          return [
            ciFinding(G4, workflow.file, {
              range: path,
              message: `This job's Go ${what} is ${expected}, but the cache step saves and restores "${path.text}": the restored files land where go never looks, and the saved archive is empty or stale.`,
              advice:
                'Ask go where its caches are (`echo "gomodcache=$(go env GOMODCACHE)" >> "$GITHUB_OUTPUT"`, same for GOCACHE) and cache those outputs, or write the path this job really uses.',
              fix: allEdits(`cache ${expected}`, [replaceRange(workflow.file, path, expected)]),
            }),
          ];
        }),
      ),
    );
  },
};
