/**
 * The last step of a checksum-database lookup (x/mod sumdb Client.Lookup, cmd/go checkSumDB), with the 2026
 * hardening applied. Only the text of a record that has already been authenticated (parseRecord, then its
 * hash checked through tileHashReader) may be passed here.
 */

export class MissingRecordLineError extends Error {
  override name = 'MissingRecordLineError';
  constructor(
    readonly path: string,
    readonly version: string,
  ) {
    super(`${path}@${version}: checksum database record has no line for this module version`);
  }
}

/**
 * The go.sum lines of the record text that start with `<path> <version> ` (version may end in "/go.mod").
 * CVE-2026-56864: x/mod ≤ v0.39 searched the whole lookup response, whose unauthenticated tail could add lines;
 * this takes the record text alone. CVE-2026-42501: go before 1.26.3 treated "no line" as verified; this throws.
 */
export function recordLines(text: Uint8Array | string, path: string, version: string): string[] {
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  const prefix = `${path} ${version} `;
  const lines = s.split('\n').filter((line) => line.startsWith(prefix));
  if (lines.length === 0) throw new MissingRecordLineError(path, version);
  return lines;
}
