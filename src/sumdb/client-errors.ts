/**
 * The errors a checksum-database client reports. Callers must tell three situations apart: the database does
 * not know the module (NotFound), it could not be asked right now (Transient: retry or fail the build), and it
 * gave provably wrong answers (Security: never retry around it, never fall back to trusting the data).
 */

/** The server answered 404 or 410 for a URL. */
export class SumdbNotFoundError extends Error {
  override name = 'SumdbNotFoundError';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`GET ${url}: ${status} Not Found`);
  }
}

/** The server was unreachable, too slow, or answered with another non-200 status. */
export class SumdbTransientError extends Error {
  override name = 'SumdbTransientError';
  constructor(
    readonly url: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`GET ${url}: ${detail}`, options);
  }
}

/** Go's ErrWriteConflict: the stored config changed since it was read; the caller re-reads and merges. */
export class WriteConflictError extends Error {
  override name = 'WriteConflictError';
  constructor(readonly file: string) {
    super(`write conflict on ${file}`);
  }
}

/**
 * What was wrong with the server's answer. Go's ErrSecurity covers only fork; the other kinds are plain errors
 * in Go, but they are just as much evidence against the server (or whatever sits between it and us).
 */
export type SumdbSecurityKind =
  | 'signature' // tree head not signed by the configured key
  | 'fork' // two signed trees that cannot both be true
  | 'rollback' // the server signs a tree older than one it signed before and can no longer back it
  | 'tile' // tiles that do not hash to the signed tree
  | 'record' // a record that is not the one logged at its id
  | 'missing-line'; // an authentic record that is not about the module version asked for

/** The server misbehaved. The message is Go-style: "SECURITY ERROR" and the evidence. */
export class SumdbSecurityError extends Error {
  override name = 'SumdbSecurityError';
  constructor(
    readonly kind: SumdbSecurityKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
