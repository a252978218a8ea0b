import type { Finding, Rule } from '../../model.js';
import { isTemplatePrefix, isVolatile, splitSegments, stablePrefix } from '../../parsers/ci/gh-cache-keys.js';
import { renderTemplate, splitTemplate, type TemplatePart } from '../../parsers/ci/gh-expressions.js';
import { type CacheStep, cacheSteps } from '../../parsers/ci/github-go-caching.js';
import { type ScalarLine, scalarLines } from '../../parsers/ci/scalar-lines.js';
import { setMapEntry, yamlString } from '../../parsers/ci/yaml-edits.js';
import type { YamlFile } from '../../parsers/ci/yaml-file.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

export const G3: Rule = {
  id: 'G3',
  family: 'github',
  defaultSeverity: 'warning',
  title: 'A restore-key is not a prefix of the cache key',
  check(project) {
    return eachGithubJob(project, (workflow, job) =>
      cacheSteps(workflow.file, job).flatMap((cache) => check(workflow.file, cache)),
    );
  },
};

function check(file: YamlFile, cache: CacheStep): Finding[] {
  if (!cache.key || !cache.restoreKeys || !cache.restores) return [];
  const key = splitTemplate(cache.key.text);
  const lines = scalarLines(file, cache.restoreKeys);
  const bad = lines.filter((line) => isTemplatePrefix(splitTemplate(line.text), key) === false);
  return bad.map((line) =>
    ciFinding(G3, file, {
      range: line,
      message: `The restore-key "${line.text}" is not a prefix of the key "${cache.key!.text}". actions/cache matches restore-keys as prefixes of saved keys, and this step saves keys that start differently, so this fallback never restores what the step saved.`,
      advice:
        'Order key segments from stable to volatile (OS, arch, Go version, then hashFiles() or per-run values) and make each restore-key the key cut after a stable segment.',
      fix: reorderFix(file, cache, key, lines),
    }),
  );
}

/** Moves volatile `-`-separated segments of the key to its end and rewrites restore-keys that still miss. */
function reorderFix(
  file: YamlFile,
  cache: CacheStep,
  key: readonly TemplatePart[],
  lines: readonly ScalarLine[],
) {
  const inputs = cache.step.with;
  if (!inputs) return undefined;
  const segments = splitSegments(key);
  const ordered = [
    ...segments.filter((s) => !s.some(isVolatile)),
    ...segments.filter((s) => s.some(isVolatile)),
  ];
  const newKey = ordered.map(renderTemplate).join('-');
  const newParts = splitTemplate(newKey);
  const fallback = `${stablePrefix(newParts)}-`;
  if (fallback === '-') return undefined;
  const restoreKeys = [
    ...new Set(
      lines.map((line) =>
        isTemplatePrefix(splitTemplate(line.text), newParts) === false ? fallback : line.text,
      ),
    ),
  ];
  const edits = [setMapEntry(file, inputs, 'restore-keys', restoreValue(restoreKeys, inputs.flow))];
  if (newKey !== renderTemplate(key))
    edits.unshift(setMapEntry(file, inputs, 'key', yamlString(newKey, inputs.flow)));
  return allEdits('order the key stable-first and make every restore-key a prefix of it', edits);
}

function restoreValue(keys: readonly string[], inFlow: boolean): string | string[] {
  return keys.length === 1 ? yamlString(keys[0]!, inFlow) : [...keys];
}
