/** Exit codes: CI scripts can tell a complete restore from a partial one and from a broken one. */
export const EXIT_OK = 0;
/** A version was refused (it does not match go.sum) or failed to transfer. */
export const EXIT_FAILED = 1;
/** The project, the backend or a flag is unusable; nothing was transferred. */
export const EXIT_BAD_INPUT = 2;
/** The restore is partial: the cache lacked some files, or the offline check failed. */
export const EXIT_INCOMPLETE = 3;
