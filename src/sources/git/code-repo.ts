/**
 * A module inside a git repository, port of cmd/go/internal/modfetch/coderepo.go (Go 1.23): which tags are
 * versions, where the go.mod is, when `+incompatible` applies, how a commit becomes a (pseudo-)version.
 * Every rule and error text follows the go command, so modgate answers what `GOPROXY=direct` would.
 */
import { goQuote, InvalidVersionError } from '../../gomod/errors.js';
import { modulePath as goModModulePath, legacyGoMod } from '../../gomod/modfile.js';
import { canonicalVersion, matchPathMajor, pathMajorPrefix, splitPathVersion } from '../../gomod/path.js';
import {
  isPseudoVersion,
  pseudoVersion,
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
} from '../../gomod/pseudo.js';
import { isRetracted, retractions, type VersionInterval } from '../../gomod/retract.js';
import * as semver from '../../gomod/semver.js';
import { MAX_GO_MOD } from '../../gomod/zip-rules.js';
import { type GitMirror, UnknownRevisionError } from './git-mirror.js';
import type { ModuleRevInfo, RevInfo } from './origin.js';

/** The module's go.mod is missing or claims another major version (findDir): a not-found answer. */
export class ModuleDirError extends Error {
  override readonly name = 'ModuleDirError';
}

/** Where findDir found the module at a revision. */
export interface ModuleDir {
  /** The revision to read (tag name, or short hash for a pseudo-version). */
  rev: string;
  /** The module's directory in the repository. */
  dir: string;
  /** The go.mod read there, if any. */
  goMod: Buffer | undefined;
}

export class CodeRepo {
  /** The module's directory relative to the repository root ('' for the root). */
  readonly codeDir: string;
  /** `/vN`, `.vN` (gopkg.in) or '' for v0/v1 paths. */
  readonly pathMajor: string;
  readonly pathPrefix: string;
  /** The major pseudo-versions get from the path: `v2` for `/v2`, '' otherwise. */
  readonly pseudoMajor: string;

  constructor(
    readonly mirror: GitMirror,
    /** The module path at the repository's root. */
    readonly codeRoot: string,
    readonly modPath: string,
  ) {
    if (!hasPathPrefix(modPath, codeRoot))
      throw new Error(`mismatched repo: found ${codeRoot} for ${modPath}`);
    const split = splitPathVersion(modPath);
    if (!split) throw new Error(`invalid module path ${goQuote(modPath)}`);
    this.pathPrefix = codeRoot === modPath ? modPath : split.prefix;
    this.pathMajor = split.pathMajor;
    this.pseudoMajor = pathMajorPrefix(split.pathMajor);
    this.codeDir = '';
    if (codeRoot !== modPath) {
      if (!hasPathPrefix(this.pathPrefix, codeRoot)) {
        throw new Error(`repository rooted at ${codeRoot} cannot contain module ${modPath}`);
      }
      this.codeDir = this.pathPrefix.slice(codeRoot.length).replace(/^\/+|\/+$/g, '');
    }
  }

  private get tagPrefix(): string {
    return this.codeDir === '' ? '' : `${this.codeDir}/`;
  }

  /** The module's tagged versions with `prefix`, sorted, `+incompatible` ones included where go lists them. */
  async versions(prefix = ''): Promise<string[]> {
    // gopkg.in/macaroon-bakery.v2-unstable does not use the v2 tags (those are for macaroon-bakery.v2).
    if (this.modPath.startsWith('gopkg.in/') && this.modPath.endsWith('-unstable')) return [];
    const p = this.tagPrefix + prefix;
    const list: string[] = [];
    const incompatible: string[] = [];
    for (const tag of await this.mirror.tags(p)) {
      const v = tag.name.slice(this.tagPrefix.length);
      // Non-canonical tags and tags that look like pseudo-versions are reached through Stat only.
      if (v === '' || v !== semver.canonical(v) || isPseudoVersion(v)) continue;
      if (!matchPathMajor(v, this.pathMajor)) {
        if (this.codeDir === '' && this.pathMajor === '' && semver.major(v) > 'v1') incompatible.push(v);
        continue;
      }
      list.push(v);
    }
    return this.appendIncompatibleVersions(semver.sort(list), semver.sort(incompatible));
  }

