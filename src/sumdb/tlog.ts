import { createHash } from 'node:crypto';
import { sameBytes } from './encoding.js';

/**
 * golang.org/x/mod/sumdb/tlog: the RFC 6962 Merkle tree of the checksum database, its stored-hash layout
 * (Crosby–Wallach, section 3.3) and its record and consistency proofs.
 *
 * Go uses int64 for record numbers, tree sizes and stored-hash indexes; here they are numbers, exact up to
 * 2^53. The stored index of record n is about 2n, so trees up to 2^52 records are safe (sum.golang.org holds
 * under 2^27). Arithmetic uses * and Math.floor(x / 2 ** k), never << or >>, which would cut to 32 bits.
 */

export const HASH_SIZE = 32;

/** A 32-byte SHA-256 value. Functions here return Buffers; they accept any Uint8Array. */
export type Hash = Uint8Array;

export interface Tree {
  N: number;
  Hash: Hash;
}

/**
 * Go's tlog.HashReader: the hashes at the given stored indexes, one per index, in order. May be async, because
 * the verifying tile reader fetches tiles.
 */
export type HashReader = (indexes: number[]) => readonly Hash[] | Promise<readonly Hash[]>;

export type RecordProof = Hash[];
export type TreeProof = Hash[];

export class InvalidProofError extends Error {
  override name = 'InvalidProofError';
  constructor() {
    super('invalid transparency proof');
  }
}

export {
  formatRecord,
  formatTree,
  MalformedRecordError,
  MalformedTreeError,
  parseRecord,
  parseTree,
} from './tree-note.js';

