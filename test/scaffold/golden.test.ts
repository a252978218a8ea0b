import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generate, TARGETS } from '../../src/scaffold/generate.js';
import type { InitOptions } from '../../src/scaffold/options.js';
import { type GoProject, readProject } from '../../src/scaffold/project.js';
import { SINGLE_MODULE, VENDORED, WORKSPACE, writeProject } from './fixture-projects.js';

/** Golden files live in the source tree; MODGATE_UPDATE_GOLDEN=1 rewrites them from the current output. */
const GOLDEN = fileURLToPath(new URL('../../../test/scaffold/golden/', import.meta.url));
const UPDATE = process.env.MODGATE_UPDATE_GOLDEN === '1';

const CASES: { name: string; files: Record<string, string>; options: InitOptions }[] = [
  { name: 'single-module', files: SINGLE_MODULE, options: { private: [] } },
  { name: 'workspace', files: WORKSPACE, options: { private: [] } },
  { name: 'vendored', files: VENDORED, options: { private: [] } },
  {
    name: 'private-netrc',
    files: SINGLE_MODULE,
    options: { private: ['example.com/private/*', 'git.acme.internal'] },
  },
  {
    name: 'goproxy',
    files: SINGLE_MODULE,
    options: { private: [], goproxy: 'https://modgate.acme.internal:3000/' },
  },
  {
    name: 'goproxy-private',
    files: SINGLE_MODULE,
    options: { private: ['example.com/private/*'], goproxy: 'https://modgate.acme.internal:3000' },
  },
];

describe('modgate init: generated files match the golden files', () => {
  const projects = new Map<string, GoProject>();
  before(async () => {
    for (const c of CASES) projects.set(c.name, await readProject(await writeProject(c.name, c.files)));
  });
  after(async () => {
    for (const p of projects.values()) await rm(p.root, { recursive: true, force: true });
  });

  for (const c of CASES) {
    for (const target of TARGETS) {
      test(`${c.name}: init ${target}`, async () => {
        for (const file of generate(target, projects.get(c.name)!, c.options)) {
          const golden = join(GOLDEN, c.name, file.path);
          if (UPDATE) {
            await mkdir(dirname(golden), { recursive: true });
            await writeFile(golden, file.content);
          }
          assert.equal(file.content, await readFile(golden, 'utf8'), `${golden} differs`);
        }
      });
    }
  }
});
