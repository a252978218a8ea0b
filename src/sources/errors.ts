/**
 * "This module or version does not exist here": the only answer that lets a Go client's `,` fall through
 * to the next GOPROXY entry, and the only one modgate turns into 404/410.
 */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Anything else an upstream can do wrong: refused, timed out, 5xx, lied. Only `|` falls through on it. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

export function isNotFound(err: unknown): err is NotFoundError {
  return err instanceof NotFoundError;
}
