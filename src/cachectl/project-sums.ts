import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { workspaceUses } from '../gomod/modfile.js';
import { byModuleVersion, GoSumError, readGoSum, type SumEntry } from './go-sum.js';

/** What a project's checksum files say it needs. */
export interface ProjectSums {
  /** The go.sum and go.work.sum files read, in order. */
  files: string[];
  /** One entry per module version, sorted by module then version. */
  entries: SumEntry[];
}

/**
 * Reads every checksum file of a Go project: its go.sum, or for a workspace (a go.work in the directory, unless
 * GOWORK=off) the go.work.sum and the go.sum of every module the workspace uses.
 * Throws GoSumError with what is wrong and what to do.
 */
export async function readProjectSums(projectDir: string, env: NodeJS.ProcessEnv): Promise<ProjectSums> {
  const dir = resolve(projectDir);
  await requireDirectory(dir);
  const goWork = env.GOWORK === 'off' ? undefined : await readIfPresent(join(dir, 'go.work'));
  const candidates = goWork === undefined ? [] : workspaceSumFiles(dir, goWork);
  if (goWork === undefined) {
    if ((await readIfPresent(join(dir, 'go.mod'))) === undefined) {
      throw new GoSumError(`${dir} is not a Go module or workspace: it has no go.mod or go.work`);
    }
    candidates.push(join(dir, 'go.sum'));
  }
  const found = new Map<string, SumEntry>();
  const files: string[] = [];
  for (const file of candidates) {
    const text = await readIfPresent(file);
    if (text === undefined) continue;
    readGoSum(file, text, found);
    files.push(file);
  }
  if (files.length === 0) {
    throw new GoSumError(
      `${dir} has no ${goWork === undefined ? 'go.sum' : 'go.work.sum or go.sum in the modules it uses'}: ` +
        'run "go mod download" (or "go mod tidy") first, so that the checksums of the dependencies are recorded',
    );
  }
  return { files, entries: [...found.values()].sort(byModuleVersion) };
}

function workspaceSumFiles(dir: string, goWork: string): string[] {
  let uses: string[];
  try {
    uses = workspaceUses(goWork);
  } catch (err) {
    throw new GoSumError(`${join(dir, 'go.work')}: ${(err as Error).message}`);
  }
  return [join(dir, 'go.work.sum'), ...uses.map((use) => join(resolve(dir, use), 'go.sum'))];
}

async function requireDirectory(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new GoSumError(`project ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof GoSumError) throw err;
    throw new GoSumError(`cannot read project directory ${dir}: ${describeFsError(err)}`);
  }
}

/** The file's text, or undefined when it does not exist; any other failure is an error naming the file. */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new GoSumError(`cannot read ${file}: ${describeFsError(err)}`);
  }
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
  };
  return (e.code && reasons[e.code]) ?? e.message;
}
