import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { compareGoLang, directiveArguments, goVersion, modulePath } from '../gomod/modfile.js';
import { ScaffoldError } from './errors.js';
import { findMainPackages } from './main-packages.js';
import { relativeArgument, under } from './paths.js';

/** A directory whose go.mod (and go.sum, when there is one) module downloads depend on. */
export interface ModuleDir {
  /** POSIX path relative to the project root; '.' for the root. */
  dir: string;
  /** The module path its go.mod declares. */
  path: string;
  hasGoSum: boolean;
  /** The module paths its go.mod requires and go downloads (not replaced by a local directory). */
  requires: string[];
}

/** What the templates need to know about a Go project, read once from its directory. */
export interface GoProject {
  root: string;
  /** A go.work at the root puts the build in workspace mode. */
  workspace: boolean;
  hasWorkSum: boolean;
  /** The workspace's modules, or the one module: what CI builds and tests. */
  modules: ModuleDir[];
  /** Directories that `replace` directives point at: downloads read their go.mod too. */
  replacements: ModuleDir[];
  /** The Go version the project needs: the larger of its go and toolchain lines. */
  goVersion: string;
  /** Directories of `package main` in the project's own modules, POSIX relative paths. */
  mainPackages: string[];
  /** vendor/modules.txt exists, so go builds from vendor/ and downloads nothing. */
  vendored: boolean;
}

/** Every go.sum-like file that pins the project's downloads, relative to the root: go.work.sum first. */
export function sumFiles(project: GoProject): string[] {
  const files = project.hasWorkSum ? ['go.work.sum'] : [];
  for (const m of dependencyModules(project)) if (m.hasGoSum) files.push(under(m.dir, 'go.sum'));
  return files;
}

/**
 * The files a CI cache key hashes: the go.sum files, which pin every download; a project without any (no
 * dependencies yet) uses go.work and its go.mod files instead.
 */
export function cacheKeyFiles(project: GoProject): string[] {
  const sums = sumFiles(project);
  if (sums.length > 0) return sums;
  const mods = project.modules.map((m) => under(m.dir, 'go.mod'));
  return project.workspace ? ['go.work', ...mods] : mods;
}

/** Every module whose go.mod go reads while downloading: the project's own, then replacement targets. */
export function dependencyModules(project: GoProject): ModuleDir[] {
  return [...project.modules, ...project.replacements];
}

/** The package patterns that cover the project's own modules (`./...` is not enough in a workspace). */
export function packagePatterns(project: GoProject): string {
  return project.modules.map((m) => `${relativeArgument(m.dir)}/...`).join(' ');
}

export async function readProject(root: string): Promise<GoProject> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new ScaffoldError(`${root} is not a directory`);
  const goWork = await readText(join(root, 'go.work'));
  const goMod = await readText(join(root, 'go.mod'));
  if (goWork === undefined && goMod === undefined) {
    throw new ScaffoldError(
      `no go.mod or go.work in ${root}: run modgate init in the root of a Go module ` +
        '(create one with `go mod init <module path>`) or of a workspace (`go work init ./a ./b`)',
    );
  }
  const control = goWork === undefined ? { file: 'go.mod', text: goMod! } : { file: 'go.work', text: goWork };
  const own =
    goWork === undefined
      ? [await readModule(root, '.')]
      : await Promise.all(useDirectories(root, goWork).map((dir) => readModule(root, dir)));
  if (goWork === undefined && own[0]!.requires.length > 0 && !own[0]!.hasGoSum) {
    // go.work.sum can hold a workspace's sums; a lone module without go.sum cannot build with -mod=readonly.
    throw new ScaffoldError(
      'go.mod requires modules but there is no go.sum: run `go mod tidy` and commit go.sum, ' +
        'which every build checks downloads against',
    );
  }
  const replacements = await readReplacements(root, own, goWork);
  const mainPackages = (await Promise.all(own.map((m) => findMainPackages(root, m.dir)))).flat().sort();
  return {
    root,
    workspace: goWork !== undefined,
    hasWorkSum: await exists(join(root, 'go.work.sum')),
    modules: own,
    replacements,
    goVersion: requiredGoVersion(control.file, control.text),
    mainPackages,
    vendored: await exists(join(root, 'vendor', 'modules.txt')),
  };
}

