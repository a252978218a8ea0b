import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { classifyLog } from './classify.js';
import { formatJson, formatText } from './report.js';

/** Exit codes: scripts can tell "log is clean" from "failures explained" from "could not read the log". */
export const EXIT_NOTHING_FOUND = 0;
export const EXIT_FAILURES_FOUND = 1;
export const EXIT_BAD_INPUT = 2;

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      'Read a build log (docker build, GitHub Actions, GitLab CI, plain go output) and explain why Go module downloads failed.\n' +
        `Exit status: ${EXIT_NOTHING_FOUND} nothing found, ${EXIT_FAILURES_FOUND} failures found, ${EXIT_BAD_INPUT} unreadable input.`,
    )
    .argument('[file]', 'log file; "-" or none reads standard input')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string | undefined, options: { format: 'text' | 'json' }) => {
      process.exitCode = await explain(file, options.format);
    });
}

async function explain(file: string | undefined, format: 'text' | 'json'): Promise<number> {
  const fromStdin = file === undefined || file === '-';
  const source = fromStdin ? '<stdin>' : file;
  let input: AsyncIterable<Uint8Array>;
  if (fromStdin) {
    input = process.stdin;
  } else {
    // Opening first turns a missing file or a directory into a clear message instead of a stream error mid-way.
    const problem = await checkReadable(file);
    if (problem) {
      process.stderr.write(`modgate explain: cannot read ${file}: ${problem}\n`);
      return EXIT_BAD_INPUT;
    }
    input = createReadStream(file);
  }
  let result: Awaited<ReturnType<typeof classifyLog>>;
  try {
    result = await classifyLog(input);
  } catch (err) {
    process.stderr.write(`modgate explain: cannot read ${source}: ${(err as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  process.stdout.write(format === 'json' ? formatJson(result, source) : formatText(result, source));
  return result.failures.length > 0 ? EXIT_FAILURES_FOUND : EXIT_NOTHING_FOUND;
}

async function checkReadable(file: string): Promise<string | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      if ((await handle.stat()).isDirectory()) return 'it is a directory';
    } finally {
      await handle.close();
    }
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'it is a directory',
    };
    return (e.code && reasons[e.code]) ?? e.message;
  }
}
