import { DockerfileParser, Run } from 'dockerfile-ast';
import type { ProjectView } from '../../model.js';
import { type GoCacheKind, goCacheKind } from './go-cache-paths.js';

/**
 * What the buildx cache rules need to know about a Dockerfile a CI job builds: its Go cache mounts, whether a
 * `go mod download` step leaves the modules in a layer (so a layer cache export carries them), and in which
 * stage Go first runs. Parsed with dockerfile-ast, which tolerates odd instructions.
 */
export interface DockerfileGoCaching {
  readonly file: string;
  readonly cacheMounts: readonly {
    readonly target: string;
    readonly kind: GoCacheKind;
    readonly line: number;
  }[];
  /** A `RUN ... go mod download` without a cache mount on the module cache: its result is part of a layer. */
  readonly downloadLayer: boolean;
  readonly stageCount: number;
  /** 0-based stage of the first RUN that runs a go command; undefined when none does. */
  readonly goStage?: number;
}

const GO_COMMAND = /\bgo\s+(mod\s+download|build|test|install|list|vet|generate|run)\b/;

export function dockerfileGoCaching(project: ProjectView, file: string): DockerfileGoCaching | undefined {
  return project.memo(`ci:dockerfile-go-caching:${file}`, () => {
    const text = project.text(file);
    return text === undefined ? undefined : analyse(file, text);
  });
}

function analyse(file: string, text: string): DockerfileGoCaching {
  const cacheMounts: { target: string; kind: GoCacheKind; line: number }[] = [];
  let downloadLayer = false;
  let stage = -1;
  let goStage: number | undefined;
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') stage++;
    if (!(instruction instanceof Run)) continue;
    const command = instruction.getArgumentsContent() ?? '';
    const mounts = instruction
      .getFlags()
      .filter((flag) => flag.getName() === 'mount')
      .map((flag) => new Map(flag.getOptions().map((o) => [o.getName(), o.getValue() ?? ''])));
    const goMounts = mounts.flatMap((m) => {
      const target = m.get('target') ?? m.get('dst') ?? m.get('destination') ?? '';
      const kind = m.get('type') === 'cache' ? goCacheKind(target) : undefined;
      return kind ? [{ target, kind, line: instruction.getRange().start.line + 1 }] : [];
    });
    cacheMounts.push(...goMounts);
    if (GO_COMMAND.test(command) && goStage === undefined) goStage = Math.max(stage, 0);
    if (/\bgo\s+mod\s+download\b/.test(command) && !goMounts.some((m) => m.kind === 'modcache'))
      downloadLayer = true;
  }
  return { file, cacheMounts, downloadLayer, stageCount: Math.max(stage + 1, 1), goStage };
}