/** The image needs at least the go line's version, and the toolchain line's when that is newer. */
function requiredGoVersion(file: string, text: string): string {
  const go = goVersion(text);
  if (go === undefined) {
    throw new ScaffoldError(
      `${file} has no valid go line, so the Go version of the build image is unknown: ` +
        `add one (\`go ${file === 'go.work' ? 'work' : 'mod'} edit -go=1.23\`) and run init again`,
    );
  }
  const toolchain = /^go(.+)$/.exec(directiveArguments(text, 'toolchain')[0]?.[0] ?? '')?.[1];
  if (toolchain && goVersion(`go ${toolchain}`) && compareGoLang(`go${toolchain}`, `go${go}`) > 0) {
    return toolchain;
  }
  return go;
}

function useDirectories(root: string, goWork: string): string[] {
  const dirs = directiveArguments(goWork, 'use').map((args) =>
    insideRoot(root, root, args[0] ?? '', 'go.work'),
  );
  if (dirs.length === 0) {
    throw new ScaffoldError('go.work has no use directive: add the workspace modules (`go work use ./app`)');
  }
  return [...new Set(dirs)];
}

async function readModule(root: string, dir: string): Promise<ModuleDir> {
  const file = under(dir, 'go.mod');
  const text = await readText(join(root, file));
  if (text === undefined) throw new ScaffoldError(`${file} does not exist (named by go.work)`);
  const path = modulePath(text);
  if (path === undefined) throw new ScaffoldError(`${file} has no module line`);
  const local = new Set(
    directiveArguments(text, 'replace')
      .filter((args) => isLocalPath(args[args.indexOf('=>') + 1] ?? ''))
      .map((args) => args[0]),
  );
  const requires = directiveArguments(text, 'require')
    .map((args) => args[0] ?? '')
    .filter((required) => !local.has(required));
  return { dir, path, hasGoSum: await exists(join(root, dir, 'go.sum')), requires };
}

/**
 * Local `replace` targets (`=> ../lib`) of go.work and the modules: go reads their go.mod while downloading,
 * so the Dockerfile copies them before `go mod download`. One outside the root cannot be in the build context.
 */
async function readReplacements(
  root: string,
  own: ModuleDir[],
  goWork: string | undefined,
): Promise<ModuleDir[]> {
  const sources: { dir: string; file: string; text: string }[] = [];
  if (goWork !== undefined) sources.push({ dir: '.', file: 'go.work', text: goWork });
  for (const m of own) {
    const file = under(m.dir, 'go.mod');
    sources.push({ dir: m.dir, file, text: (await readText(join(root, file)))! });
  }
  const seen = new Set(own.map((m) => m.dir));
  const found: ModuleDir[] = [];
  for (const source of sources) {
    for (const args of directiveArguments(source.text, 'replace')) {
      const target = args[args.indexOf('=>') + 1];
      if (target === undefined || !isLocalPath(target)) continue;
      const dir = insideRoot(root, join(root, source.dir), target, source.file);
      if (seen.has(dir) || !(await exists(join(root, dir, 'go.mod')))) continue;
      seen.add(dir);
      found.push(await readModule(root, dir));
    }
  }
  return found;
}

/** modfile's rule: a replacement is a directory when it is absolute or starts with ./ or ../. */
function isLocalPath(target: string): boolean {
  return isAbsolute(target) || /^\.\.?(\/|\\|$)/.test(target);
}

/** `target` (relative to `base`) as a POSIX path relative to the root, which it must not leave. */
function insideRoot(root: string, base: string, target: string, file: string): string {
  const rel = relative(resolve(root), resolve(base, target));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ScaffoldError(
      `${file} points at ${target}, outside ${root}: a Docker build context cannot reach it. ` +
        'Run modgate init in a directory that contains every module the build needs',
    );
  }
  return rel === '' ? '.' : rel.split(sep).join(posix.sep);
}

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new ScaffoldError(`cannot read ${file}: ${err.message}`);
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
