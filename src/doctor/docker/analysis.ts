/**
 * Each Dockerfile of a project, parsed once, with the environment in effect before every instruction of every
 * stage: base image defaults (golang images set GOPATH=/go and GOTOOLCHAIN=local), stage inheritance
 * (`FROM builder`), ENV, ARG defaults, USER, and `go env -w`.
 */
import { posix } from 'node:path';
import type { ProjectView } from '../model.js';
import {
  type DockerInstruction,
  type DockerStage,
  type ParsedDockerfile,
  parseDockerfile,
  type Span,
} from '../parsers/dockerfile.js';
import { shellCommands } from '../parsers/shell.js';
import { hasFile } from './context.js';
import { expandVariables } from './expand.js';
import {
  cloneState,
  type EnvState,
  type GoEnv,
  goEnvFilePath,
  processVariable,
  resolveGoEnv,
  type Setting,
} from './go-env.js';

export interface BaseImage {
  /** The image reference after ARG expansion, or the stage name for `FROM <stage>`. */
  reference: string;
  /** The stage this one continues, when FROM names an earlier stage. */
  parent: StageAnalysis | undefined;
  /** Whether the stage's root image is an official-style golang image. */
  golang: boolean;
  /** The Go version its tag names (`1.22` for `golang:1.22-alpine`), when it names one. */
  goVersion: string | undefined;
}

export interface StageAnalysis {
  stage: DockerStage;
  base: BaseImage;
  /** The state in effect when each instruction runs (before its own effect). */
  before: Map<DockerInstruction, EnvState>;
  end: EnvState;
}

export interface DockerfileAnalysis {
  /** POSIX path of the Dockerfile relative to the project root. */
  file: string;
  /** The directory doctor takes as the build context: the nearest one up with go.mod or go.work. */
  context: string;
  parsed: ParsedDockerfile;
  stages: StageAnalysis[];
}

/** A `go` invocation inside a RUN, with the environment it runs with. */
export interface GoCommand {
  /** `mod download`, `build`, `env`... (two words for `mod`/`work` subcommands). */
  sub: string;
  args: string[];
  env: GoEnv;
}

const DOCKERFILE_NAME = /^(?:(?:Dockerfile|Containerfile)(?:\..+)?|.+\.(?:dockerfile|containerfile))$/i;

/** Directories of other people's files: vendored and cached modules, Go test data. */
const FOREIGN_DIRS = /(?:^|\/)(?:vendor|testdata)\/|(?:^|\/)pkg\/mod\//;

export function isDockerfile(file: string): boolean {
  return (
    DOCKERFILE_NAME.test(posix.basename(file)) && !file.endsWith('.dockerignore') && !FOREIGN_DIRS.test(file)
  );
}

/** Every Dockerfile of the project that could be read, analysed once per view. */
export function dockerfiles(project: ProjectView): DockerfileAnalysis[] {
  return project.memo('docker:analyses', () =>
    project.files.filter(isDockerfile).flatMap((file) => {
      const text = project.text(file);
      return text === undefined ? [] : [analyzeDockerfile(project, file, text)];
    }),
  );
}

/** The assumed build context: the nearest directory up from the Dockerfile's with go.mod or go.work. */
function contextOf(project: ProjectView, file: string): string {
  for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
    const prefix = dir === '.' ? '' : `${dir}/`;
    if (hasFile(project, `${prefix}go.mod`) || hasFile(project, `${prefix}go.work`)) return dir;
    if (dir === '.') return posix.dirname(file);
  }
}

export function analyzeDockerfile(project: ProjectView, file: string, text: string): DockerfileAnalysis {
  const parsed = parseDockerfile(text);
  const escapeChar = parsed.directives.get('escape')?.value ?? '\\';
  const globals = new Map<string, Setting>();
  for (const arg of parsed.globalArgs) {
    for (const p of arg.properties) {
      if (p.value === undefined) continue;
      const value = expandVariables(p.value, (n) => globals.get(n)?.value, escapeChar);
      globals.set(p.name, {
        value,
        why: `set by the global ARG at line ${line(parsed, p.span)}`,
        span: p.span,
      });
    }
  }
  const stages: StageAnalysis[] = [];
  for (const stage of parsed.stages) {
    const reference = expandVariables(stage.image, (n) => globals.get(n)?.value, escapeChar);
    const parent = stages.find((s) => s.stage.name !== undefined && s.stage.name === reference.toLowerCase());
    const base: BaseImage = parent
      ? { reference, parent, golang: parent.base.golang, goVersion: parent.base.goVersion }
      : { reference, parent: undefined, ...imageFacts(reference) };
    const state: EnvState = parent
      ? { ...cloneState(parent.end), args: new Map() }
      : imageDefaults(base, stage.imageSpan);
    const before = new Map<DockerInstruction, EnvState>();
    for (const instruction of stage.instructions) {
      before.set(instruction, cloneState(state));
      apply(parsed, instruction, state, globals, escapeChar);
    }
    stages.push({ stage, base, before, end: state });
  }
  return { file, context: contextOf(project, file), parsed, stages };
}

