/**
 * `.modgate-doctor.yaml`: rules to turn off, severity overrides, the failure threshold and private module
 * patterns. Validated with zod so a typo is an error naming the key, not a silently ignored setting.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const CONFIG_FILES = ['.modgate-doctor.yaml', '.modgate-doctor.yml'];

const severity = z.enum(['error', 'warning', 'info']);
export const failOnLevels = ['error', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof failOnLevels)[number];

const ConfigSchema = z
  .object({
    /** Rule IDs that are not run. */
    disable: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'a rule ID such as D3')).default([]),
    /** Rule ID → severity. */
    severity: z.record(z.string(), severity).default({}),
    /** Exit non-zero when a finding is at least this severe (the --fail-on flag wins). */
    'fail-on': z.enum(failOnLevels).optional(),
    /** GOPRIVATE-style patterns of modules that are private, for D12. */
    private: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type DoctorConfig = z.infer<typeof ConfigSchema>;

export class DoctorConfigError extends Error {}

export const EMPTY_CONFIG: DoctorConfig = ConfigSchema.parse({});

/** Parses and validates a config file's text; `file` only names it in errors. */
export function parseDoctorConfig(text: string, file: string): DoctorConfig {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new DoctorConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const result = ConfigSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new DoctorConfigError(`${file}: ${problems.join('; ')}`);
  }
  return result.data;
}