  /** The versions this module lists that come from one of `tags` (tag names as in the repository). */
  async versionsFromTags(tags: readonly string[]): Promise<string[]> {
    const names = new Set(tags);
    return (await this.versions()).filter((v) => names.has(this.tagPrefix + trimIncompatible(v)));
  }

  /**
   * `+incompatible` versions are listed only when the latest compatible version has no go.mod, and then per
   * major only when that major's latest tag has none (golang.org/issue/34189).
   */
  private async appendIncompatibleVersions(list: string[], incompatible: string[]): Promise<string[]> {
    if (incompatible.length === 0 || this.pathMajor !== '') return list;
    const hasGoMod = async (v: string) => (await this.mirror.readFile(v, 'go.mod', MAX_GO_MOD)) !== undefined;
    if (list.length > 0 && (await hasGoMod(list[list.length - 1]!))) return list;
    const out = [...list];
    let lastMajor = '';
    let lastMajorHasGoMod = false;
    for (let i = 0; i < incompatible.length; i++) {
      const v = incompatible[i]!;
      const major = semver.major(v);
      if (major !== lastMajor) {
        let j = i;
        while (j + 1 < incompatible.length && semver.major(incompatible[j + 1]!) === major) j++;
        lastMajor = major;
        lastMajorHasGoMod = await hasGoMod(incompatible[j]!);
      }
      if (!lastMajorHasGoMod) out.push(`${v}+incompatible`);
    }
    return out;
  }

  /** Resolves a version, tag, branch or commit prefix to the module version go would name it. */
  async stat(rev: string): Promise<ModuleRevInfo> {
    if (rev === 'latest') return this.latest();
    let info: RevInfo;
    try {
      info = await this.mirror.stat(this.revToRev(rev));
    } catch (err) {
      if (err instanceof UnknownRevisionError) throw new InvalidVersionError(this.modPath, rev, err.message);
      throw err;
    }
    return this.convert(info, rev);
  }

  /** The version of the remote HEAD commit (codeRepo.Latest). */
  async latest(): Promise<ModuleRevInfo> {
    return this.convert(await this.mirror.latest(), '');
  }

  /** codeRepo.convert: the module version of a commit, given what was asked for (`statVers`, maybe ''). */
  private async convert(info: RevInfo, statVers: string): Promise<ModuleRevInfo> {
    const resolved = await this.resolve(info, statVers);
    return { ...resolved, origin: { ...info.origin, Subdir: this.codeDir || undefined } };
  }