/** `golang:1.22-alpine`, `docker.io/library/golang:1.22@sha256:…`, `mirror.example/golang`: golang images. */
function imageFacts(reference: string): { golang: boolean; goVersion: string | undefined } {
  const withoutDigest = reference.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', slash + 1);
  const name = colon < 0 ? withoutDigest.slice(slash + 1) : withoutDigest.slice(slash + 1, colon);
  const tag = colon < 0 ? '' : withoutDigest.slice(colon + 1);
  const golang = name.toLowerCase() === 'golang';
  const goVersion = golang ? /^(\d+\.\d+(?:\.\d+)?(?:rc\d+)?)(?:-|$)/.exec(tag)?.[1] : undefined;
  return { golang, goVersion };
}

function imageDefaults(base: BaseImage, span: Span): EnvState {
  const env = new Map<string, Setting>();
  if (base.golang) {
    // What docker-library/golang's Dockerfiles set: GOPATH=/go, and GOTOOLCHAIN=local since Go 1.21.
    env.set('GOPATH', { value: '/go', why: `set by the ${base.reference} image`, span });
    env.set('GOTOOLCHAIN', { value: 'local', why: `set by the ${base.reference} image`, span });
  }
  return { env, args: new Map(), user: undefined, workdir: '/', goEnvFiles: new Map() };
}

function line(parsed: ParsedDockerfile, span: Span): number {
  return parsed.index.position(span.start).line;
}

function apply(
  parsed: ParsedDockerfile,
  instruction: DockerInstruction,
  state: EnvState,
  globals: Map<string, Setting>,
  escapeChar: string,
): void {
  const lookup = (name: string) => processVariable(state, name)?.value;
  const at = line(parsed, instruction.span);
  switch (instruction.keyword) {
    case 'ENV':
      for (const p of instruction.properties) {
        const value = expandVariables(p.value ?? '', lookup, escapeChar);
        state.env.set(p.name, { value, why: `set by ENV at line ${at}`, span: p.span });
      }
      break;
    case 'ARG':
      for (const p of instruction.properties) {
        if (p.value !== undefined) {
          const value = expandVariables(p.value, lookup, escapeChar);
          state.args.set(p.name, { value, why: `set by the ARG default at line ${at}`, span: p.span });
        } else {
          const global = globals.get(p.name);
          if (global) state.args.set(p.name, global);
        }
      }
      break;
    case 'USER': {
      const user = expandVariables(instruction.args[0]?.value ?? '', lookup, escapeChar);
      state.user = { value: user, why: `set by USER at line ${at}`, span: instruction.span };
      break;
    }
    case 'WORKDIR':
      state.workdir = posix.resolve(
        state.workdir,
        expandVariables(instruction.args[0]?.value ?? '.', lookup, escapeChar),
      );
      break;
    case 'RUN':
      applyGoEnvWrites(instruction, state, at);
      break;
  }
}

/** `go env -w NAME=value` / `go env -u NAME` persist in the GOENV file of the user running them. */
function applyGoEnvWrites(instruction: DockerInstruction, state: EnvState, at: number): void {
  for (const { argv } of shellCommands(instruction.script)) {
    if (!isGo(argv[0]) || argv[1] !== 'env') continue;
    const mode = argv[2];
    if (mode !== '-w' && mode !== '-u') continue;
    const path = goEnvFilePath(state);
    const settings = state.goEnvFiles.get(path) ?? new Map<string, Setting>();
    for (const word of argv.slice(3)) {
      if (mode === '-u') {
        settings.delete(word);
        continue;
      }
      const eq = word.indexOf('=');
      if (eq <= 0) continue;
      settings.set(word.slice(0, eq), {
        value: word.slice(eq + 1),
        why: `set by go env -w at line ${at} (in ${path})`,
        span: instruction.span,
      });
    }
    state.goEnvFiles.set(path, settings);
  }
}

export function isGo(command: string | undefined): boolean {
  return command === 'go' || (command?.endsWith('/go') ?? false);
}

/** The go commands of a RUN and the environment each runs with (`export` and `NAME=value go ...` included). */
export function goCommands(stage: StageAnalysis, instruction: DockerInstruction): GoCommand[] {
  const state = stage.before.get(instruction);
  if (!state || instruction.keyword !== 'RUN') return [];
  const exported = new Map<string, Setting>();
  const result: GoCommand[] = [];
  for (const { assignments, argv } of shellCommands(instruction.script)) {
    const inline = new Map(exported);
    const lookup = (name: string) => processVariable(state, name, inline)?.value;
    const why = 'set in this RUN';
    for (const [name, value] of assignments) inline.set(name, { value: expandVariables(value, lookup), why });
    if (argv[0] === 'export') {
      for (const word of argv.slice(1)) {
        const eq = word.indexOf('=');
        if (eq > 0)
          exported.set(word.slice(0, eq), { value: expandVariables(word.slice(eq + 1), lookup), why });
      }
      continue;
    }
    if (argv.length === 0) {
      // `NAME=value` alone sets a shell variable for the rest of the script (not exported, but commonly meant).
      for (const [name, value] of inline) exported.set(name, value);
      continue;
    }
    if (!isGo(argv[0])) continue;
    const words = argv.slice(1).filter((w) => !w.startsWith('-'));
    const first = words[0] ?? '';
    const sub = (first === 'mod' || first === 'work') && words[1] ? `${first} ${words[1]}` : first;
    result.push({ sub, args: argv.slice(1), env: resolveGoEnv(state, inline) });
  }
  return result;
}
