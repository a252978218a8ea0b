import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { VERSION } from '../cli/version.js';
import {
  CONFIG_FILES,
  type DoctorConfig,
  DoctorConfigError,
  EMPTY_CONFIG,
  type FailOn,
  failOnLevels,
  parseDoctorConfig,
} from './config.js';
import { failsThreshold, runRules } from './engine.js';
import { fixProject } from './fix.js';
import { GoEnvError, parseGoEnvJson } from './parsers/go-env-json.js';
import { decodeText, loadProject, ProjectError, type ProjectOptions } from './project.js';
import { FORMATS, type Format, formatFindings } from './reporters/index.js';
import { ALL_RULES } from './rules/index.js';

/** Exit codes: below the threshold, at or above it, and input doctor could not use. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

interface DoctorOptions {
  format: Format;
  fix?: boolean;
  failOn?: FailOn;
  goEnv?: string;
  config?: string;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'Find what makes Go module downloads fail or repeat in Dockerfiles, .dockerignore, CI files and the Go environment.\n' +
        `Exit status: ${EXIT_CLEAN} nothing at or above --fail-on, ${EXIT_FINDINGS} findings at or above it, ${EXIT_BAD_INPUT} unusable input.`,
    )
    .argument('[dir]', 'project directory', '.')
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('--fix', 'apply the safe autofixes, then report what is left')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a finding is at least this severe (default: error)',
      ).choices([...failOnLevels]),
    )
    .option('--go-env <file>', 'output of `go env -json` to check too')
    .option('--config <file>', `config file (default: ${CONFIG_FILES.join(' or ')} in the directory)`)
    .action(async (dir: string, options: DoctorOptions) => {
      process.exitCode = await doctor(dir, options);
    });
}

class InputError extends Error {}

async function doctor(dir: string, options: DoctorOptions): Promise<number> {
  let config: DoctorConfig;
  let projectOptions: ProjectOptions;
  try {
    config = await readConfig(dir, options.config);
    projectOptions = { privateModules: config.private.join(',') };
    if (options.goEnv) {
      const text = await readInput(options.goEnv);
      projectOptions.goEnv = parseGoEnvJson(text, options.goEnv);
      projectOptions.goEnvFile = { path: options.goEnv, text };
    }
    let project = await loadProject(dir, projectOptions);
    if (options.fix) {
      const result = fixProject(project, ALL_RULES, config);
      for (const [file, text] of result.changed) await writeAtomically(join(project.root, file), text);
      process.stderr.write(
        `modgate doctor: applied ${result.applied} fix${result.applied === 1 ? '' : 'es'} in ${result.changed.size} file${result.changed.size === 1 ? '' : 's'}\n`,
      );
      for (const file of result.refused) {
        process.stderr.write(`modgate doctor: left ${file} unchanged: its fixes would not parse cleanly\n`);
      }
      if (result.changed.size > 0) project = await loadProject(dir, projectOptions);
    }
    const findings = runRules(project, ALL_RULES, config);
    process.stdout.write(formatFindings(options.format, findings, ALL_RULES, VERSION));
    return failsThreshold(findings, options.failOn ?? config['fail-on'] ?? 'error')
      ? EXIT_FINDINGS
      : EXIT_CLEAN;
  } catch (err) {
    if (
      err instanceof InputError ||
      err instanceof DoctorConfigError ||
      err instanceof GoEnvError ||
      err instanceof ProjectError
    ) {
      process.stderr.write(`modgate doctor: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}

async function readConfig(dir: string, explicit: string | undefined): Promise<DoctorConfig> {
  if (explicit) return parseDoctorConfig(await readInput(explicit), explicit);
  for (const name of CONFIG_FILES) {
    const file = join(dir, name);
    const exists = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (exists) return parseDoctorConfig(await readInput(file), file);
  }
  return EMPTY_CONFIG;
}

async function readInput(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    if ((await stat(file)).isDirectory()) throw new InputError(`cannot read ${file}: it is a directory`);
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new InputError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  const decoded = decodeText(bytes);
  if ('problem' in decoded) throw new InputError(`cannot read ${file}: ${decoded.problem}`);
  return decoded.text;
}

/** Write to a temporary file beside the target, then rename: an interrupted --fix never leaves half a file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = join(dirname(resolve(path)), `.modgate-fix-${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new InputError(`cannot write the fix to ${path}: ${(err as Error).message}`);
  }
}
