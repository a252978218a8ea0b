import { envName, flagName } from '../../src/cli/settings.js';

/**
 * The value a modgate command line and environment give a setting, as modgate reads them: `--flag value` or
 * `--flag=value` first, then the MODGATE_* variable.
 */
export function settingValue(
  args: readonly string[],
  env: Record<string, string | undefined>,
  key: string,
): string | undefined {
  const flag = flagName(key);
  for (const [i, arg] of args.entries()) {
    if (arg === flag) return args[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return env[envName(key)];
}
