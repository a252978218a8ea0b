import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadOrCreateKeys } from '../proxy/checksum-db-key.js';
import { FsStore } from '../storage/fs-store.js';
import { ConfigError, loadServeConfig } from './config.js';

/**
 * `modgate sumdb key`: prints the GOSUMDB value for modgate's private checksum database, creating its key if
 * `serve` has not yet. Only the value goes to stdout, so `export GOSUMDB="$(modgate sumdb key)"` works.
 */
export function registerSumdbCommand(program: Command): void {
  const sumdb = program.command('sumdb').description("modgate's private checksum database");
  sumdb
    .command('key')
    .description(
      "Print the GOSUMDB value that verifies private modules against modgate's checksum database.\n" +
        'With GOPROXY pointing at modgate the key alone is enough (go asks the proxy for /sumdb/<name>/); with --url the\n' +
        'value also names the database URL, for clients that reach the database some other way.',
    )
    .option('--config <file>', 'YAML file of settings, as for serve (env: MODGATE_CONFIG)')
    .option('--data <dir>', "modgate's storage directory, as for serve (env: MODGATE_DATA)")
    .option('--private-checksum-db <name>', 'database name, as for serve (env: MODGATE_PRIVATE_CHECKSUM_DB)')
    .option('--url <url>', "modgate's URL as clients reach it, e.g. https://modgate.corp.example")
    .action(async (flags: { config?: string; data?: string; privateChecksumDb?: string; url?: string }) => {
      const config = loadServeConfig({
        flags: { data: flags.data, privateChecksumDb: flags.privateChecksumDb },
        env: process.env,
        file: flags.config ?? process.env.MODGATE_CONFIG,
      });
      const name = config.privateChecksumDb;
      if (name === 'off') {
        throw new ConfigError(
          'no private checksum database is configured: pass --private-checksum-db <name> (or set privateChecksumDb) as for `modgate serve`',
        );
      }
      const keys = await loadOrCreateKeys(
        await FsStore.open(resolve(config.data), { cleanStaging: false }),
        name,
      );
      const url = flags.url === undefined ? '' : ` ${databaseUrl(flags.url, name)}`;
      process.stdout.write(`${keys.verifierKey}${url}\n`);
    });
}

function databaseUrl(base: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new ConfigError(
      `--url ${JSON.stringify(base)} is not a URL; expected e.g. https://modgate.corp.example`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ConfigError(`--url ${JSON.stringify(base)} must be an http or https URL`);
  return `${base.replace(/\/+$/, '')}/sumdb/${name}`;
}
