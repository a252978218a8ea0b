import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { recordResponse } from './response-capture.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * GET or HEAD with the path sent exactly as given: fetch() would normalise `..` and percent-escapes away,
 * which is precisely what hostile-input tests must not do. An https base is trusted whatever its
 * certificate (tests make their own). Responses are recorded for the suite's secret scan.
 */
export function rawRequest(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const response = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
          recordResponse(options.method ?? 'GET', path, response.status, res.headers, response.body);
          resolve(response);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
