import { type Command, Option } from 'commander';
import { loadServeConfig } from './config.js';
import { envName, flagName, SERVE_SETTINGS, type Setting } from './settings.js';

export function registerServeCommand(program: Command): void {
  const serveCommand = program
    .command('serve')
    .description(
      'Run a caching Go module proxy (GOPROXY protocol) in front of upstream proxies.\n' +
        'Settings come from flags, then MODGATE_* environment variables, then a YAML file (--config), then defaults.',
    )
    .option('--config <file>', 'YAML file of settings (env: MODGATE_CONFIG)');
  for (const [name, setting] of Object.entries(SERVE_SETTINGS) as [string, Setting<unknown>][]) {
    serveCommand.addOption(
      new Option(`${flagName(setting.key)} <value>`, `${setting.description} (env: ${envName(setting.key)})`)
        .default(undefined, describeDefault(name, setting.default))
        .argParser((value) => value),
    );
  }
  serveCommand.action(async (flags: Record<string, string | undefined>) => {
    const config = loadServeConfig({
      flags,
      env: process.env,
      file: flags.config ?? process.env.MODGATE_CONFIG,
    });
    // Loaded only here: the server's libraries would otherwise add a second to every other command's start.
    const { serve } = await import('./serve.js');
    await serve(config);
  });
}

function describeDefault(name: string, value: unknown): string {
  if (name.endsWith('Ttl') || name.endsWith('Timeout') || name === 'staleWhileRevalidate')
    return `${Number(value) / 1000}s`;
  if (name === 'memoryCache') return `${Number(value) >> 20}MiB`;
  return String(value);
}
