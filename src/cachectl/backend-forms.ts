/** The --to/--from forms, for help texts and errors; apart from open-backend.ts, which loads the HTTP client. */
export const BACKEND_FORMS =
  'dir:/path (or a plain path, or file:///path), s3://bucket/prefix, http(s)://modgate-server';
