import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { redactCredentials } from '../sources/proxy-url.js';
import { ConfigError } from './config-error.js';
import { envName, flagName, SERVE_SETTINGS, type ServeConfig, type Setting } from './settings.js';

export { ConfigError };

type Raw = string | number | boolean;

export interface ConfigInputs {
  /** Values given as command-line flags, by setting key. */
  flags: Partial<Record<string, Raw>>;
  env: NodeJS.ProcessEnv;
  /** A YAML file (from --config or MODGATE_CONFIG). */
  file?: string | undefined;
}

/**
 * Resolves the serve configuration: embedded defaults, then the YAML file, then MODGATE_* variables, then
 * flags. Every problem is collected and reported at once, each naming where the value came from.
 */
export function loadServeConfig(inputs: ConfigInputs): ServeConfig {
  const problems: string[] = [];
  const fileValues = inputs.file ? readConfigFile(inputs.file, problems) : {};
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SERVE_SETTINGS) as [string, Setting<unknown>][]) {
    const candidates: [Raw | undefined, string][] = [
      [inputs.flags[name], `flag ${flagName(setting.key)}`],
      [inputs.env[envName(setting.key)], `environment variable ${envName(setting.key)}`],
      [fileValues[setting.key], `key "${setting.key}" in ${inputs.file}`],
    ];
    const given = candidates.find(([value]) => value !== undefined);
    if (!given) {
      config[name] = setting.default;
      continue;
    }
    const [raw, origin] = given as [Raw, string];
    if (setting.secret && given === candidates[0]) {
      problems.push(
        `${origin}: ${setting.key} is a credential and is not taken from the command line, where every user of the machine can read it; set ${envName(setting.key)} or key "${setting.key}" in the config file`,
      );
      continue;
    }
    const value = setting.parse(raw);
    if (value === undefined)
      problems.push(
        `${origin} = ${setting.secret ? '(hidden)' : JSON.stringify(raw)}: expected ${setting.expected}`,
      );
    else config[name] = value;
  }
  if (problems.length > 0) {
    throw new ConfigError(redactCredentials(`invalid configuration:\n  - ${problems.join('\n  - ')}`));
  }
  return config as ServeConfig;
}

function readConfigFile(file: string, problems: string[]): Record<string, Raw> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`config file ${file}: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(
      `config file ${file}: expected a mapping of settings, got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`,
    );
    return {};
  }
  const known = new Set(Object.values(SERVE_SETTINGS).map((s) => s.key));
  const values: Record<string, Raw> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) {
      problems.push(`config file ${file}: unknown key "${key}" (known keys: ${[...known].join(', ')})`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      values[key] = value;
    } else {
      problems.push(`config file ${file}: key "${key}" must be a single value, not ${JSON.stringify(value)}`);
    }
  }
  return values;
}
