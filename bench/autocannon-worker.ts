import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { LoadOptions, LoadResult } from './load.js';

/**
 * The autocannon fallback of bench/load.ts, run as its own process (`node autocannon-worker.js options.json`)
 * so that it never shares an event loop with the benchmark driver. Prints one LoadResult as JSON.
 */

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  throughput: Histogram & { total: number };
  latency: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

// autocannon is CommonJS without bundled types; require() with a local interface keeps strict mode honest.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const options = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as LoadOptions;
let next = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationSeconds,
  timeout: 10,
  // One request whose path is rewritten before every send: a shared round-robin over the path list.
  requests: [
    {
      method: 'GET',
      setupRequest: (request) => {
        request.path = options.paths[next++ % options.paths.length]!;
        return request;
      },
    },
  ],
});
const out: LoadResult = {
  requests: result.requests.total,
  bytes: result.throughput.total,
  seconds: result.duration,
  requestsPerSecond: result.requests.total / result.duration,
  megabytesPerSecond: result.throughput.total / 1e6 / result.duration,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors: result.errors + result.timeouts + result.non2xx,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
