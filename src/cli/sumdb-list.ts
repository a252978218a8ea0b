/** One checksum database modgate proxies: its name (as in GOSUMDB) and where to fetch it. */
export interface SumdbEntry {
  name: string;
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
 * GOSUMDB: through an upstream proxy that proxies it, else https://name) or `name=URL`. Throws an Error naming the bad entry.
 */
export function parseSumdbList(value: string): SumdbEntry[] {
  if (value.trim() === 'off') return [];
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    if (!isDatabaseName(name))
      throw new Error(
        `${JSON.stringify(entry)}: ${JSON.stringify(name)} is not a checksum database name (a host, optionally with a path)`,
      );
    if (eq < 0) return { name };
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
    return { name, url: url.replace(/\/$/, '') };
  });
}
