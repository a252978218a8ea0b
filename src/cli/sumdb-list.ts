import { newVerifier } from '../sumdb/note.js';

/** One checksum database modgate proxies: its name (as in GOSUMDB), its key if given, and where to fetch it. */
export interface SumdbEntry {
  name: string;
  /** "<name>+<hash>+<key>", when the entry gives it: then modgate stores only answers it authenticated. */
  verifierKey?: string;
  /** Absent for a bare name: reached through the upstream proxies or at https://<name>, as go does. */
  url?: string;
}

/** A database name is a host with an optional path, as the go command requires of GOSUMDB names. */
const NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[A-Za-z0-9._~-]+)*$/;

export function isDatabaseName(name: string): boolean {
  return NAME.test(name);
}

/**
 * Parses the `sumdb` setting: `off`, or a comma-separated list of `name` (reached like the go command reaches
 * GOSUMDB: through an upstream proxy that proxies it, else https://name) or `name=URL`, where a verifier key
 * `<name>+<hash>+<key>` may stand for the name. Throws an Error naming the bad entry.
 */
export function parseSumdbList(value: string): SumdbEntry[] {
  if (value.trim() === 'off') return [];
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    const eq = entry.indexOf('=');
    const named = nameAndKey(entry, eq < 0 ? entry : entry.slice(0, eq));
    if (eq < 0) return named;
    const url = entry.slice(eq + 1);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${JSON.stringify(entry)}: ${JSON.stringify(url)} is not a URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new Error(`${JSON.stringify(entry)}: the URL must be http or https`);
    }
    return { ...named, url: url.replace(/\/$/, '') };
  });
}

/** A database name, or a verifier key (which holds a "+", unlike any name) and the name it is for. */
function nameAndKey(entry: string, nameOrKey: string): { name: string; verifierKey?: string } {
  if (nameOrKey.includes('+')) {
    try {
      return { name: newVerifier(nameOrKey).name, verifierKey: nameOrKey };
    } catch (err) {
      throw new Error(
        `${JSON.stringify(entry)}: ${JSON.stringify(nameOrKey)} is not a verifier key "<name>+<hash>+<key>": ${(err as Error).message}`,
      );
    }
  }
  if (!isDatabaseName(nameOrKey))
    throw new Error(
      `${JSON.stringify(entry)}: ${JSON.stringify(nameOrKey)} is not a checksum database name (a host, optionally with a path)`,
    );
  return { name: nameOrKey };
}
