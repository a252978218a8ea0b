import type { ObjectReader } from './object-reader.js';

/** A file of a tree as `git archive` would put it in the tar: the blob's bytes, untouched. */
export interface TreeFile {
  /** Slash-separated, relative to the directory that was read. */
  path: string;
  mode: 'file' | 'symlink';
  content: Buffer;
}

/** Files read from git at once. */
const READ_WINDOW = 16;

/** A tree object is a list of entries; this bounds one even in a huge monorepo directory. */
const MAX_TREE_BYTES = 64 << 20;

/**
 * The files under `dir` at a commit, read from the object store, or undefined when only `git archive` can
 * tell what they are. `git archive` changes a blob only as a `.gitattributes` file says (end of line,
 * ident, filters, encodings; the mirror turns off export-ignore and export-subst for every tree), so a tree
 * that has none in `dir`, below it or in a directory above it archives to exactly its blobs. Reading them
 * through the mirror's long-lived `git cat-file --batch` saves a git process per zip. Also undefined when
 * the files together pass `maxBytes`, or one file is large for it (the caller streams large trees from git
 * archive instead), or when `dir` is not a directory there (git archive says why).
 */
export async function readTreeFiles(
  objects: ObjectReader,
  commit: string,
  dir: string,
  maxBytes: number,
): Promise<TreeFile[] | undefined> {
  let tree = await readTree(objects, `${commit}^{tree}`);
  for (const name of dir === '' ? [] : dir.split('/')) {
    if (tree === undefined || hasAttributes(tree)) return undefined;
    const sub = tree.find((e) => e.name === name);
    tree = sub?.kind === 'tree' ? await readTree(objects, sub.hash) : undefined;
  }
  if (tree === undefined) return undefined;
  const files: TreeFile[] = [];
  let budget = maxBytes;
  /**
   * Reads blobs READ_WINDOW at a time (one write to git for all of them), each allowed a share of what is
   * left, so the window never holds more than the budget; a file over its share sends the tree to git
   * archive.
   */
  const readBlobs = async (batch: { path: string; entry: TreeEntry }[]): Promise<boolean> => {
    const share = Math.floor(budget / READ_WINDOW);
    const blobs = await Promise.all(batch.map(({ entry }) => objects.read(entry.hash, share)));
    for (const [i, blob] of blobs.entries()) {
      if (blob?.type !== 'blob' || blob.content === undefined) return false;
      budget -= blob.content.length;
      const { path, entry } = batch[i]!;
      files.push({ path, mode: entry.kind === 'symlink' ? 'symlink' : 'file', content: blob.content });
    }
    return true;
  };
  const walk = async (entries: TreeEntry[], prefix: string): Promise<boolean> => {
    if (hasAttributes(entries)) return false;
    let batch: { path: string; entry: TreeEntry }[] = [];
    for (const entry of entries) {
      const path = prefix + entry.name;
      // A submodule is an empty directory in the archive, which holds no file.
      if (entry.kind === 'gitlink') continue;
      if (entry.kind !== 'tree') {
        batch.push({ path, entry });
        if (batch.length < READ_WINDOW) continue;
      }
      if (!(await readBlobs(batch))) return false;
      batch = [];
      if (entry.kind === 'tree') {
        const sub = await readTree(objects, entry.hash);
        if (sub === undefined || !(await walk(sub, `${path}/`))) return false;
      }
    }
    return readBlobs(batch);
  };
  return (await walk(tree, '')) ? files : undefined;
}

interface TreeEntry {
  kind: 'tree' | 'file' | 'symlink' | 'gitlink';
  name: string;
  hash: string;
}

function hasAttributes(entries: readonly TreeEntry[]): boolean {
  return entries.some((e) => e.name === '.gitattributes');
}

const KINDS = new Map<number, TreeEntry['kind']>([
  [0o040000, 'tree'],
  [0o100000, 'file'],
  [0o120000, 'symlink'],
  [0o160000, 'gitlink'],
]);

/** What an entry's mode says it is, read as git reads it (a number: `040000` is a tree too), or undefined. */
function kindOf(mode: string): TreeEntry['kind'] | undefined {
  return /^[0-7]+$/.test(mode) ? KINDS.get(Number.parseInt(mode, 8) & 0o170000) : undefined;
}

/**
 * A tree object's entries, in the tree's own order (which is git archive's): `<octal mode> <name>\0` and
 * the raw object id, 20 bytes for SHA-1 repositories and 32 for SHA-256 ones.
 */
async function readTree(objects: ObjectReader, name: string): Promise<TreeEntry[] | undefined> {
  const tree = await objects.read(name, MAX_TREE_BYTES);
  if (tree?.type !== 'tree' || tree.content === undefined) return undefined;
  const idBytes = tree.hash.length / 2;
  const raw = tree.content;
  const entries: TreeEntry[] = [];
  for (let at = 0; at < raw.length; ) {
    const space = raw.indexOf(0x20, at);
    const nul = raw.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > raw.length) return undefined;
    const kind = kindOf(raw.toString('latin1', at, space));
    // An entry git archive would make something else of is left to git archive.
    if (kind === undefined) return undefined;
    entries.push({
      kind,
      name: raw.toString('utf8', space + 1, nul),
      hash: raw.toString('hex', nul + 1, nul + 1 + idBytes),
    });
    at = nul + 1 + idBytes;
  }
  return entries;
}
