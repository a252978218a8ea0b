import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TxtarFile {
  /** Decoded like every name here: invalid UTF-8 bytes become lone surrogates (see decodeBytes). */
  name: string;
  data: Buffer;
}

export interface Txtar {
  comment: Buffer;
  files: TxtarFile[];
}

/** golang.org/x/tools/txtar.Parse: `-- name --` marker lines; each section ends with a newline. */
export function parseTxtar(data: Buffer): Txtar {
  const first = findMarker(data, 0);
  const archive: Txtar = { comment: first.before, files: [] };
  let next = first;
  while (next.name !== undefined) {
    const name = next.name;
    next = findMarker(data, next.after);
    archive.files.push({ name, data: next.before });
  }
  return archive;
}

function findMarker(data: Buffer, start: number): { before: Buffer; name?: string; after: number } {
  for (let i = start; ; ) {
    const marker = parseMarker(data, i);
    if (marker) return { before: data.subarray(start, i), name: marker.name, after: marker.after };
    const nl = data.indexOf('\n-- ', i);
    if (nl < 0) return { before: fixNewline(data.subarray(start)), after: data.length };
    i = nl + 1;
  }
}

function parseMarker(data: Buffer, i: number): { name: string; after: number } | undefined {
  if (!data.subarray(i, i + 3).equals(Buffer.from('-- '))) return undefined;
  const nl = data.indexOf('\n', i);
  const end = nl < 0 ? data.length : nl;
  const line = data.subarray(i, end);
  if (line.length < 6 || !line.subarray(line.length - 3).equals(Buffer.from(' --'))) return undefined;
  return {
    name: decodeBytes(line.subarray(3, line.length - 3)).trim(),
    after: nl < 0 ? data.length : nl + 1,
  };
}

function fixNewline(b: Buffer): Buffer {
  return b.length === 0 || b[b.length - 1] === 0x0a ? b : Buffer.concat([b, Buffer.from('\n')]);
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 decoding that keeps invalid bytes visible: each becomes the lone surrogate U+DC00+byte, which is
 * how src/gomod stands in for Go's invalid UTF-8 (so `path=\xff` still fails as "invalid UTF-8").
 */
export function decodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    let n = 1;
    for (; n <= 4 && i + n <= bytes.length; n++) {
      try {
        out += strict.decode(bytes.subarray(i, i + n));
        break;
      } catch {}
    }
    if (n > 4 || i + n > bytes.length) {
      out += String.fromCharCode(0xdc00 + bytes[i]!);
      n = 1;
    }
    i += n;
  }
  return out;
}

export interface ZipTest {
  name: string;
  path: string;
  version: string;
  wantErr: string;
  hash: string;
  archive: Txtar;
}

/** x/mod/zip's readTest: `key=value` header lines (`#` starts a comment) above the txtar sections. */
export function readZipTest(file: string): ZipTest {
  const archive = parseTxtar(readFileSync(file));
  const test: ZipTest = { name: file, path: '', version: '', wantErr: '', hash: '', archive };
  for (const raw of decodeBytes(archive.comment).split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${file}: missing = separator in ${JSON.stringify(line)}`);
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'path' && key !== 'version' && key !== 'wantErr' && key !== 'hash') {
      throw new Error(`${file}: unknown key ${JSON.stringify(key)}`);
    }
    test[key] = value;
  }
  return test;
}

/** Every `*.txt` of an x/mod/zip testdata directory; throws (never skips) when the directory is missing. */
export function readZipTests(dir: string): ZipTest[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.txt'));
  if (names.length === 0) throw new Error(`no txtar vectors in ${dir}`);
  return names.sort().map((n) => ({ ...readZipTest(join(dir, n)), name: n.slice(0, -'.txt'.length) }));
}

export const X_MOD_ZIP_TESTDATA = '/usr/share/gocode/src/golang.org/x/mod/zip/testdata';
