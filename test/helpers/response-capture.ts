import { recordOutput } from './suite-artifacts.js';

/**
 * Records a response modgate sent a test (status, headers, body) for the suite's secret scan. Only the path of
 * the request is written: what the test sent (its Authorization header) holds the credentials.
 */
export function recordResponse(
  method: string,
  /** The request target; its query is left out. */
  target: string,
  status: number,
  headers: Record<string, unknown>,
  body: Buffer,
): void {
  recordOutput('responses', 'response', `${method} ${target.split('?')[0]}: ${status}`, {
    headers: JSON.stringify(headers),
    body,
  });
}

/**
 * fetch(), with the response recorded for the secret scan. The test gets the response untouched (a clone is
 * read for the record), so streaming, aborts and errors behave as with fetch itself.
 */
export async function recordedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  const copy = response.clone();
  copy
    .arrayBuffer()
    .then((body) =>
      recordResponse(
        init.method ?? 'GET',
        new URL(url).pathname,
        copy.status,
        Object.fromEntries(copy.headers),
        Buffer.from(body),
      ),
    )
    // A body cut off (a server killed mid-response) is what such a test checks; the part read is not kept.
    .catch(() => {});
  return response;
}
