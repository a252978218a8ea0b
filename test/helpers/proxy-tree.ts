import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapePath, escapeVersion } from '../../src/gomod/escape.js';
import { sort } from '../../src/gomod/semver.js';
import { writeModuleZip } from '../../src/zipfile/write-module-zip.js';

export interface FixtureModule {
  path: string;
  version: string;
  /** Files of the module zip, besides go.mod. */
  files?: Record<string, string>;
  /** go.mod content; defaults to `module <path>\n\ngo 1.19\n`. Put into the zip as well. */
  goMod?: string;
  time?: string;
}

/** Writes modules as a GOPROXY tree (`<module>/@v/list`, `.info`, `.mod`, `.zip`), the upstream of most tests. */
export async function writeProxyTree(root: string, modules: readonly FixtureModule[]): Promise<void> {
  const versions = new Map<string, string[]>();
  for (const m of modules) {
    const dir = join(root, escapePath(m.path), '@v');
    await mkdir(dir, { recursive: true });
    const goMod = m.goMod ?? `module ${m.path}\n\ngo 1.19\n`;
    const base = join(dir, escapeVersion(m.version));
    await writeFile(
      `${base}.info`,
      JSON.stringify({ Version: m.version, Time: m.time ?? '2024-01-02T03:04:05Z' }),
    );
    await writeFile(`${base}.mod`, goMod);
    const files = Object.entries({
      'go.mod': goMod,
      ...(m.files ?? { 'lib.go': `package lib\n\nconst Version = "${m.version}"\n` }),
    });
    await writeModuleZip(
      `${base}.zip`,
      m.path,
      m.version,
      files.map(([path, content]) => ({ path, content })),
    );
    versions.set(m.path, [...(versions.get(m.path) ?? []), m.version]);
  }
  for (const [path, list] of versions) {
    await writeFile(
      join(root, escapePath(path), '@v', 'list'),
      sort(list)
        .map((v) => `${v}\n`)
        .join(''),
    );
  }
}
