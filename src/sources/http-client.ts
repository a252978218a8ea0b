import { Agent, type Dispatcher, RetryAgent } from 'undici';

export interface HttpClientOptions {
  /** Time to establish a connection (TCP + TLS). */
  connectTimeoutMs: number;
  /** Time from sending a request to receiving the response headers. */
  headersTimeoutMs: number;
  /** Longest silence allowed between two chunks of a response body. */
  bodyTimeoutMs: number;
  /** Retries after the first attempt, on network errors, 429 and 5xx; never on 404/410. */
  retries: number;
  /** Connections kept open per upstream origin. */
  connectionsPerOrigin: number;
}

/** One pooled, retrying HTTP client shared by every upstream. */
export function createHttpClient(options: HttpClientOptions): Dispatcher {
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs },
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    connections: options.connectionsPerOrigin,
    keepAliveTimeout: 30_000,
  });
  return new RetryAgent(agent, {
    maxRetries: options.retries,
    minTimeout: 100,
    maxTimeout: 2_000,
    timeoutFactor: 3,
    methods: ['GET'],
    statusCodes: [429, 500, 502, 503, 504],
    errorCodes: [
      'ECONNRESET',
      'ECONNREFUSED',
      'ENOTFOUND',
      'ENETDOWN',
      'ENETUNREACH',
      'EHOSTDOWN',
      'EHOSTUNREACH',
      'EPIPE',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
    ],
  });
}
