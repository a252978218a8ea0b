import type { Command } from 'commander';
import { TokenStore } from '../auth/token-store.js';
import { ADMIN_SCOPE, type TokenRecord } from '../auth/tokens.js';
import { ConfigError } from './config.js';
import { addDataDirOptions, configFor, type DataDirFlags, openDataStore } from './data-dir-options.js';
import { parseDuration } from './units.js';

/**
 * `modgate token create|list|revoke`: client tokens live in the server's data directory, so these work on
 * a running server's data (revocations take effect within seconds) or before it first starts.
 */
export function registerTokenCommand(program: Command): void {
  const token = program
    .command('token')
    .description('client tokens for a modgate server started with --auth');
  const tokensFor = async (flags: DataDirFlags) => new TokenStore(await openDataStore(configFor(flags)));

  addDataDirOptions(
    token
      .command('create')
      .description(
        'Create a token and print it once (only its hash is kept).\n' +
          `Scopes are GOPRIVATE-style module patterns the token may read ("*" for all), or "${ADMIN_SCOPE}" for /metrics.`,
      )
      .argument('<name>', 'who or what the token is for, e.g. ci-payments')
      .requiredOption('--scope <pattern...>', 'module patterns the token may read, and/or admin')
      .option('--expires <duration>', 'lifetime such as 30d or 12h (default: no expiry)'),
  ).action(async (name: string, flags: DataDirFlags & { scope: string[]; expires?: string }) => {
    const scopes = flags.scope.flatMap((s) => s.split(',')).map((s) => s.trim());
    if (scopes.some((s) => s === '')) throw new ConfigError('--scope: empty pattern');
    let expiresAt: Date | undefined;
    if (flags.expires !== undefined) {
      const ms = parseDuration(flags.expires);
      if (ms === undefined || ms <= 0)
        throw new ConfigError(
          `--expires ${JSON.stringify(flags.expires)}: expected a duration such as 30d or 12h`,
        );
      expiresAt = new Date(Date.now() + ms);
    }
    const { record, token: secret } = await (await tokensFor(flags)).create({ name, scopes, expiresAt });
    process.stderr.write(`created token ${record.id} (${name}); it is shown only now:\n`);
    process.stdout.write(`${secret}\n`);
  });

  addDataDirOptions(
    token
      .command('list')
      .description('List tokens: id, name, scopes, expiry, revocation and last use (never the secrets)')
      .option('--json', 'one JSON array'),
  ).action(async (flags: DataDirFlags & { json?: boolean }) => {
    const records = (await (await tokensFor(flags)).list()).map(({ secretSha256: _, ...r }) => r);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      return;
    }
    for (const r of records) process.stdout.write(`${describe(r)}\n`);
  });

  addDataDirOptions(
    token
      .command('revoke')
      .description('Revoke a token by id or name; servers refuse it within seconds')
      .argument('<id-or-name>'),
  ).action(async (idOrName: string, flags: DataDirFlags) => {
    try {
      const record = await (await tokensFor(flags)).revoke(idOrName);
      process.stdout.write(`revoked ${describe(record)}\n`);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  });
}

function describe(r: Omit<TokenRecord, 'secretSha256'>): string {
  const state = r.revokedAt ? `revoked ${r.revokedAt}` : r.expiresAt ? `expires ${r.expiresAt}` : 'no expiry';
  return `${r.id}  ${r.name}  scopes=${r.scopes.join(',')}  ${state}  last used ${r.lastUsedAt ?? 'never'}`;
}
