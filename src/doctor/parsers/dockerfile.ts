/**
 * Dockerfiles as doctor's rules see them, built on dockerfile-ast (lenient, with ranges, BuildKit flags and
 * heredocs). Each instruction is converted on its own: one that cannot be understood becomes a problem with
 * its position, and the rest of the file is still checked.
 */
import {
  type Argument,
  DockerfileParser,
  type Flag,
  type Instruction,
  type JSONInstruction,
  type Property,
  type PropertyInstruction,
} from 'dockerfile-ast';
import { TextIndex } from '../text-index.js';

/** `[start, end)` UTF-16 offsets into the Dockerfile text. */
export interface Span {
  start: number;
  end: number;
}

export interface Word {
  value: string;
  span: Span;
}

export interface MountOption extends Word {
  name: string;
}

/** One `--mount=` flag of a RUN: `type` defaults to bind, as in BuildKit. */
export interface Mount {
  type: string;
  options: MountOption[];
  /** The whole `--mount=...` flag. */
  span: Span;
  option(name: string): MountOption | undefined;
}

export interface EnvProperty {
  name: string;
  /** The value with quotes and escapes removed, before variable expansion; undefined for `ARG NAME`. */
  value: string | undefined;
  span: Span;
  valueSpan: Span | undefined;
}

export interface DockerInstruction {
  /** Upper-case keyword (`RUN`, `COPY`...). */
  keyword: string;
  span: Span;
  /** Offset just past the keyword, where a flag can be inserted. */
  keywordEnd: number;
  /** Index of the stage it belongs to; -1 for ARGs before the first FROM. */
  stage: number;
  /** `--name=value` flags, lower-case names. */
  flags: (Word & { name: string })[];
  /** Arguments after the flags (for JSON forms, the decoded strings with the span of the whole list). */
  args: Word[];
  /** RUN: its mounts. */
  mounts: Mount[];
  /** ENV and ARG: their NAME=value pairs. */
  properties: EnvProperty[];
  /** RUN: the shell script, continuations joined and comment lines dropped (heredoc bodies included). */
  script: string;
  /** COPY/ADD `--from=`, if any. */
  from: string | undefined;
}

export interface DockerStage {
  index: number;
  /** The `AS name`, lower-cased as BuildKit compares it. */
  name: string | undefined;
  /** The image reference as written (`golang:${GO_VERSION}-alpine`, or another stage's name). */
  image: string;
  imageSpan: Span;
  /** The FROM instruction. */
  from: DockerInstruction;
  /** The stage's instructions after FROM. */
  instructions: DockerInstruction[];
}

export interface ParseProblem {
  span: Span;
  message: string;
}

export interface ParsedDockerfile {
  text: string;
  index: TextIndex;
  /** Parser directives (`# syntax=`, `# escape=`, `# check=`), lower-case names. */
  directives: Map<string, Word>;
  /** ARGs before the first FROM. */
  globalArgs: DockerInstruction[];
  stages: DockerStage[];
  instructions: DockerInstruction[];
  problems: ParseProblem[];
}

const KNOWN = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

export function parseDockerfile(text: string): ParsedDockerfile {
  const index = new TextIndex(text);
  const ast = DockerfileParser.parse(text);
  const span = (range: {
    start: { line: number; character: number };
    end: { line: number; character: number };
  }) => ({
    start: index.offsetOf(range.start.line, range.start.character),
    end: index.offsetOf(range.end.line, range.end.character),
  });
  const result: ParsedDockerfile = {
    text,
    index,
    directives: new Map(),
    globalArgs: [],
    stages: [],
    instructions: [],
    problems: [],
  };
  for (const d of ast.getDirectives()) {
    result.directives.set(d.getName().toLowerCase(), { value: d.getValue(), span: span(d.getRange()) });
  }
  const escapeChar = ast.getEscapeCharacter();
  for (const node of ast.getInstructions()) {
    const keyword = node.getKeyword().toUpperCase();
    const where = span(node.getRange());
    if (!KNOWN.has(keyword)) {
      result.problems.push({
        span: where,
        message: `unknown instruction ${JSON.stringify(node.getInstruction())}: docker build rejects the file`,
      });
      continue;
    }
    let instruction: DockerInstruction;
    try {
      instruction = convert(node, keyword, result.stages.length - 1, text, escapeChar, span);
    } catch (err) {
      // dockerfile-ast is lenient, but one odd line must never cost the whole file its checks.
      result.problems.push({
        span: where,
        message: `cannot understand this ${keyword}: ${(err as Error).message}`,
      });
      continue;
    }
    if (keyword === 'FROM') {
      const stage = newStage(instruction, result.stages.length);
      if (!stage) {
        result.problems.push({ span: where, message: 'FROM without an image' });
        continue;
      }
      instruction.stage = stage.index;
      result.stages.push(stage);
    } else if (result.stages.length === 0) {
      if (keyword === 'ARG') result.globalArgs.push(instruction);
      else
        result.problems.push({
          span: where,
          message: `${keyword} before the first FROM: docker build rejects it`,
        });
    } else {
      result.stages.at(-1)!.instructions.push(instruction);
    }
    result.instructions.push(instruction);
  }
  return result;
}

