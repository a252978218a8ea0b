/**
 * Version queries as the go command resolves them against a repository (modload.queryProxy, Go 1.23):
 * `latest` and `vX`/`vX.Y` prefixes choose among the tagged versions, skipping retracted ones; anything else
 * (a full version, a branch, a commit prefix) is resolved on the commit it names.
 */
import { InvalidVersionError } from '../../gomod/errors.js';
import { legacyGoMod } from '../../gomod/modfile.js';
import { canonicalVersion, matchPathMajor, splitPathVersion } from '../../gomod/path.js';
import { isRetracted, retractions } from '../../gomod/retract.js';
import * as semver from '../../gomod/semver.js';
import type { CodeRepo } from './code-repo.js';
import type { ModuleRevInfo } from './origin.js';

/** No version satisfies the query (modload.NoMatchingVersionError): a not-found answer. */
export class NoMatchingVersionError extends Error {
  override readonly name = 'NoMatchingVersionError';
}

export async function queryVersion(repo: CodeRepo, query: string): Promise<ModuleRevInfo> {
  if (query === 'latest' || isVersionPrefix(query)) {
    const retracted = await retractedBy(repo);
    return chooseFromList(repo, query, (v) => !retracted(v));
  }
  return statQuery(repo, query);
}

/** A full version or a revision, without any filtering: go allows retracted versions asked for by name. */
async function statQuery(repo: CodeRepo, query: string): Promise<ModuleRevInfo> {
  try {
    return await repo.stat(query);
  } catch (queryErr) {
    // v1.2.3+meta may name the tag v1.2.3: semantic versioning says they are the same.
    const canonical = canonicalVersion(query);
    if (canonical === '' || canonical === query) throw queryErr;
    try {
      return await repo.stat(canonical);
    } catch (err) {
      if (err instanceof InvalidVersionError) throw queryErr;
      throw err;
    }
  }
}

/** queryMatcher + filterVersions + the choice among releases, prereleases and the HEAD commit. */
async function chooseFromList(
  repo: CodeRepo,
  query: string,
  allowed: (v: string) => boolean,
): Promise<ModuleRevInfo> {
  const latest = query === 'latest';
  const prefix = latest ? '' : `${query}.`;
  const allows = (v: string) =>
    (prefix === '' || v.startsWith(prefix)) && (latest || semver.compare(v, query) >= 0) && allowed(v);

  let needIncompatible = !latest && !matchesMajor(repo.modPath, query);
  let lastCompatible = '';
  const releases: string[] = [];
  const prereleases: string[] = [];
  for (const v of await repo.versions(prefix)) {
    if (!allows(v)) continue;
    if (!needIncompatible) {
      if (!v.endsWith('+incompatible')) {
        lastCompatible = v;
      } else if (lastCompatible !== '') {
        // A compatible version with a go.mod means the author supports modules: ignore +incompatible ones.
        if (!(await repo.goMod(lastCompatible)).equals(Buffer.from(legacyGoMod(repo.modPath)))) break;
        needIncompatible = true;
      }
    }
    (semver.prerelease(v) !== '' ? prereleases : releases).push(v);
  }
  const chosen = releases.at(-1) ?? prereleases.at(-1);
  if (chosen !== undefined) return repo.stat(chosen);
  if (latest) {
    const head = await repo.latest();
    if (allows(head.version)) return repo.stat(head.version);
  }
  throw new NoMatchingVersionError(`${repo.modPath}: no matching versions for query "${query}"`);
}

/**
 * Retractions come from the go.mod of the latest version when retractions are ignored (CheckRetractions).
 * A module whose latest go.mod cannot be read retracts nothing.
 */
async function retractedBy(repo: CodeRepo): Promise<(v: string) => boolean> {
  try {
    const latest = await chooseFromList(repo, 'latest', () => true);
    const intervals = retractions(await repo.goMod(latest.version));
    return (v) => isRetracted(intervals, v);
  } catch {
    return () => false;
  }
}

/** gover.ModIsPrefix on a valid semver: `vX` or `vX.Y`, no prerelease or build. */
function isVersionPrefix(v: string): boolean {
  return semver.isValid(v) && !/[-+]/.test(v) && v.split('.').length <= 2;
}

function matchesMajor(modPath: string, v: string): boolean {
  const split = splitPathVersion(modPath);
  return split !== undefined && matchPathMajor(v, split.pathMajor);
}
