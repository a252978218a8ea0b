import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { under } from './paths.js';

/** Directories the go command never treats as packages of `./...`, plus trees that are not ours to build. */
function skippedDirectory(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name === 'testdata' || name === 'vendor';
}

/**
 * Directories (POSIX, relative to `root`, '.' for the root itself) holding a `package main`, in sorted order.
 * Files excluded by `//go:build ignore` (the usual code generators) and test files do not count, and
 * directories holding another go.mod are other modules, not walked.
 */
export async function findMainPackages(root: string, moduleDir: string): Promise<string[]> {
  const found: string[] = [];
  await walk(root, moduleDir, found, true);
  return found.sort();
}

async function walk(root: string, dir: string, found: string[], isModuleRoot: boolean): Promise<void> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  if (!isModuleRoot && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
  // Every buildable file of a directory names the same package, so the first one decides.
  let name: string | undefined;
  for (const entry of entries) {
    if (entry.isDirectory() && !skippedDirectory(entry.name)) {
      await walk(root, under(dir, entry.name), found, false);
    } else if (name === undefined && entry.isFile() && isBuildableGoFile(entry.name)) {
      name = packageName(await readFile(join(root, dir, entry.name), 'utf8'));
    }
  }
  if (name === 'main') found.push(dir);
}

function isBuildableGoFile(name: string): boolean {
  return name.endsWith('.go') && !name.endsWith('_test.go') && !name.startsWith('.') && !name.startsWith('_');
}

/**
 * The name in a Go file's package clause, or undefined when it has none or an `ignore` build constraint keeps
 * it out of every build (the usual code generators are `//go:build ignore` files of package main).
 */
export function packageName(source: string): string | undefined {
  // Comments are blanked, not removed, so the clause's offset is also its offset in the source.
  const clause = /(?:^|\s)package\s+([\p{L}_][\p{L}\p{N}_]*)/u.exec(blankComments(source));
  if (clause === null || /^\/\/(go:build|\s*\+build)\s.*\bignore\b/m.test(source.slice(0, clause.index))) {
    return undefined;
  }
  return clause[1];
}

function blankComments(source: string): string {
  return source.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
}