  private async resolve(info: RevInfo, statVers: string): Promise<ModuleRevInfo> {
    const incompatibleOk = new Map<string, boolean>();
    const noGoMod = async (key: string, file: string) => {
      let ok = incompatibleOk.get(key);
      if (ok === undefined) {
        ok = (await this.mirror.readFile(info.name, file, MAX_GO_MOD)) === undefined;
        incompatibleOk.set(key, ok);
      }
      return ok;
    };
    // A plain tag of an unversioned root module may be used with +incompatible when the tree has no go.mod
    // (nor, unless +incompatible was asked for explicitly, a vN/go.mod: go.dev/issue/51324).
    const canUseIncompatible = async (v: string): Promise<boolean> => {
      if (this.codeDir !== '' || this.pathMajor !== '') return false;
      if (!(await noGoMod('', 'go.mod'))) return false;
      if (v !== '' && !statVers.endsWith('+incompatible')) {
        const major = semver.major(v);
        if (!(await noGoMod(major, `${major}/go.mod`))) return false;
      }
      return true;
    };

    const checkCanonical = async (v: string): Promise<ModuleRevInfo> => {
      try {
        await this.findDir(v);
      } catch (err) {
        if (err instanceof ModuleDirError) throw new InvalidVersionError(this.modPath, v, err.message);
        throw err;
      }
      const invalid = (reason: string) => new InvalidVersionError(this.modPath, v, reason);
      if (v === trimIncompatible(statVers)) v = statVers;
      const base = trimIncompatible(v);
      let errIncompatible: Error | undefined;
      if (!matchPathMajor(base, this.pathMajor)) {
        if (await canUseIncompatible(base)) {
          v = `${base}+incompatible`;
        } else if (this.pathMajor !== '') {
          errIncompatible = invalid(
            'module path includes a major version suffix, so major version must match',
          );
        } else {
          errIncompatible = invalid(
            `module contains a go.mod file, so module path must match major version (${goQuote(joinPath(this.pathPrefix, semver.major(v)))})`,
          );
        }
      } else if (v.endsWith('+incompatible')) {
        errIncompatible = invalid(
          `+incompatible suffix not allowed: major version ${semver.major(v)} is compatible`,
        );
      }
      if (statVers !== '' && statVers === canonicalVersion(statVers)) {
        const statBase = trimIncompatible(statVers);
        if (statBase !== base) {
          throw new InvalidVersionError(
            this.modPath,
            statVers,
            `resolves to version ${v} (${statBase} is not a tag)`,
          );
        }
      }
      if (errIncompatible) throw errIncompatible;
      return { version: v, time: info.time };
    };

    if (isPseudoVersion(statVers)) {
      const revInfo = await checkCanonical(statVers);
      await this.validatePseudoVersion(info, statVers);
      return revInfo;
    }

    const isRetractedVersion = await this.retractedVersions().catch(() => (_: string) => false);

    const tagPrefix = this.tagPrefix;
    // The version of a tag: '' when it lacks the prefix, looks like a pseudo-version or is no version.
    const tagToVersion = (tag: string): { v: string; canonical: boolean } => {
      if (!tag.startsWith(tagPrefix)) return { v: '', canonical: false };
      const trimmed = tag.slice(tagPrefix.length);
      if (isPseudoVersion(tag)) return { v: '', canonical: false };
      // semver.Canonical, not module's: an explicit +incompatible in a tag is not picked up.
      const v = semver.canonical(trimmed);
      if (v === '' || !trimmed.startsWith(v)) return { v: '', canonical: false };
      return { v, canonical: v === trimmed };
    };

    const fromVcs = tagToVersion(info.version);
    if (fromVcs.canonical) {
      try {
        return await checkCanonical(fromVcs.v);
      } catch (err) {
        if (!(err instanceof InvalidVersionError)) throw err;
      }
    }

    let highestCanonical = '';
    let pseudoBase = '';
    for (const pathTag of info.tags) {
      const { v, canonical } = tagToVersion(pathTag);
      if (statVers !== '' && semver.compare(v, statVers) === 0) {
        if (canonical) return checkCanonical(v);
        // A tag equivalent to the request but with build metadata can only be a pseudo-version's base.
        pseudoBase = v;
      }
      if (canonical && semver.compare(highestCanonical, v) < 0 && !isRetractedVersion(v)) {
        if (matchPathMajor(v, this.pathMajor) || (await canUseIncompatible(v))) highestCanonical = v;
      }
    }
    if (highestCanonical !== '') return checkCanonical(highestCanonical);

    if (pseudoBase === '') {
      const allowed = new Map<string, boolean>();
      for (const tag of await this.mirror.tags(tagPrefix)) {
        const { v } = tagToVersion(tag.name);
        allowed.set(
          tag.name,
          v !== '' &&
            (matchPathMajor(v, this.pathMajor) || (await canUseIncompatible(v))) &&
            !isRetractedVersion(v),
        );
      }
      const tag = await this.mirror.recentTag(info.name, tagPrefix, (t) => allowed.get(t) ?? false);
      if (tag !== '') pseudoBase = tagToVersion(tag).v;
    }
    return checkCanonical(pseudoVersion(this.pseudoMajor, pseudoBase, info.time, info.short));
  }

