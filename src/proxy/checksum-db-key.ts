import type { Store } from '../storage/store.js';
import { generateKey, newSigner, newVerifier, type Signer, type Verifier } from '../sumdb/note.js';

export interface ChecksumDbKeys {
  /** `<name>+<hash>+<key>`: what clients put in GOSUMDB. */
  verifierKey: string;
  signer: Signer;
  verifier: Verifier;
}

/** Where the private database `name` keeps its state in the store; `<prefix>/key` holds its key pair. */
export function checksumDbPrefix(name: string): string {
  return `_modgate/checksum-db/${name}`;
}

/**
 * The private checksum database's ed25519 key pair, generated the first time it is needed and kept in the
 * store for good: every client's GOSUMDB names this key, so it must survive restarts and be the same for every
 * worker and replica (the first writer wins; the others read what it wrote). The signer key never leaves the
 * store and is never logged.
 */
export async function loadOrCreateKeys(store: Store, name: string): Promise<ChecksumDbKeys> {
  const key = `${checksumDbPrefix(name)}/key`;
  const fresh = generateKey(name);
  await store.put(key, { bytes: Buffer.from(JSON.stringify(fresh)) }, { ifAbsent: true });
  const raw = await store.readBytes(key);
  let stored: { signerKey?: unknown; verifierKey?: unknown } = {};
  try {
    stored = JSON.parse(raw?.toString('utf8') ?? '');
  } catch {}
  if (typeof stored.signerKey !== 'string' || typeof stored.verifierKey !== 'string') {
    throw new Error(
      `the private checksum database key (${key} in the data directory) is unreadable; restore it from a backup (removing it makes a new key that every client's GOSUMDB must then be changed to)`,
    );
  }
  const signer = newSigner(stored.signerKey);
  const verifier = newVerifier(stored.verifierKey);
  if (signer.name !== name || verifier.keyHash !== signer.keyHash) {
    throw new Error(`the private checksum database key in ${key} is not a key pair for ${name}`);
  }
  return { verifierKey: stored.verifierKey, signer, verifier };
}
