import { posix } from 'node:path';
import { matchingClose } from '../../docker/expand.js';
import { shellCommands as shellWords } from '../shell.js';
import { type ScalarLine, scalarLines } from './scalar-lines.js';
import type { YamlFile } from './yaml-file.js';
import type { YScalar } from './yaml-tree.js';

/**
 * Commands in GitHub `run:` and GitLab `script:` as image builds need them: continued lines joined, a flag's
 * value with where it is written, the context argument, and paths made relative to the checkout. The shell is
 * scanned, not interpreted.
 */

/** A shell command, possibly continued over several lines with a trailing backslash. */
export interface ShellCommand {
  readonly lines: readonly ScalarLine[];
  readonly text: string;
}

export function shellCommands(file: YamlFile, scalar: YScalar): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let current: ScalarLine[] = [];
  // A folded scalar (`>`, `>-`) joins its lines with spaces: YAML makes it one command, as GitLab runs it.
  const folded = scalar.style === 'BLOCK_FOLDED';
  for (const line of scalarLines(file, scalar)) {
    current.push(line);
    if (!folded && !line.text.endsWith('\\')) {
      commands.push({ lines: current, text: current.map((l) => l.text.replace(/\\$/, '')).join(' ') });
      current = [];
    }
  }
  if (current.length > 0) commands.push({ lines: current, text: current.map((l) => l.text).join(' ') });
  return commands;
}

/** Where the command is written, from its first line to the end of its last. */
export function commandRange(command: ShellCommand): readonly [number, number] {
  return [command.lines[0]!.start, command.lines.at(-1)!.end];
}

/** A flag's value in a command, with its source offsets (inside quotes when quoted). */
export function flagValues(
  command: ShellCommand,
  flag: string,
): { value: string; start: number; end: number }[] {
  const pattern = new RegExp(`(?:^|\\s)${flag}(?:=|\\s+)("[^"]*"|'[^']*'|[^\\s"']+)`, 'g');
  return command.lines.flatMap((line) =>
    [...line.text.matchAll(pattern)].map((m) => {
      const raw = m[1]!;
      const quoted = raw.startsWith('"') || raw.startsWith("'") ? 1 : 0;
      const start = line.start + m.index + m[0].length - raw.length + quoted;
      const value = raw.slice(quoted, raw.length - quoted);
      return { value, start, end: start + value.length };
    }),
  );
}

/**
 * Flags of `docker build`/`docker buildx build`, `podman build` and `buildah bud` that take a value as the next
 * word, so that the context is the remaining positional argument.
 */
const VALUE_FLAGS = new Set(
  [
    '-f --file -t --tag --cache-to --cache-from --build-arg --target --platform --secret --ssh --label -o',
    '--output --builder --build-context --progress --iidfile --metadata-file --network --provenance --sbom',
    '--attest --annotation --allow --add-host --shm-size --ulimit -m --memory --memory-swap --cpu-shares',
    '--cpuset-cpus --cpuset-mems --cgroup-parent --isolation --format --manifest --authfile --creds --jobs',
    '--os --arch --variant --runtime --userns --volume -v --env --timestamp --layers --retry --sign-by',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Command substitutions and GitHub expressions, which may hold spaces and parentheses that are not the
 * shell's separators here: each becomes one opaque word part, so a tag such as `app:$(git rev-parse HEAD)`
 * or `${{ github.sha }}` stays one word and is never taken for the context.
 */
function opaqueSubstitutions(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const close = substitutionEnd(text, i);
    if (close > i) {
      out += '$SUBSTITUTED';
      i = close;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** Where a substitution starting at `i` ends (the index after it), or 0 when none starts there or it is unclosed. */
function substitutionEnd(text: string, i: number): number {
  if (text.startsWith('${{', i)) return text.indexOf('}}', i + 3) + 2;
  if (text.startsWith('$(', i)) return matchingClose(text, i + 2, '(', ')') + 1;
  if (text[i] === '`') return text.indexOf('`', i + 1) + 1;
  return 0;
}

/**
 * The context argument of a build command (`docker build`, `podman build`...) matched by `command`: its first
 * positional word, read with the shell's quoting up to the end of that command (`;`, `&&`, `|`).
 */
export function buildContext(commandText: string, command: RegExp): string {
  const match = command.exec(commandText);
  const rest = match ? commandText.slice(match.index + match[0].length) : '';
  const words = shellWords(opaqueSubstitutions(rest))[0]?.argv ?? [];
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (VALUE_FLAGS.has(word)) i++;
    else if (!word.startsWith('-')) positional.push(word);
  }
  return positional[0] ?? '.';
}

const WORKSPACE =
  /^(?:\$\{?(?:CI_PROJECT_DIR|GITHUB_WORKSPACE)\}?|\$\{\{\s*github\.workspace\s*\}\})(?=\/|$)/;

/** A path relative to the checkout root, or undefined for variables, URLs, stdin (`-`) and paths outside it. */
export function checkoutPath(path: string): string | undefined {
  // The checkout root under the names CI gives it.
  const relative = path.replace(WORKSPACE, '.');
  if (/[$`{]|:\/\/|^git@|^-$/.test(relative)) return undefined;
  const normal = posix.normalize(relative.replace(/^\.\//, '')).replace(/(.)\/$/, '$1');
  return normal.startsWith('..') || normal.startsWith('/') ? undefined : normal;
}
