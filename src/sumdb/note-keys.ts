import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign as signEd25519,
  verify as verifyEd25519,
} from 'node:crypto';
import { decodeStdBase64, hex8 } from './encoding.js';
import { AmbiguousVerifierError, KeyFormatError, UnknownVerifierError } from './note-errors.js';

/**
 * Keys of golang.org/x/mod/sumdb/note: `<name>+<hash>+<base64(alg || key)>` verifier keys and
 * `PRIVATE+KEY+<name>+<hash>+<base64(alg || seed)>` signer keys. Ed25519 (algorithm byte 1) is the only kind.
 */

/** Checks a signature by one server key. keyHash is the uint32 that prefixes its signatures. */
export interface Verifier {
  readonly name: string;
  readonly keyHash: number;
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

export interface Signer {
  readonly name: string;
  readonly keyHash: number;
  sign(msg: Uint8Array): Uint8Array;
}

/** Go's note.Verifiers: finds the key for a signature line, or throws UnknownVerifierError. */
export interface Verifiers {
  verifier(name: string, keyHash: number): Verifier;
}

const ALG_ED25519 = 1;
// DER wrappers that let Node import raw 32-byte Ed25519 keys (RFC 8410).
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const HASH16 = /^[0-9a-fA-F]{8}$/;
const WHITE_SPACE = /\p{White_Space}/u; // exactly the runes of Go's unicode.IsSpace
const LONE_SURROGATE = /\p{Cs}/u; // a string's stand-in for invalid UTF-8

/** Non-empty, valid UTF-8, no Unicode space and no '+': anything else would break key or signature syntax. */
export function isValidName(name: string): boolean {
  return name !== '' && !LONE_SURROGATE.test(name) && !WHITE_SPACE.test(name) && !name.includes('+');
}

/** First 4 bytes of SHA-256(name + "\n" + alg || key), big-endian. */
export function keyHash(name: string, key: Uint8Array): number {
  return createHash('sha256').update(name).update('\n').update(key).digest().readUInt32BE(0);
}

/** Go's note.NewVerifier. The checks run in Go's order so a mangled key gets Go's error. */
export function newVerifier(vkey: string): Verifier {
  const [name, rest] = chop(vkey, '+');
  const [hash16, key64] = chop(rest, '+');
  const key = decodeStdBase64(key64);
  if (!HASH16.test(hash16) || key === undefined || !isValidName(name) || key.length === 0) {
    throw new KeyFormatError('malformed verifier id');
  }
  const hash = Number.parseInt(hash16, 16);
  if (hash !== keyHash(name, key)) throw new KeyFormatError('invalid verifier hash');
  if (key[0] !== ALG_ED25519) throw new KeyFormatError('unknown verifier algorithm');
  const pub = key.subarray(1);
  if (pub.length !== 32) throw new KeyFormatError('malformed verifier id');
  const publicKey = importPublicKey(pub);
  return {
    name,
    keyHash: hash,
    verify: (msg, sig) => publicKey !== undefined && verifySignature(publicKey, msg, sig),
  };
}

/**
 * Go's note.NewSigner. The hash names the public key, so it can only be checked after deriving that key from
 * the seed.
 */
export function newSigner(skey: string): Signer {
  const [priv1, rest1] = chop(skey, '+');
  const [priv2, rest2] = chop(rest1, '+');
  const [name, rest3] = chop(rest2, '+');
  const [hash16, key64] = chop(rest3, '+');
  const key = decodeStdBase64(key64);
  if (
    priv1 !== 'PRIVATE' ||
    priv2 !== 'KEY' ||
    !HASH16.test(hash16) ||
    key === undefined ||
    !isValidName(name) ||
    key.length === 0
  ) {
    throw new KeyFormatError('malformed verifier id');
  }
  if (key[0] !== ALG_ED25519) throw new KeyFormatError('unknown verifier algorithm');
  const seed = key.subarray(1);
  if (seed.length !== 32) throw new KeyFormatError('malformed verifier id');
  const { privateKey, publicKey } = keyPairFromSeed(seed);
  const hash = Number.parseInt(hash16, 16);
  if (hash !== keyHash(name, Buffer.concat([Buffer.of(ALG_ED25519), publicKey]))) {
    throw new KeyFormatError('invalid verifier hash');
  }
  return { name, keyHash: hash, sign: (msg) => signEd25519(null, msg, privateKey) };
}

/**
 * Go's note.GenerateKey. The seed parameter exists for reproducible tests (Go passes a zero reader in its
 * examples). Unlike Go, an invalid name is refused here: Go would print a key that NewSigner then rejects.
 */
export function generateKey(
  name: string,
  seed: Uint8Array = randomBytes(32),
): { signerKey: string; verifierKey: string } {
  if (!isValidName(name)) throw new KeyFormatError('malformed verifier id');
  if (seed.length !== 32) throw new RangeError('ed25519 seed must be 32 bytes');
  const { publicKey } = keyPairFromSeed(seed);
  const pubkey = Buffer.concat([Buffer.of(ALG_ED25519), publicKey]);
  const privkey = Buffer.concat([Buffer.of(ALG_ED25519), seed]);
  const h = hex8(keyHash(name, pubkey));
  return {
    signerKey: `PRIVATE+KEY+${name}+${h}+${privkey.toString('base64')}`,
    verifierKey: `${name}+${h}+${pubkey.toString('base64')}`,
  };
}

/** Go's note.NewEd25519VerifierKey: a verifier key for an Ed25519 public key held elsewhere. */
export function newEd25519VerifierKey(name: string, publicKey: Uint8Array): string {
  if (publicKey.length !== 32) {
    throw new RangeError(`invalid public key size ${publicKey.length}, expected 32`);
  }
  const pubkey = Buffer.concat([Buffer.of(ALG_ED25519), publicKey]);
  return `${name}+${hex8(keyHash(name, pubkey))}+${pubkey.toString('base64')}`;
}

/** Go's note.VerifierList. Duplicates are kept so that a lookup hitting them fails loudly. */
export function verifierList(...list: Verifier[]): Verifiers {
  const byKey = new Map<string, Verifier[]>();
  for (const v of list) {
    const k = `${v.name}+${v.keyHash}`;
    byKey.set(k, [...(byKey.get(k) ?? []), v]);
  }
  return {
    verifier(name, hash) {
      const found = byKey.get(`${name}+${hash}`);
      if (found === undefined) throw new UnknownVerifierError(name, hash);
      if (found.length > 1) throw new AmbiguousVerifierError(name, hash);
      return found[0]!;
    },
  };
}

/** Go's chop: split at the first sep; without one, everything is "before". */
export function chop(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

function keyPairFromSeed(seed: Uint8Array): { privateKey: KeyObject; publicKey: Buffer } {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: spki.subarray(SPKI_ED25519.length) };
}

/** Go accepts any 32 bytes as a key and lets verification fail, so an import error means "never verifies". */
function importPublicKey(pub: Uint8Array): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_ED25519, pub]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

function verifySignature(publicKey: KeyObject, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false; // Go's ed25519.Verify says false; OpenSSL might throw instead
  try {
    return verifyEd25519(null, msg, publicKey, sig);
  } catch {
    return false;
  }
}
