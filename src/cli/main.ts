#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from './config-error.js';
import { VERSION } from './version.js';

type Register = (program: Command) => void;

/**
 * Every command, in the order help lists them, each loaded only when needed: a command's libraries (the YAML
 * and Dockerfile parsers of doctor, the server's of serve) would otherwise add to every other command's start,
 * and `cache restore` runs on every CI job, where its start-up is part of the time it saves.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve-command.js')).registerServeCommand,
  explain: async () => (await import('../explain/explain-command.js')).registerExplainCommand,
  doctor: async () => (await import('../doctor/doctor-command.js')).registerDoctorCommand,
  init: async () => (await import('../scaffold/init-command.js')).registerInitCommand,
  sumdb: async () => (await import('./sumdb-key-command.js')).registerSumdbCommand,
  token: async () => (await import('./token-command.js')).registerTokenCommand,
  cache: async () => (await import('../cachectl/cache-command.js')).registerCacheCommand,
};

const program = new Command('modgate')
  .description('Go module downloads that do not fail or repeat in Docker builds and CI')
  .version(VERSION);

async function main(): Promise<void> {
  // A named command registers alone; help, --version and unknown commands see them all.
  const named = process.argv[2];
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  const registers = await Promise.all(wanted.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`modgate: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`modgate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
