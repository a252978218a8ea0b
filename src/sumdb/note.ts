import { decodeStdBase64, isCleanText, toBytes } from './encoding.js';
import {
  InvalidSignatureError,
  InvalidSignerError,
  MalformedNoteError,
  MismatchedVerifierError,
  UnknownVerifierError,
  UnverifiedNoteError,
} from './note-errors.js';
import { chop, isValidName, type Signer, type Verifier, type Verifiers, verifierList } from './note-keys.js';

/**
 * Signed notes of golang.org/x/mod/sumdb/note: a text ending in "\n", a blank line, then one
 * "— <name> <base64(keyhash || signature)>\n" line per signature. The checksum database signs its tree heads
 * this way, so Open is what decides whether a tree head from a server or proxy is trusted.
 */

export * from './note-errors.js';
export {
  generateKey,
  isValidName,
  keyHash,
  newEd25519VerifierKey,
  newSigner,
  newVerifier,
  type Signer,
  type Verifier,
  type Verifiers,
  verifierList,
} from './note-keys.js';

export interface Signature {
  name: string;
  /** The uint32 key hash. */
  hash: number;
  /** The whole signature field as written: base64 of the key hash and the signature bytes. */
  base64: string;
}

export interface Note {
  text: string;
  sigs?: Signature[];
  unverifiedSigs?: Signature[];
}

export interface OpenedNote {
  text: string;
  sigs: Signature[];
  unverifiedSigs: Signature[];
}

const SIG_PREFIX = Buffer.from('\u2014 ', 'utf8');
const MAX_SIGNATURES = 100; // Go's bound on work spent parsing one note

/**
 * Go's note.Sign. Existing signatures come first, minus those the given signers replace; then the new ones.
 * Throws MalformedNoteError, InvalidSignerError, or whatever a signer throws.
 */
export function sign(note: Note, ...signers: Signer[]): Buffer {
  if (!note.text.endsWith('\n')) throw new MalformedNoteError();
  const text = toBytes(note.text);

  let newSigs = '';
  const replaced = new Set<string>();
  for (const s of signers) {
    replaced.add(`${s.name}+${s.keyHash}`);
    if (!isValidName(s.name)) throw new InvalidSignerError();
    const raw = Buffer.alloc(4);
    raw.writeUInt32BE(s.keyHash >>> 0);
    newSigs += `\u2014 ${s.name} ${Buffer.concat([raw, s.sign(text)]).toString('base64')}\n`;
  }

  let out = `${note.text}\n`;
  for (const sig of [...(note.sigs ?? []), ...(note.unverifiedSigs ?? [])]) {
    if (!isValidName(sig.name)) throw new MalformedNoteError();
    if (replaced.has(`${sig.name}+${sig.hash}`)) continue;
    // The hash is stored twice (field and base64 prefix); refuse to emit a line whose two copies disagree.
    const raw = decodeStdBase64(sig.base64);
    if (raw === undefined || raw.length < 4 || raw.readUInt32BE(0) !== sig.hash)
      throw new MalformedNoteError();
    out += `\u2014 ${sig.name} ${sig.base64}\n`;
  }
  return Buffer.from(out + newSigs, 'utf8');
}

/**
 * Go's note.Open. Signatures by unknown keys are kept as unverified; a known key with a bad signature throws
 * InvalidSignatureError; a note with no verified signature throws UnverifiedNoteError (carrying the note).
 * Other failures: MalformedNoteError, MismatchedVerifierError, or what the Verifiers lookup throws.
 */
export function open(msg: Uint8Array, known: Verifiers | readonly Verifier[] = []): OpenedNote {
  const verifiers = Array.isArray(known) ? verifierList(...known) : (known as Verifiers);
  const bytes = toBytes(msg);
  if (!isCleanText(bytes)) throw new MalformedNoteError();

  // The last blank line, so that note texts may themselves contain blank lines.
  const split = bytes.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNoteError();
  const text = bytes.subarray(0, split + 1);
  let sigs = bytes.subarray(split + 2);
  if (sigs.length === 0 || sigs[sigs.length - 1] !== 0x0a) throw new MalformedNoteError();

  const note: OpenedNote = { text: text.toString('utf8'), sigs: [], unverifiedSigs: [] };
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  let numSig = 0;
  while (sigs.length > 0) {
    const i = sigs.indexOf(0x0a);
    const lineBytes = sigs.subarray(0, i);
    sigs = sigs.subarray(i + 1);
    if (!lineBytes.subarray(0, SIG_PREFIX.length).equals(SIG_PREFIX)) throw new MalformedNoteError();
    const line = lineBytes.subarray(SIG_PREFIX.length).toString('utf8');
    const [name, b64] = chop(line, ' ');
    const raw = decodeStdBase64(b64);
    if (raw === undefined || !isValidName(name) || b64 === '' || raw.length < 5)
      throw new MalformedNoteError();
    const hash = raw.readUInt32BE(0);
    const sig = raw.subarray(4);
    if (++numSig > MAX_SIGNATURES) throw new MalformedNoteError();

    let v: Verifier;
    try {
      v = verifiers.verifier(name, hash);
    } catch (err) {
      if (!(err instanceof UnknownVerifierError)) throw err;
      if (!seenUnverified.has(line)) {
        seenUnverified.add(line);
        note.unverifiedSigs.push({ name, hash, base64: b64 });
      }
      continue;
    }
    if (v.name !== name || v.keyHash !== hash) throw new MismatchedVerifierError();
    const key = `${name}+${hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!v.verify(text, sig)) throw new InvalidSignatureError(name, hash);
    note.sigs.push({ name, hash, base64: b64 });
  }

  if (note.sigs.length === 0) throw new UnverifiedNoteError(note);
  return note;
}
