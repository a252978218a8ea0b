import { createHash } from 'node:crypto';

export interface HashedFile {
  name: string;
  sha256: Uint8Array;
}

/**
 * Go's dirhash.Hash1, the `h1:` hash of go.sum and the checksum database.
 * Go sorts names as UTF-8 bytes; JavaScript's default sort compares UTF-16 units and disagrees for
 * characters above U+FFFF against U+E000–U+FFFF, so the sort goes through Buffer.compare.
 */
export function hash1(files: ReadonlyArray<HashedFile>): string {
  const named = files.map((file) => {
    if (file.name.includes('\n')) throw new Error('dirhash: filenames with newlines are not supported');
    // A lone surrogate has no UTF-8 form; Buffer.from would silently swap it for U+FFFD.
    if (/\p{Cs}/u.test(file.name))
      throw new Error(`dirhash: filename ${JSON.stringify(file.name)} is not valid UTF-8`);
    return { bytes: Buffer.from(file.name, 'utf8'), sha256: file.sha256 };
  });
  named.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  const summary = createHash('sha256');
  for (const file of named) {
    summary.update(`${Buffer.from(file.sha256).toString('hex')}  `);
    summary.update(file.bytes);
    summary.update('\n');
  }
  return `h1:${summary.digest('base64')}`;
}

/** The `/go.mod` line of go.sum: Hash1 over one file literally named `go.mod`, with no module prefix. */
export function hashGoMod(content: Uint8Array | string): string {
  return hash1([{ name: 'go.mod', sha256: sha256(content) }]);
}

export function sha256(content: Uint8Array | string): Buffer {
  return createHash('sha256').update(content).digest();
}

/** `h1:` and the canonical standard base64 of a SHA-256 digest (43 characters and one `=`). */
export function isValidH1(s: string): boolean {
  if (!/^h1:[A-Za-z0-9+/]{43}=$/.test(s)) return false;
  const digest = s.slice(3);
  // Node's decoder ignores stray low bits in the last character; re-encoding exposes them.
  return Buffer.from(digest, 'base64').toString('base64') === digest;
}
