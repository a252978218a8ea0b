import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { FilesExistError, ScaffoldError } from './errors.js';
import { type GeneratedFile, generate, TARGETS, type Target } from './generate.js';
import { privateHints } from './private-hint.js';
import { readProject } from './project.js';
import { writeFiles } from './write-files.js';

/** Exit codes: written, refused because files exist, unusable input (nothing written in either case). */
export const EXIT_WRITTEN = 0;
export const EXIT_EXISTS = 1;
export const EXIT_BAD_INPUT = 2;

interface Flags {
  private: string[];
  goproxy?: string;
  secret?: 'netrc' | 'none';
  main?: string;
  force: boolean;
  dryRun: boolean;
  stdout: boolean;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      'Write a Dockerfile (docker), a GitHub Actions workflow (github) or a .gitlab-ci.yml (gitlab) for the Go ' +
        'module or workspace in DIR, with module downloads that are cached, never repeated for a source change, ' +
        'and private credentials that never land in an image.\n' +
        `Exit status: ${EXIT_WRITTEN} written, ${EXIT_EXISTS} files exist (see --force), ${EXIT_BAD_INPUT} bad input.`,
    )
    .addArgument(program.createArgument('<target>', 'what to write').choices(TARGETS))
    .argument('[dir]', 'the project root holding go.mod or go.work', '.')
    .option(
      '--private <patterns>',
      'modules that need credentials, GOPRIVATE-style (comma-separated, repeatable)',
      (value: string, previous: string[]) => [...previous, ...value.split(',').filter((p) => p !== '')],
      [],
    )
    .option('--goproxy <url>', 'a module proxy (a modgate server) to download through before direct')
    .addOption(
      new Option(
        '--secret <kind>',
        'how private credentials reach go (default: netrc with --private)',
      ).choices(['netrc', 'none']),
    )
    .option('--main <dir>', 'the main package the image runs (docker; default: the only one)')
    .option('--force', 'replace existing files', false)
    .option('--dry-run', 'print the files instead of writing them', false)
    .option('--stdout', 'the same as --dry-run', false)
    .action(async (target: Target, dir: string, flags: Flags) => {
      process.exitCode = await init(target, dir, flags);
    });
}

async function init(target: Target, dir: string, flags: Flags): Promise<number> {
  const root = resolve(dir);
  try {
    const project = await readProject(root);
    const files = generate(target, project, {
      private: flags.private,
      goproxy: flags.goproxy,
      secret: flags.secret,
      main: flags.main,
    });
    for (const hint of privateHints(project, flags.private))
      process.stderr.write(`modgate init: note: ${hint}\n`);
    if (flags.dryRun || flags.stdout) {
      process.stdout.write(printed(files));
      return EXIT_WRITTEN;
    }
    await writeFiles(root, files, flags.force);
    for (const f of files) process.stdout.write(`wrote ${f.path}\n`);
    return EXIT_WRITTEN;
  } catch (err) {
    if (!(err instanceof ScaffoldError)) throw err;
    process.stderr.write(`modgate init: ${err.message}\n`);
    return err instanceof FilesExistError ? EXIT_EXISTS : EXIT_BAD_INPUT;
  }
}

/** One file alone as it is; several each under a `==> path <==` header, as `head` prints them. */
function printed(files: GeneratedFile[]): string {
  if (files.length === 1) return files[0]!.content;
  return files.map((f) => `==> ${f.path} <==\n${f.content}`).join('\n');
}
