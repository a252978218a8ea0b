import { type Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_FORMS } from './backend-forms.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK } from './exit-codes.js';
import type { CommonOptions } from './prepare.js';

export function registerCacheCommand(program: Command): void {
  const cache = program
    .command('cache')
    .description(
      'Persist the module downloads of a Go project between CI runs, verified against go.sum, in a directory\n' +
        '(one file each) or an S3 bucket (in packs; credentials from the AWS environment), or restore them from a\n' +
        'modgate server.\n' +
        `Exit status: ${EXIT_OK} done, ${EXIT_FAILED} a module was refused or failed to transfer, ` +
        `${EXIT_BAD_INPUT} bad input, ${EXIT_INCOMPLETE} restore incomplete.`,
    );
  const common = (command: Command): Command =>
    command
      // A flag commander refuses is bad input like any other: the documented status, not commander's 1.
      .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT))
      .option('--project <dir>', 'the Go module or workspace whose go.sum files say what is needed', '.')
      .option('--gomodcache <dir>', 'the module cache (default: go env GOMODCACHE)')
      .addOption(new Option('--jobs <n>', 'transfers at once').default(8).argParser(positiveInteger))
      .option('--json', 'print one JSON report on stdout instead of the summary line', false)
      // No credential flags on purpose: argv shows in process lists and CI logs. The AWS SDK reads them from
      // AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the machine's role.
      .option('--s3-endpoint <url>', 's3://: an S3-compatible service (default: AWS_ENDPOINT_URL, else AWS)')
      .option('--s3-region <region>', 's3://: the bucket region (default: AWS_REGION, else us-east-1)')
      .option(
        '--s3-force-path-style',
        's3://: address the bucket in the path, as most non-AWS services need',
      );

  common(
    cache
      .command('save')
      .description(
        'Upload the go.sum modules of $GOMODCACHE/cache/download that the cache lacks, each checked against go.sum.\n' +
          'A GOPROXY server fills itself as it serves, so saving to an http(s) URL uploads nothing.',
      )
      .requiredOption('--to <backend>', BACKEND_FORMS),
  ).action(async (options: CommonOptions & { to: string }) => {
    // Loaded only here, like every command's work: see main.ts.
    const { runSave } = await import('./run-save.js');
    process.exitCode = await runSave(options);
  });

  common(
    cache
      .command('restore')
      .description(
        'Fetch exactly the modules go.sum needs, check every one against go.sum, and write them into ' +
          '$GOMODCACHE/cache/download, each extracted beside it as go would (or --into DIR, a tree for ' +
          'GOPROXY=file://DIR).',
      )
      .requiredOption('--from <backend>', BACKEND_FORMS)
      .option('--into <dir>', 'write a GOPROXY=file:// tree here instead of into the module cache')
      .option('--check', 'then run "go mod download" with no network to prove the restore complete', false)
      .option(
        '--allow-incomplete',
        `exit ${EXIT_OK} rather than ${EXIT_INCOMPLETE} when modules are missing`,
        false,
      ),
  ).action(
    async (
      options: CommonOptions & { from: string; into?: string; check: boolean; allowIncomplete: boolean },
    ) => {
      const { runRestore } = await import('./run-restore.js');
      process.exitCode = await runRestore(options);
    },
  );
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InvalidArgumentError('give a whole number from 1 to 256');
  return n;
}
