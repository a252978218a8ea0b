import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FsStore } from '../storage/fs-store.js';
import { loadServeConfig } from './config.js';
import type { ServeConfig } from './settings.js';

/** The options every command that works on a server's data directory shares with `serve`. */
export interface DataDirFlags {
  config?: string;
  data?: string;
}

export function addDataDirOptions(command: Command): Command {
  return command
    .option('--config <file>', 'YAML file of settings, as for serve (env: MODGATE_CONFIG)')
    .option('--data <dir>', "modgate's storage directory, as for serve (env: MODGATE_DATA)");
}

/** The serve configuration these flags (plus MODGATE_* variables and the YAML file) give. */
export function configFor(flags: DataDirFlags, extra: Record<string, string | undefined> = {}): ServeConfig {
  return loadServeConfig({
    flags: { data: flags.data, ...extra },
    env: process.env,
    file: flags.config ?? process.env.MODGATE_CONFIG,
  });
}

/** The store a server with this configuration uses; opening it never disturbs a running server. */
export function openDataStore(config: ServeConfig): Promise<FsStore> {
  return FsStore.open(resolve(config.data), { cleanStaging: false });
}
