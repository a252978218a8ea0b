/**
 * The outside world of a SumdbClient (x/mod's sumdb.ClientOps), so the verification logic can be tested with
 * any transport or store and so a proxy can plug in its own.
 */
export interface SumdbClientOps {
  /**
   * GET a full URL (the client joins its baseUrl and "/lookup/..." or "/tile/..."). Resolves to the body of a 200;
   * rejects with SumdbNotFoundError on 404/410 and SumdbTransientError otherwise.
   */
  fetch(url: string): Promise<Buffer>;

  /** A cache file ("lookup/<M>@<V>", "tile/8/0/000.p/5"), or undefined when absent or unreadable. */
  readCache(file: string): Promise<Buffer | undefined>;
  /** Only ever called with verified data. Failing to cache is not an error of the lookup. */
  writeCache(file: string, data: Uint8Array): Promise<void>;

  /** A config file ("<name>/latest"); empty when absent, which means the empty tree. */
  readConfig(file: string): Promise<Buffer>;
  /**
   * Atomically replaces the config file's content old with new; rejects with WriteConflictError when the stored
   * content is no longer old (another process moved it), so the client can merge and retry.
   */
  writeConfig(file: string, old: Uint8Array, data: Uint8Array): Promise<void>;

  /** Told about every security error before the client throws it (log, alert, or exit the process). */
  securityError(message: string): void;
}
