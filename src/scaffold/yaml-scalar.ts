import { stringify } from 'yaml';

/** A value as one YAML scalar, quoted only when YAML needs it (a leading `*`, `: `, `#`…). */
export function yamlScalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}
