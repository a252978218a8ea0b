import { hex8 } from './encoding.js';
import type { OpenedNote } from './note.js';

/**
 * The errors of golang.org/x/mod/sumdb/note, with Go's message text. Go uses sentinel values for most of them;
 * here each is a class so callers can test with instanceof and still compare messages with Go's.
 */

/** errMalformedNote: bad syntax in a signed note, or a note text for Sign that does not end in a newline. */
export class MalformedNoteError extends Error {
  override name = 'MalformedNoteError';
  constructor() {
    super('malformed note');
  }
}

/**
 * errVerifierID/errVerifierAlg/errVerifierHash and Go's errSigner* twins, whose messages Go copied from the
 * verifier ones: signer key errors also read "malformed verifier id" and so on.
 */
export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
  constructor(message: 'malformed verifier id' | 'unknown verifier algorithm' | 'invalid verifier hash') {
    super(message);
  }
}

/** errInvalidSigner: a Signer whose name would make an unparseable signature line. */
export class InvalidSignerError extends Error {
  override name = 'InvalidSignerError';
  constructor() {
    super('invalid signer');
  }
}

/** errMismatchedVerifier: a Verifiers lookup answered with a key for some other name or hash. */
export class MismatchedVerifierError extends Error {
  override name = 'MismatchedVerifierError';
  constructor() {
    super("verifier name or hash doesn't match signature");
  }
}

/** A failure about one key of a signature line, named as Go names it: `<name>+<hash>`. */
abstract class KeyError extends Error {
  constructor(
    readonly keyName: string,
    readonly keyHash: number,
    what: string,
  ) {
    super(`${what} ${keyName}+${hex8(keyHash)}`);
  }
}

/** The key is not known; Open keeps such signatures as unverified instead of failing. */
export class UnknownVerifierError extends KeyError {
  override name = 'UnknownVerifierError';
  constructor(keyName: string, keyHash: number) {
    super(keyName, keyHash, 'unknown key');
  }
}

/** Two known keys share a name and hash: someone tampered with the key list, so Open gives up. */
export class AmbiguousVerifierError extends KeyError {
  override name = 'AmbiguousVerifierError';
  constructor(keyName: string, keyHash: number) {
    super(keyName, keyHash, 'ambiguous key');
  }
}

/** A known key rejected its signature: the note was altered or forged. */
export class InvalidSignatureError extends KeyError {
  override name = 'InvalidSignatureError';
  constructor(keyName: string, keyHash: number) {
    super(keyName, keyHash, 'invalid signature for key');
  }
}

/** The note parsed but no known key signed it. The unverified note is kept for diagnostics only. */
export class UnverifiedNoteError extends Error {
  override name = 'UnverifiedNoteError';
  constructor(readonly note: OpenedNote) {
    super('note has no verifiable signatures');
  }
}
