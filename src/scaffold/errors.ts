/** A problem with the user's input or project that init reports as-is and that leaves every file untouched. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

/** init would replace files the user has and was not told to (--force). */
export class FilesExistError extends ScaffoldError {
  override name = 'FilesExistError';
}
