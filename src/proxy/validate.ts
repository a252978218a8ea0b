import { hashGoMod } from '../gomod/dirhash.js';
import { modulePath } from '../gomod/modfile.js';
import { check } from '../gomod/path.js';
import { isValid } from '../gomod/semver.js';
import { MAX_GO_MOD } from '../gomod/zip-rules.js';
import { IntegrityError } from './errors.js';

/** What Go's time.Time JSON decoding accepts (RFC 3339); Date.parse alone also takes "2020-01-01" or "1". */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface InfoFields {
  version: string;
  time: string | undefined;
}

/**
 * Checks an upstream `.info` (or `@latest`) answer the way the go command will: JSON with a valid semver
 * Version and an RFC 3339 Time. For a canonical request the Version must echo it exactly, or go rejects it
 * with "proxy returned info for version X instead of requested version".
 */
export function validateInfo(bytes: Buffer, module: string, requested?: string): InfoFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new IntegrityError(`.info for ${module} is not JSON: ${(err as Error).message}`);
  }
  const fields = lowerCaseKeys(parsed);
  const version = fields.version;
  if (typeof version !== 'string' || !isValid(version)) {
    throw new IntegrityError(`.info for ${module} has no valid Version (got ${JSON.stringify(version)})`);
  }
  if (requested !== undefined && version !== requested) {
    throw new IntegrityError(
      `upstream returned .info for ${module}@${version} instead of the requested ${requested}`,
    );
  }
  try {
    check(module, version);
  } catch (err) {
    throw new IntegrityError(
      `.info for ${module} names a version that cannot belong to it: ${(err as Error).message}`,
    );
  }
  const time = fields.time;
  if (
    time !== undefined &&
    (typeof time !== 'string' || !RFC3339.test(time) || Number.isNaN(Date.parse(time)))
  ) {
    throw new IntegrityError(`.info for ${module}@${version} has an invalid Time ${JSON.stringify(time)}`);
  }
  return { version, time };
}

/** Go decodes JSON keys case-insensitively; so do we. */
function lowerCaseKeys(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Checks an upstream go.mod: within Go's size limit, and declaring this module (a go.mod without a module
 * line is what old proxies serve for some legacy versions, so it passes). Returns its go.sum hash.
 */
export function validateGoMod(bytes: Buffer, module: string, version: string): string {
  if (bytes.length > MAX_GO_MOD) {
    throw new IntegrityError(
      `go.mod of ${module}@${version} is ${bytes.length} bytes, over Go's limit of ${MAX_GO_MOD}`,
    );
  }
  const declared = modulePath(bytes);
  if (declared !== undefined && declared !== module) {
    throw new IntegrityError(`go.mod of ${module}@${version} declares module ${JSON.stringify(declared)}`);
  }
  return hashGoMod(bytes);
}
