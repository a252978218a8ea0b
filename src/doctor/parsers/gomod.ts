/**
 * The parts of go.mod and go.work doctor reasons about, with positions: module, go, toolchain, require,
 * replace, and go.work's use directives.
 */
import { posix } from 'node:path';
import { type ModFileToken, modFileLines } from '../../gomod/modfile-lines.js';
import type { ProjectView } from '../model.js';

export interface Located<T> {
  value: T;
  line: number;
  column: number;
}

export interface Requirement {
  path: string;
  version: string;
}

export interface Replacement {
  oldPath: string;
  /** The replacement: a module path, or a directory when it starts with `./`, `../` or `/`. */
  newPath: string;
  local: boolean;
}

export interface GoModFile {
  /** POSIX path relative to the project root. */
  file: string;
  module: Located<string> | undefined;
  go: Located<string> | undefined;
  toolchain: Located<string> | undefined;
  requires: Located<Requirement>[];
  replaces: Located<Replacement>[];
  /** go.work only: the module directories it uses. */
  uses: Located<string>[];
}

function unquote(token: ModFileToken | undefined): string {
  const text = token?.text ?? '';
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text;
    }
  }
  return text.startsWith('`') ? text.slice(1, -1) : text;
}

/** modfile.IsDirectoryPath: local replacements start with ./ ../ or / (or a Windows drive). */
export function isDirectoryPath(path: string): boolean {
  return path === '.' || path === '..' || /^(?:\.\.?\/|\/|[A-Za-z]:[\\/]|\.\.?\\)/.test(path);
}

export function parseGoModFile(file: string, text: string): GoModFile {
  const result: GoModFile = {
    file,
    module: undefined,
    go: undefined,
    toolchain: undefined,
    requires: [],
    replaces: [],
    uses: [],
  };
  for (const { verb, args, line, column } of modFileLines(text)) {
    const at = <T>(value: T): Located<T> => ({ value, line, column });
    switch (verb) {
      case 'module':
        result.module ??= at(unquote(args[0]));
        break;
      case 'go':
        result.go ??= at(unquote(args[0]));
        break;
      case 'toolchain':
        result.toolchain ??= at(unquote(args[0]));
        break;
      case 'require':
        if (args.length >= 2) result.requires.push(at({ path: unquote(args[0]), version: unquote(args[1]) }));
        break;
      case 'use':
        if (args[0]) result.uses.push(at(unquote(args[0])));
        break;
      case 'replace': {
        const arrow = args.findIndex((a) => a.text === '=>');
        const target = arrow >= 0 ? unquote(args[arrow + 1]) : '';
        if (arrow > 0 && target !== '') {
          result.replaces.push(
            at({ oldPath: unquote(args[0]), newPath: target, local: isDirectoryPath(target) }),
          );
        }
        break;
      }
    }
  }
  return result;
}

/** The requirements go fetches: those not replaced by a local directory (which need no download or go.sum line). */
export function fetchedRequires(mod: GoModFile): Located<Requirement>[] {
  const local = new Set(mod.replaces.filter((r) => r.value.local).map((r) => r.value.oldPath));
  return mod.requires.filter((r) => !local.has(r.value.path));
}

/** Every readable go.mod and go.work of the project, parsed once per view. */
export function goModFiles(project: ProjectView): GoModFile[] {
  return project.memo('gomod:files', () =>
    project.files
      .filter((f) => ['go.mod', 'go.work'].includes(posix.basename(f)))
      .flatMap((file) => {
        const text = project.text(file);
        return text === undefined ? [] : [parseGoModFile(file, text)];
      }),
  );
}

/** The go.mod (or go.work) at a project-relative directory ('' or '.' for the root). */
export function goModAt(
  project: ProjectView,
  dir: string,
  name: 'go.mod' | 'go.work' = 'go.mod',
): GoModFile | undefined {
  const file = dir === '' || dir === '.' ? name : `${dir}/${name}`;
  return goModFiles(project).find((m) => m.file === file);
}
