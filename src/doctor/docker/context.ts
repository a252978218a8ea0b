/**
 * The build context a Dockerfile is assumed to be built with, and what it contains after .dockerignore.
 */
import { posix } from 'node:path';
import type { ProjectView } from '../model.js';
import { type DockerIgnore, parseDockerIgnore } from '../parsers/dockerignore.js';
import type { DockerfileAnalysis } from './analysis.js';

/** `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's `.dockerignore`, as in BuildKit. */
export function dockerIgnoreOf(project: ProjectView, analysis: DockerfileAnalysis): DockerIgnore | undefined {
  const candidates = [`${analysis.file}.dockerignore`, inContext(analysis, '.dockerignore')];
  for (const file of candidates) {
    const text = project.text(file);
    if (text !== undefined) return project.memo(`dockerignore:${file}`, () => parseDockerIgnore(file, text));
  }
  return undefined;
}

/** The project-relative path of a context-relative path. */
export function inContext(analysis: DockerfileAnalysis, path: string): string {
  const joined = posix.normalize(posix.join(analysis.context, path));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** Context-relative path of a COPY source or bind-mount source (`./go.mod`, `/go.sum` → `go.mod`, `go.sum`). */
export function contextPath(source: string): string {
  const normalized = posix.normalize(`/${source}`).slice(1);
  return normalized.replace(/\/$/, '');
}

/** Whether a project-relative file exists. */
export function hasFile(project: ProjectView, file: string): boolean {
  return project.memo('files:set', () => new Set(project.files)).has(file);
}

/** Whether a project-relative directory holds at least one file. */
export function hasDirectory(project: ProjectView, dir: string): boolean {
  const prefix = dir === '' ? '' : `${dir}/`;
  return project.files.some((f) => f.startsWith(prefix));
}

/** Whether a context-relative file exists in the project and is not excluded by .dockerignore. */
export function inBuildContext(project: ProjectView, analysis: DockerfileAnalysis, path: string): boolean {
  if (!hasFile(project, inContext(analysis, path))) return false;
  return !dockerIgnoreOf(project, analysis)?.ignores(path);
}