type ToSpan = (range: {
  start: { line: number; character: number };
  end: { line: number; character: number };
}) => Span;

function convert(
  node: Instruction,
  keyword: string,
  stage: number,
  text: string,
  escapeChar: string,
  span: ToSpan,
): DockerInstruction {
  const flags: Flag[] = 'getFlags' in node ? (node as JSONInstruction).getFlags() : [];
  const whole = span(node.getRange());
  const instruction: DockerInstruction = {
    keyword,
    span: whole,
    keywordEnd: span(node.getInstructionRange()).end,
    stage,
    flags: flags.map((f) => ({
      name: f.getName().toLowerCase(),
      value: f.getValue() ?? '',
      span: span(f.getRange()),
    })),
    args: [],
    mounts: [],
    properties: [],
    script: '',
    from: flags.find((f) => f.getName().toLowerCase() === 'from')?.getValue() ?? undefined,
  };
  const jsonForm = jsonArguments(node, text, escapeChar, span);
  instruction.args =
    jsonForm ?? node.getArguments().map((a: Argument) => ({ value: a.getValue(), span: span(a.getRange()) }));
  if (keyword === 'ENV' || keyword === 'ARG') {
    instruction.properties = (node as PropertyInstruction).getProperties().map((p) => property(p, span));
  }
  if (keyword === 'RUN') {
    instruction.mounts = flags
      .filter((f) => f.getName().toLowerCase() === 'mount')
      .map((f) => mount(f, span));
    const argsStart = flags.length > 0 ? span(flags.at(-1)!.getRange()).end : instruction.keywordEnd;
    instruction.script = jsonForm
      ? jsonForm.map((a) => a.value).join(' ')
      : shellScript(text.slice(argsStart, whole.end), escapeChar);
  }
  return instruction;
}

/**
 * The decoded strings of an exec-form (`["a", "b"]`) instruction, or undefined for the shell form. The list is
 * decoded from the text with JSON.parse (continuations removed), as Docker does; dockerfile-ast's own string
 * values drop spaces inside the strings.
 */
function jsonArguments(
  node: Instruction,
  text: string,
  escapeChar: string,
  span: ToSpan,
): Word[] | undefined {
  if (!('getJSONStrings' in node)) return undefined;
  const json = node as JSONInstruction;
  const open = json.getOpeningBracket();
  const close = json.getClosingBracket();
  if (!open || !close) return undefined;
  const whole = { start: span(open.getRange()).start, end: span(close.getRange()).end };
  const continuation = new RegExp(`${escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\r?\n`, 'g');
  try {
    const parsed: unknown = JSON.parse(text.slice(whole.start, whole.end).replace(continuation, ''));
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) return undefined;
    return parsed.map((value: string) => ({ value, span: whole }));
  } catch {
    return undefined;
  }
}

function property(p: Property, span: ToSpan): EnvProperty {
  const valueRange = p.getValueRange();
  return {
    name: p.getName(),
    value: p.getValue() ?? undefined,
    span: span(p.getRange()),
    valueSpan: valueRange ? span(valueRange) : undefined,
  };
}

function mount(flag: Flag, span: ToSpan): Mount {
  const options: MountOption[] = flag.getOptions().map((o) => ({
    name: o.getName().toLowerCase(),
    value: o.getValue() ?? '',
    span: span(o.getRange()),
  }));
  const option = (name: string) => options.find((o) => o.name === name);
  return { type: option('type')?.value ?? 'bind', options, span: span(flag.getRange()), option };
}

/**
 * A shell-form RUN's script as the shell receives it: escaped line breaks removed, and comment lines inside
 * the continuation dropped (Docker drops them before the shell sees the script).
 */
function shellScript(raw: string, escapeChar: string): string {
  const lines = raw.split(/\r?\n/);
  const kept: string[] = [];
  let continued = false;
  for (const line of lines) {
    if (continued && /^\s*#/.test(line)) continue;
    const trimmed = line.trimEnd();
    continued = trimmed.endsWith(escapeChar);
    kept.push(continued ? `${trimmed.slice(0, -escapeChar.length)} ` : `${line}\n`);
  }
  return kept.join('').trim();
}

function newStage(from: DockerInstruction, index: number): DockerStage | undefined {
  const [image, as, name] = from.args;
  if (!image) return undefined;
  return {
    index,
    name: as?.value.toLowerCase() === 'as' && name ? name.value.toLowerCase() : undefined,
    image: image.value,
    imageSpan: image.span,
    from,
    instructions: [],
  };
}
