/**
 * Just enough POSIX shell to find the simple commands of a RUN script: quoting, `&&`/`||`/`;`/`|`/newline
 * separators, leading `NAME=value` assignments, `env NAME=value cmd`, and `sh -c '...'`. It never runs
 * anything; a construct it does not know only makes it see fewer commands.
 */

export interface ShellCommand {
  /** Leading `NAME=value` words (and those of an `env` prefix), unexpanded. */
  assignments: Map<string, string>;
  argv: string[];
}

const SEPARATORS = ['&&', '||', ';;', ';', '|', '&', '\n', '(', ')'];
/** Reserved words that may start a command position without being the command. */
const PREFIX_WORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'do',
  'while',
  'until',
  '!',
  'time',
  '{',
  '}',
  'exec',
]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** The simple commands of a script, in order. */
export function shellCommands(script: string, depth = 0): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const words of splitCommands(script)) {
    const command = simpleCommand(words);
    if (!command) continue;
    const [name, flag, inner] = command.argv;
    // `sh -c 'go mod download'`: the quoted script is where the commands are.
    if (
      depth < 3 &&
      name &&
      /^(?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|ash|dash)$/.test(name) &&
      flag === '-c' &&
      inner
    ) {
      commands.push(...shellCommands(inner, depth + 1));
      continue;
    }
    commands.push(command);
  }
  return commands;
}

function simpleCommand(words: string[]): ShellCommand | undefined {
  let i = 0;
  while (i < words.length && PREFIX_WORDS.has(words[i]!)) i++;
  const assignments = new Map<string, string>();
  for (;;) {
    const m = ASSIGNMENT.exec(words[i] ?? '');
    if (m) {
      assignments.set(m[1]!, m[2]!);
      i++;
    } else if (words[i] === 'env' && ASSIGNMENT.test(words[i + 1] ?? '')) {
      i++;
    } else {
      break;
    }
  }
  const argv = words.slice(i);
  if (argv.length === 0 && assignments.size === 0) return undefined;
  return { assignments, argv };
}

/** Splits a script into the words of each command, removing quotes (variables stay as written). */
function splitCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === '\\' && i + 1 < script.length) {
      if (script[i + 1] !== '\n') word = (word ?? '') + script[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      const stop = end < 0 ? script.length : end;
      word = (word ?? '') + script.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      const { value, next } = doubleQuoted(script, i + 1);
      word = (word ?? '') + value;
      i = next;
      continue;
    }
    if (c === '#' && word === undefined) {
      const end = script.indexOf('\n', i);
      i = end < 0 ? script.length : end;
      continue;
    }
    const separator = SEPARATORS.find((s) => script.startsWith(s, i));
    if (separator) {
      endCommand();
      i += separator.length;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    word = (word ?? '') + c;
    i++;
  }
  endCommand();
  return commands;
}

function doubleQuoted(script: string, start: number): { value: string; next: number } {
  let value = '';
  let i = start;
  while (i < script.length && script[i] !== '"') {
    if (script[i] === '\\' && i + 1 < script.length && '"\\$`\n'.includes(script[i + 1]!)) {
      if (script[i + 1] !== '\n') value += script[i + 1];
      i += 2;
      continue;
    }
    value += script[i];
    i++;
  }
  return { value, next: i + 1 };
}