  /**
   * A pseudo-version must name the commit's short hash and time exactly, and its base must be a tag that is an
   * ancestor of the commit without being on the commit itself.
   */
  private async validatePseudoVersion(info: RevInfo, version: string): Promise<void> {
    const fail = (reason: string) => new InvalidVersionError(this.modPath, version, reason, true);
    const rev = pseudoVersionRev(version);
    if (rev !== info.short) {
      if (rev.startsWith(info.short))
        throw fail(`revision is longer than canonical (expected ${info.short})`);
      if (info.short.startsWith(rev))
        throw fail(`revision is shorter than canonical (expected ${info.short})`);
      throw fail(`does not match short name of revision (expected ${info.short})`);
    }
    if (pseudoVersionTime(version).getTime() !== info.time.getTime()) {
      throw fail(`does not match version-control timestamp (expected ${timestamp(info.time)})`);
    }
    const tagPrefix = this.tagPrefix;
    let base: string;
    try {
      base = pseudoVersionBase(trimIncompatible(version));
    } catch (err) {
      if (err instanceof InvalidVersionError) throw fail(err.reason);
      throw err;
    }
    if (base === '') {
      if (this.pseudoMajor === '' && semver.major(version) === 'v1') {
        throw fail('major version without preceding tag must be v0, not v1');
      }
      return;
    }
    for (const tag of info.tags) {
      if ((tag.startsWith(tagPrefix) ? tag.slice(tagPrefix.length) : tag) === base) {
        throw fail(
          `tag (${tag}) found on revision ${rev} is already canonical, so should not be replaced with a pseudo-version derived from that tag`,
        );
      }
    }
    let lastTag = '';
    for (const tag of await this.mirror.tags(tagPrefix + base)) {
      const versionOnly = tag.name.startsWith(tagPrefix) ? tag.name.slice(tagPrefix.length) : tag.name;
      if (semver.compare(versionOnly, base) !== 0) continue;
      lastTag = tag.name;
      if (await this.mirror.descendsFrom(info.name, tag.name)) return;
    }
    if (lastTag === '') throw fail(`preceding tag (${base}) not found`);
    throw fail(`revision ${rev} is not a descendent of preceding tag (${lastTag})`);
  }

  /** The repository revision a version is read at: a tag (with the directory prefix) or a short hash. */
  private revToRev(rev: string): string {
    if (!semver.isValid(rev)) return rev;
    if (isPseudoVersion(rev)) return pseudoVersionRev(rev);
    const tag = semver.build(rev) === '+incompatible' ? trimIncompatible(rev) : rev;
    return this.tagPrefix + tag;
  }

  /**
   * Locates the module's directory at a version (codeRepo.findDir): `codeDir/go.mod` naming a path with the
   * right major, or for a `/vN` path also `codeDir/vN/go.mod`; no go.mod at all only at the root for v0/v1.
   */
  async findDir(version: string): Promise<ModuleDir> {
    if (!semver.isValid(version)) throw new InvalidVersionError(this.modPath, version, 'syntax error');
    const rev = this.revToRev(version);
    const file1 = joinPath(this.codeDir, 'go.mod');
    const gomod1 = await this.mirror.readFile(rev, file1, MAX_GO_MOD);
    const mpath1 = gomod1 === undefined ? '' : (goModModulePath(gomod1) ?? '');
    const found1 =
      gomod1 !== undefined &&
      (isMajor(mpath1, this.pathMajor) || (this.pathMajor === '' && mpath1.startsWith('gopkg.in/')));
    const fail = (reason: string) => new ModuleDirError(reason);

    let file2 = '';
    if (this.pathMajor !== '' && this.codeRoot !== this.modPath && !this.pathMajor.startsWith('.')) {
      // Either go.mod claims /vN and vN/go.mod does not exist, or vN/go.mod exists and claims /vN. Not both.
      const dir2 = joinPath(this.codeDir, this.pathMajor.slice(1));
      file2 = joinPath(dir2, 'go.mod');
      const gomod2 = await this.mirror.readFile(rev, file2, MAX_GO_MOD);
      const mpath2 = gomod2 === undefined ? '' : (goModModulePath(gomod2) ?? '');
      const found2 = gomod2 !== undefined && isMajor(mpath2, this.pathMajor);
      if (found1 && found2) {
        throw fail(
          `${this.pathPrefix}/${file1} and ...${this.pathMajor}/go.mod both have ...${this.pathMajor} module paths at revision ${rev}`,
        );
      }
      if (found2) return { rev, dir: dir2, goMod: gomod2 };
      if (gomod2 !== undefined) {
        if (mpath2 === '') throw fail(`${this.codeRoot}/${file2} is missing module path at revision ${rev}`);
        throw fail(
          `${this.codeRoot}/${file2} has non-...${this.pathMajor} module path ${goQuote(mpath2)} at revision ${rev}`,
        );
      }
    }

    if (found1) return { rev, dir: this.codeDir, goMod: gomod1 };
    if (gomod1 !== undefined) {
      const suffix = file2 !== '' ? ` (and ...${this.pathMajor}/go.mod does not exist)` : '';
      if (mpath1 === '') throw fail(`${file1} is missing module path${suffix} at revision ${rev}`);
      if (this.pathMajor !== '') {
        throw fail(
          `${file1} has non-...${this.pathMajor} module path ${goQuote(mpath1)}${suffix} at revision ${rev}`,
        );
      }
      if (!splitPathVersion(mpath1)) {
        throw fail(`${file1} has malformed module path ${goQuote(mpath1)}${suffix} at revision ${rev}`);
      }
      throw fail(
        `${file1} has post-${semver.major(version)} module path ${goQuote(mpath1)}${suffix} at revision ${rev}`,
      );
    }
    if (this.codeDir === '' && (this.pathMajor === '' || this.pathMajor.startsWith('.'))) {
      return { rev, dir: '', goMod: undefined };
    }
    if (file2 !== '') {
      throw fail(`missing ${this.pathPrefix}/go.mod and ...${this.pathMajor}/go.mod at revision ${rev}`);
    }
    throw fail(`missing ${this.pathPrefix}/go.mod at revision ${rev}`);
  }

