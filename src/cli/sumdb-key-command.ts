import type { Command } from 'commander';
import { loadOrCreateKeys } from '../proxy/checksum-db-key.js';
import { ConfigError } from './config.js';
import { addDataDirOptions, configFor, type DataDirFlags, openDataStore } from './data-dir-options.js';

/**
 * `modgate sumdb key`: prints the GOSUMDB value for modgate's private checksum database, creating its key if
 * `serve` has not yet. Only the value goes to stdout, so `export GOSUMDB="$(modgate sumdb key)"` works.
 */
export function registerSumdbCommand(program: Command): void {
  const sumdb = program.command('sumdb').description("modgate's private checksum database");
  const key = sumdb
    .command('key')
    .description(
      "Print the GOSUMDB value that verifies private modules against modgate's checksum database. " +
        'With GOPROXY pointing at modgate the key alone is enough (go asks the proxy for /sumdb/<name>/); with --url ' +
        'the value also names the database URL, for clients that reach the database some other way.',
    );
  addDataDirOptions(key)
    .option('--private-checksum-db <name>', 'database name, as for serve (env: MODGATE_PRIVATE_CHECKSUM_DB)')
    .option('--url <url>', "modgate's URL as clients reach it, e.g. https://modgate.corp.example")
    .action(async (flags: DataDirFlags & { privateChecksumDb?: string; url?: string }) => {
      const config = configFor(flags, { privateChecksumDb: flags.privateChecksumDb });
      const name = config.privateChecksumDb;
      if (name === 'off') {
        throw new ConfigError(
          'no private checksum database is configured: pass --private-checksum-db <name> (or set privateChecksumDb) as for `modgate serve`',
        );
      }
      const keys = await loadOrCreateKeys(await openDataStore(config), name);
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