/** SHA-256(0x00 || data), the RFC 6962 leaf hash. */
export function recordHash(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

/** SHA-256(0x01 || left || right), the RFC 6962 interior node hash. */
export function nodeHash(left: Hash, right: Hash): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/**
 * The hash of the tree of size 0. x/mod before v0.19.0 used 32 zero bytes; RFC 6962 (and x/mod since) says
 * SHA-256 of the empty string.
 */
export function emptyTreeHash(): Buffer {
  return createHash('sha256').digest();
}

/** Maps tree coordinates (level, n) to the dense order in which a log writes its hashes. */
export function storedHashIndex(level: number, n: number): number {
  if (!isCount(level) || !isCount(n)) throw new RangeError(`tlog: invalid hash coordinates (${level}, ${n})`);
  // Level L's n'th hash is written right after level L+1's (2n+1)'th hash; walk down to level 0.
  let m = n;
  for (let l = level; l > 0; l--) m = 2 * m + 1;
  // Level 0's n'th hash is written at n + n/2 + n/4 + ...
  let i = 0;
  for (; m > 0; m = Math.floor(m / 2)) i += m;
  const index = i + level;
  if (!Number.isSafeInteger(index))
    throw new RangeError(`tlog: hash index for (${level}, ${n}) exceeds 2^53`);
  return index;
}

/** The inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  if (!isCount(index)) throw new RangeError(`tlog: invalid hash index ${index}`);
  // storedHashIndex(0, n) < 2n, so the record that wrote this hash is in [index/2, index/2 + log2(index)].
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  if (indexN > index) throw new Error('tlog: bad math in splitStoredHashIndex');
  for (;;) {
    // Record n writes 1 + trailingZeros(n+1) hashes.
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  const level = index - indexN;
  return { level, n: Math.floor(n / 2 ** level) };
}

/** The number of stored hashes in a log of n records. */
export function storedHashCount(n: number): number {
  if (!isCount(n)) throw new RangeError(`tlog: invalid tree size ${n}`);
  if (n === 0) return 0;
  // Hashes up to the last leaf, plus those of the subtrees that leaf completed.
  return storedHashIndex(0, n - 1) + 1 + trailingZeros(n);
}

/**
 * The hashes to store when writing record n, starting at storedHashIndex(0, n): the leaf hash, then one hash per
 * subtree the record completes, which needs up to log2(n) earlier hashes from readHashes.
 */
export async function storedHashes(
  n: number,
  data: Uint8Array | string,
  readHashes: HashReader,
): Promise<Buffer[]> {
  return storedHashesForRecordHash(n, recordHash(data), readHashes);
}

export async function storedHashesForRecordHash(
  n: number,
  h: Hash,
  readHashes: HashReader,
): Promise<Buffer[]> {
  if (!isCount(n)) throw new RangeError(`tlog: invalid record number ${n}`);
  let hash: Buffer = Buffer.from(h);
  const hashes = [hash];
  // Each trailing 1 bit of n completes a subtree, using the hash of its left sibling.
  const m = trailingZeros(n + 1);
  const indexes: number[] = new Array(m);
  for (let i = 0; i < m; i++) {
    indexes[m - 1 - i] = storedHashIndex(i, Math.floor(n / 2 ** i) - 1);
  }
  const old = await readChecked(readHashes, indexes);
  for (let i = 0; i < m; i++) {
    hash = nodeHash(old[m - 1 - i]!, hash);
    hashes.push(hash);
  }
  return hashes;
}

/** The root hash of the tree of n records, from at most 1 + log2(n) stored hashes read in one call. */
export async function treeHash(n: number, readHashes: HashReader): Promise<Buffer> {
  if (!isCount(n)) throw new RangeError(`tlog: invalid tree size ${n}`);
  if (n === 0) return emptyTreeHash();
  const indexes = subTreeIndex(0, n, []);
  const hashes = await readChecked(readHashes, indexes);
  const [hash, rest] = subTreeHash(0, n, hashes);
  if (rest.length !== 0) throw new Error('tlog: bad index math in TreeHash');
  return hash;
}

/** The RFC 6962 audit path showing that the tree of size t contains record n. */
export async function proveRecord(t: number, n: number, readHashes: HashReader): Promise<RecordProof> {
  if (!isCount(t) || !isCount(n) || n >= t) throw new Error('tlog: invalid inputs in ProveRecord');
  const indexes = leafProofIndex(0, t, n, []);
  if (indexes.length === 0) return [];
  const hashes = await readChecked(readHashes, indexes);
  const [proof, rest] = leafProof(0, t, n, hashes);
  if (rest.length !== 0) throw new Error('tlog: bad index math in ProveRecord');
  return proof;
}

/** Throws InvalidProofError unless p proves that the tree (t, th) has hash h as record n. */
export function checkRecord(p: readonly Hash[], t: number, th: Hash, n: number, h: Hash): void {
  if (!isCount(t) || !isCount(n) || n >= t) throw new Error('tlog: invalid inputs in CheckRecord');
  if (!sameBytes(runRecordProof(p, 0, t, n, h), th)) throw new InvalidProofError();
}

/** The RFC 6962 consistency proof that the tree of size t extends the tree of size n. */
export async function proveTree(t: number, n: number, readHashes: HashReader): Promise<TreeProof> {
  if (!isCount(t) || !isCount(n) || t < 1 || n < 1 || n > t)
    throw new Error('tlog: invalid inputs in ProveTree');
  const indexes = treeProofIndex(0, t, n, []);
  if (indexes.length === 0) return [];
  const hashes = await readChecked(readHashes, indexes);
  const [proof, rest] = treeProof(0, t, n, hashes);
  if (rest.length !== 0) throw new Error('tlog: bad index math in ProveTree');
  return proof;
}

/** Throws InvalidProofError unless p proves that the tree (t, th) extends the tree (n, h). */
export function checkTree(p: readonly Hash[], t: number, th: Hash, n: number, h: Hash): void {
  if (!isCount(t) || !isCount(n) || t < 1 || n < 1 || n > t)
    throw new Error('tlog: invalid inputs in CheckTree');
  const [h2, th2] = runTreeProof(p, 0, t, n, h);
  if (!sameBytes(th2, th) || !sameBytes(h2, h)) throw new InvalidProofError();
}

/**
 * The stored indexes of the maximal perfect subtrees that make up records [lo, hi), left to right. Exported
 * because the verifying tile reader needs the same decomposition of a tree.
 */
export function subTreeIndex(lo: number, hi: number, need: number[]): number[] {
  while (lo < hi) {
    const { k, level } = maxpow2(hi - lo + 1);
    if (lo % k !== 0) throw new Error('tlog: bad math in subTreeIndex');
    need.push(storedHashIndex(level, lo / k));
    lo += k;
  }
  return need;
}

/** Folds the subtree hashes read for subTreeIndex(lo, hi) into one hash; returns it and the leftovers. */
function subTreeHash(lo: number, hi: number, hashes: readonly Hash[]): [Buffer, readonly Hash[]] {
  let numTree = 0;
  while (lo < hi) {
    const { k } = maxpow2(hi - lo + 1);
    if (lo % k !== 0) throw new Error('tlog: bad math in subTreeHash');
    numTree++;
    lo += k;
  }
  if (hashes.length < numTree) throw new Error('tlog: bad index math in subTreeHash');
  let h: Buffer = Buffer.from(hashes[numTree - 1]!);
  for (let i = numTree - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return [h, hashes.slice(numTree)];
}

function leafProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (!(lo <= n && n < hi)) throw new Error('tlog: bad math in leafProofIndex');
  if (lo + 1 === hi) return need;
  const { k } = maxpow2(hi - lo);
  if (n < lo + k) {
    leafProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    leafProofIndex(lo + k, hi, n, need);
  }
  return need;
}

/** The hashes of the paths not taken while walking from [lo, hi) down to leaf n; the verifier knows the leaf. */
function leafProof(lo: number, hi: number, n: number, hashes: readonly Hash[]): [Hash[], readonly Hash[]] {
  if (!(lo <= n && n < hi)) throw new Error('tlog: bad math in leafProof');
  if (lo + 1 === hi) return [[], hashes];
  const { k } = maxpow2(hi - lo);
  let p: Hash[];
  let th: Hash;
  if (n < lo + k) {
    [p, hashes] = leafProof(lo, lo + k, n, hashes);
    [th, hashes] = subTreeHash(lo + k, hi, hashes);
  } else {
    [th, hashes] = subTreeHash(lo, lo + k, hashes);
    [p, hashes] = leafProof(lo + k, hi, n, hashes);
  }
  return [[...p, th], hashes];
}

/** The hash of [lo, hi) implied by proof p and leaf n's hash. A proof with spare or missing hashes fails. */
function runRecordProof(p: readonly Hash[], lo: number, hi: number, n: number, leafHash: Hash): Hash {
  if (!(lo <= n && n < hi)) throw new Error('tlog: bad math in runRecordProof');
  if (lo + 1 === hi) {
    if (p.length !== 0) throw new InvalidProofError();
    return leafHash;
  }
  if (p.length === 0) throw new InvalidProofError();
  const { k } = maxpow2(hi - lo);
  const last = p[p.length - 1]!;
  if (n < lo + k) return nodeHash(runRecordProof(p.slice(0, -1), lo, lo + k, n, leafHash), last);
  return nodeHash(last, runRecordProof(p.slice(0, -1), lo + k, hi, n, leafHash));
}

function treeProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (!(lo < n && n <= hi)) throw new Error('tlog: bad math in treeProofIndex');
  if (n === hi) return lo === 0 ? need : subTreeIndex(lo, hi, need);
  const { k } = maxpow2(hi - lo);
  if (n <= lo + k) {
    treeProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    treeProofIndex(lo + k, hi, n, need);
  }
  return need;
}

