import type { Finding, Rule } from '../../model.js';
import {
  isPerRunRef,
  isTemplatePrefix,
  patternCoversGoSum,
  stableSegments,
} from '../../parsers/ci/gh-cache-keys.js';
import {
  expression,
  splitTemplate,
  type TemplatePart,
  templateFacts,
} from '../../parsers/ci/gh-expressions.js';
import { type CacheStep, goCacheSteps } from '../../parsers/ci/github-go-caching.js';
import { setMapEntry, yamlString } from '../../parsers/ci/yaml-edits.js';
import type { YamlFile } from '../../parsers/ci/yaml-file.js';
import { allEdits, ciFinding } from '../ci/finding.js';
import { eachGithubJob } from './each-job.js';

const HASH = expression("hashFiles('**/go.sum')");

export const G2: Rule = {
  id: 'G2',
  family: 'github',
  defaultSeverity: 'warning',
  title: 'actions/cache key for the module cache does not hash go.sum',
  check(project) {
    if (!project.files.some((f) => f === 'go.sum' || f.endsWith('/go.sum'))) return [];
    return eachGithubJob(project, (workflow, job) =>
      goCacheSteps(workflow.file, job, 'modcache').flatMap((cache) => check(workflow.file, cache)),
    );
  },
};

function check(file: YamlFile, cache: CacheStep): Finding[] {
  const key = cache.key;
  if (!key) return [];
  const parts = splitTemplate(key.text);
  const facts = templateFacts(parts);
  if (facts.hashFiles.some(patternCoversGoSum)) return [];
  return [
    ciFinding(G2, file, {
      range: key.range,
      message: `${whatGoesWrong(facts)} go.sum lists every module version the build downloads, so it is the file the module cache key must hash.`,
      advice: `Key the module cache on go.sum, most stable parts first, and add restore-keys so a changed go.sum still starts from the previous cache: key: ${newKey(parts)}`,
      fix: fixKey(file, cache, parts),
    }),
  ];
}

function whatGoesWrong(facts: { hashFiles: string[]; refs: string[] }): string {
  if (facts.refs.some(isPerRunRef)) {
    return 'This module-cache key changes on every commit or run: it never hits exactly, and every run saves another copy of the module cache toward the 10 GB repository limit.';
  }
  if (facts.hashFiles.length > 0) {
    return `This module-cache key hashes ${facts.hashFiles.join(', ')} but not go.sum: a dependency change that only touches go.sum keeps the old, incomplete cache.`;
  }
  return 'This module-cache key never changes: after the first save every run hits it exactly, actions/cache never saves again, and modules added later are downloaded on every run.';
}

function newKey(parts: readonly TemplatePart[]): string {
  return `${prefixOf(parts)}-${HASH}`;
}

function prefixOf(parts: readonly TemplatePart[]): string {
  return stableSegments(parts) || `${expression('runner.os')}-go`;
}

function fixKey(file: YamlFile, cache: CacheStep, parts: readonly TemplatePart[]) {
  const inputs = cache.step.with;
  if (!inputs) return undefined;
  const key = newKey(parts);
  const restoreKey = `${prefixOf(parts)}-`;
  const edits = [setMapEntry(file, inputs, 'key', yamlString(key, inputs.flow))];
  if (cache.restores && !restoreKeysStillMatch(cache, key)) {
    edits.push(setMapEntry(file, inputs, 'restore-keys', yamlString(restoreKey, inputs.flow)));
  }
  return allEdits(`hash go.sum in the cache key, with restore-keys "${restoreKey}"`, edits);
}

function restoreKeysStillMatch(cache: CacheStep, key: string): boolean {
  const lines =
    cache.restoreKeys?.text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '') ?? [];
  const keyParts = splitTemplate(key);
  return lines.length > 0 && lines.every((line) => isTemplatePrefix(splitTemplate(line), keyParts) === true);
}
