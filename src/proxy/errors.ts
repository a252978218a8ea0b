/**
 * An upstream offered bytes modgate will not store: a zip breaking the module zip rules, a go.mod for another
 * module, different bytes for a version already recorded. Reported to clients as 410 Gone with the reason.
 */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

/** The request itself can never succeed (bad path, non-canonical version where one is required). */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}
