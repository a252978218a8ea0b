/**
 * A configuration problem: the message names the input, the bad value and what would be valid. Apart from
 * config.ts so that the CLI's entry point can recognise it without loading the YAML parser.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
