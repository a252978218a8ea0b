import type { Finding, Rule } from '../../model.js';
import { buildSteps } from '../../parsers/ci/build-steps.js';
import { dockerfileGoCaching } from '../../parsers/ci/dockerfile-go-caching.js';
import { replaceRange } from '../../parsers/ci/yaml-edits.js';
import { allEdits, ciFinding } from './finding.js';

export const D14: Rule = {
  id: 'D14',
  family: 'dockerfile',
  defaultSeverity: 'warning',
  title: 'Layer cache export skips the stage that downloads modules',
  check(project) {
    return buildSteps(project).flatMap((step): Finding[] => {
      const dockerfile = step.dockerfile ? dockerfileGoCaching(project, step.dockerfile) : undefined;
      if (!dockerfile || dockerfile.goStage === undefined || dockerfile.goStage >= dockerfile.stageCount - 1)
        return [];
      return step.cacheTo
        .filter((spec) => spec.type === 'inline' || spec.attrs.get('mode') !== 'max')
        .map((spec) => {
          const mode = spec.attrs.get('mode');
          const text = step.file.text.slice(spec.start, spec.end);
          const fixed = mode ? text.replace(/mode=\w*/, 'mode=max') : `${text},mode=max`;
          return ciFinding(D14, step.file, {
            range: spec,
            message: `${spec.type === 'inline' ? 'An inline cache' : `cache-to type=${spec.type} without mode=max`} exports only the layers of the final stage, and ${dockerfile.file} runs Go in stage ${dockerfile.goStage! + 1} of ${dockerfile.stageCount}: the module download and build layers are never exported, so every fresh runner downloads all modules again.`,
            advice:
              spec.type === 'inline'
                ? 'Export to a registry, gha or s3 cache with mode=max (inline supports only mode=min).'
                : 'Add mode=max so intermediate stages are exported too.',
            fix:
              spec.type === 'inline' || text !== spec.text
                ? undefined
                : allEdits('export every stage (mode=max)', [replaceRange(step.file, spec, fixed)]),
          });
        });
    });
  },
};