  /**
   * The `.mod` of a canonical version, as stored in git (no attribute conversion), or the synthesized
   * `module <path>` when the version has none. Resolves the version first, as `go mod download` does, so a
   * branch named like a version or a forged pseudo-version is refused.
   */
  async goMod(version: string): Promise<Buffer> {
    const dir = await this.checkedDir(version);
    return dir.goMod ?? Buffer.from(legacyGoMod(this.modPath));
  }

  /** The commit and directory to zip for a canonical version, resolved and checked like goMod's. */
  async zipSource(version: string): Promise<{ hash: string; subdir: string }> {
    const dir = await this.checkedDir(version);
    const { name } = await this.mirror.stat(dir.rev);
    return { hash: name, subdir: dir.dir };
  }

  private async checkedDir(version: string): Promise<ModuleDir> {
    if (version !== canonicalVersion(version)) {
      throw new InvalidVersionError(this.modPath, version, `version ${version} is not canonical`);
    }
    const info = await this.stat(version);
    if (info.version !== version) {
      throw new InvalidVersionError(this.modPath, version, `resolves to version ${info.version}`);
    }
    return this.findDir(version);
  }

  /** Whether a version is retracted by the go.mod of the highest release (else prerelease) tag. */
  private async retractedVersions(): Promise<(v: string) => boolean> {
    let versions = await this.versions('');
    const incompatible = versions.findIndex((v) => v.endsWith('+incompatible'));
    if (incompatible >= 0) versions = versions.slice(0, incompatible);
    if (versions.length === 0) return () => false;
    const highest =
      [...versions].reverse().find((v) => semver.prerelease(v) === '') ?? versions[versions.length - 1]!;
    const dir = await this.findDir(highest);
    const intervals: VersionInterval[] = dir.goMod ? retractions(dir.goMod) : [];
    return (v) => isRetracted(intervals, v);
  }
}

/** isMajor: whether the go.mod's path allows the majors the module path's suffix implies. */
function isMajor(mpath: string, pathMajor: string): boolean {
  if (mpath === '') return false;
  const split = splitPathVersion(mpath);
  if (!split) return false;
  if (pathMajor === '') {
    const prefix = pathMajorPrefix(split.pathMajor);
    return prefix === '' || prefix === 'v0' || prefix === 'v1';
  }
  if (split.pathMajor === '') return false;
  return pathMajor.slice(1) === split.pathMajor.slice(1);
}

function trimIncompatible(v: string): string {
  return v.endsWith('+incompatible') ? v.slice(0, -'+incompatible'.length) : v;
}

function joinPath(dir: string, file: string): string {
  return dir === '' ? file : `${dir}/${file}`;
}

/** t.UTC().Format("20060102150405"). */
function timestamp(t: Date): string {
  return t.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Whether the path s begins with the elements of prefix. */
export function hasPathPrefix(s: string, prefix: string): boolean {
  if (s.length === prefix.length) return s === prefix;
  if (s.length < prefix.length) return false;
  if (prefix !== '' && prefix.endsWith('/')) return s.startsWith(prefix);
  return s[prefix.length] === '/' && s.startsWith(prefix);
}