function treeProof(lo: number, hi: number, n: number, hashes: readonly Hash[]): [Hash[], readonly Hash[]] {
  if (!(lo < n && n <= hi)) throw new Error('tlog: bad math in treeProof');
  if (n === hi) {
    // The subtree [0, n) is the old tree itself, whose hash the verifier already has.
    if (lo === 0) return [[], hashes];
    const [th, rest] = subTreeHash(lo, hi, hashes);
    return [[th], rest];
  }
  const { k } = maxpow2(hi - lo);
  let p: Hash[];
  let th: Hash;
  if (n <= lo + k) {
    [p, hashes] = treeProof(lo, lo + k, n, hashes);
    [th, hashes] = subTreeHash(lo + k, hi, hashes);
  } else {
    [th, hashes] = subTreeHash(lo, lo + k, hashes);
    [p, hashes] = treeProof(lo + k, hi, n, hashes);
  }
  return [[...p, th], hashes];
}

/** The hashes of [lo, hi) in the old tree (size n, hash old) and in the new one, as implied by proof p. */
function runTreeProof(p: readonly Hash[], lo: number, hi: number, n: number, old: Hash): [Hash, Hash] {
  if (!(lo < n && n <= hi)) throw new Error('tlog: bad math in runTreeProof');
  if (n === hi) {
    if (lo === 0) {
      if (p.length !== 0) throw new InvalidProofError();
      return [old, old];
    }
    if (p.length !== 1) throw new InvalidProofError();
    return [p[0]!, p[0]!];
  }
  if (p.length === 0) throw new InvalidProofError();
  const { k } = maxpow2(hi - lo);
  const last = p[p.length - 1]!;
  if (n <= lo + k) {
    const [oh, th] = runTreeProof(p.slice(0, -1), lo, lo + k, n, old);
    return [oh, nodeHash(th, last)];
  }
  const [oh, th] = runTreeProof(p.slice(0, -1), lo + k, hi, n, old);
  return [nodeHash(last, oh), nodeHash(last, th)];
}

/** Calls a HashReader and holds it to its contract, which Go's types enforce and TypeScript's cannot. */
export async function readChecked(readHashes: HashReader, indexes: number[]): Promise<readonly Hash[]> {
  const hashes = await readHashes(indexes);
  if (hashes.length !== indexes.length) {
    throw new Error(`tlog: ReadHashes(${indexes.length} indexes) = ${hashes.length} hashes`);
  }
  for (const h of hashes) {
    if (h.length !== HASH_SIZE) throw new Error(`tlog: ReadHashes returned a ${h.length}-byte hash`);
  }
  return hashes;
}

/** k = the largest power of 2 smaller than n (1 for n ≤ 2), and level = log2(k). */
function maxpow2(n: number): { k: number; level: number } {
  let level = 0;
  while (2 ** (level + 1) < n) level++;
  return { k: 2 ** level, level };
}

function trailingZeros(x: number): number {
  let z = 0;
  for (; x > 0 && x % 2 === 0; x /= 2) z++;
  return z;
}

function isCount(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}
