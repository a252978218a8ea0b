/**
 * What COPY and ADD bring in from the build context (not `--from` another stage or image, not URLs or heredocs).
 */
import type { DockerInstruction, Word } from '../parsers/dockerfile.js';
import type { StageAnalysis } from './analysis.js';
import { contextPath } from './context.js';

export interface CopySource {
  word: Word;
  /** Context-relative, cleaned: '' for the context root. */
  path: string;
  glob: boolean;
}

export interface ContextCopy {
  instruction: DockerInstruction;
  sources: CopySource[];
  destination: Word;
}

export function contextCopy(instruction: DockerInstruction): ContextCopy | undefined {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return undefined;
  if (instruction.from !== undefined || instruction.args.length < 2) return undefined;
  const words = instruction.args.slice(0, -1);
  if (words.some((w) => w.value.startsWith('<<'))) return undefined;
  const sources = words
    .filter((w) => !/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(w.value))
    .map((word) => ({ word, path: contextPath(word.value), glob: /[*?[]/.test(word.value) }));
  return sources.length > 0 ? { instruction, sources, destination: instruction.args.at(-1)! } : undefined;
}

/** The context sources a RUN bind-mounts (`--mount=type=bind,source=go.sum,...`, not `from=` another stage). */
export function bindSources(instruction: DockerInstruction): CopySource[] {
  return instruction.mounts.flatMap((m) => {
    if (m.type !== 'bind' || m.option('from')) return [];
    const source = m.option('source') ?? m.option('src');
    const value = source?.value ?? '.';
    return [
      { word: { value, span: source?.span ?? m.span }, path: contextPath(value), glob: /[*?[]/.test(value) },
    ];
  });
}

/** The context copies of a stage, its parent stages' first (a stage starts from its parent's files). */
export function stageCopies(stage: StageAnalysis): ContextCopy[] {
  const own = stage.stage.instructions.flatMap((i) => contextCopy(i) ?? []);
  return stage.base.parent ? [...stageCopies(stage.base.parent), ...own] : own;
}

/** Whether a copy source brings in a context-relative path (the root, the path, a parent dir, or a glob match). */
export function sourceCovers(source: CopySource, path: string): boolean {
  if (source.path === '' || source.path === path || path.startsWith(`${source.path}/`)) return true;
  return source.glob && globToRegExp(source.path).test(path);
}

/** Docker's filepath.Match-style globs: `*` and `?` stay within one path element. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
