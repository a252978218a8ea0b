import { newVerifier } from '../sumdb/note.js';

/** The database modgate verifies public modules against, parsed from a GOSUMDB-style value. */
export interface ChecksumDbSetting {
  name: string;
  verifierKey: string;
  /** Where to fetch it; absent means the `sumdb` list's URL for the name, else https://<name>, as go does. */
  url?: string;
}

/** The go command's own table (cmd/go/internal/modfetch/key.go), so `sum.golang.org` alone is enough. */
const KNOWN_KEYS: Readonly<Record<string, string>> = {
  'sum.golang.org': 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
};

/** The verifier key the go command knows a database by, if any. */
export function knownVerifierKey(name: string): string | undefined {
  return Object.hasOwn(KNOWN_KEYS, name) ? KNOWN_KEYS[name] : undefined;
}

/**
 * Parses the `checksumDb` setting exactly like the go command parses GOSUMDB: `off`, a known name, or a
 * verifier key, optionally followed by a URL; `sum.golang.google.cn` is Go's alias for sum.golang.org
 * reachable from mainland China. Throws an Error saying what is wrong.
 */
export function parseChecksumDb(value: string): ChecksumDbSetting | 'off' {
  const trimmed =
    value.trim() === 'sum.golang.google.cn' ? 'sum.golang.org https://sum.golang.google.cn' : value;
  if (trimmed.trim() === 'off') return 'off';
  const fields = trimmed.trim().split(/\s+/);
  if (fields.length > 2) throw new Error('too many fields: expected "<key>" or "<key> <url>"');
  const verifierKey = knownVerifierKey(fields[0]!) ?? fields[0]!;
  let name: string;
  try {
    name = newVerifier(verifierKey).name;
  } catch (err) {
    throw new Error(
      `${JSON.stringify(fields[0])} is neither a known database name (${Object.keys(KNOWN_KEYS).join(', ')}) nor a verifier key "<name>+<hash>+<key>": ${(err as Error).message}`,
    );
  }
  const url = fields[1];
  if (url === undefined) return { name, verifierKey };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`${JSON.stringify(url)}: the URL must be http or https`);
  return { name, verifierKey, url: url.replace(/\/+$/, '') };
}
