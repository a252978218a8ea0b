import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingToolError, requireBinary, runCommand } from './tools.js';

/**
 * Drives an HTTP load against one server and returns requests/s, MB/s and latency percentiles.
 *
 * The load generator always runs as a separate process: on a 2-core machine a generator inside the
 * benchmark's node process would fight the event loop it measures. wrk (C, epoll) is preferred because it
 * needs far less CPU per request than autocannon, leaving more of the two cores to the server under test.
 */
export type LoadGenerator = 'wrk' | 'autocannon';

export interface LoadOptions {
  url: string;
  /** URL paths, requested in rotation; each connection starts at a different offset. */
  paths: readonly string[];
  connections: number;
  durationSeconds: number;
  /** wrk threads (autocannon is single-threaded). */
  threads: number;
}

export interface LoadResult {
  requests: number;
  bytes: number;
  seconds: number;
  requestsPerSecond: number;
  /** Response bytes (headers included) per second, in MB (10^6 bytes). */
  megabytesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors, timeouts and non-2xx answers: any of these makes the run invalid. */
  errors: number;
}

export const WRK = '/usr/bin/wrk';

export async function resolveLoadGenerator(preferred: LoadGenerator): Promise<LoadGenerator> {
  if (preferred === 'autocannon') return 'autocannon';
  try {
    await requireBinary(WRK, 'wrk', 'apt-get install wrk');
    return 'wrk';
  } catch (err) {
    throw new MissingToolError(
      `${(err as Error).message}, or pass --load-generator autocannon (heavier on the CPU it shares with the server)`,
    );
  }
}

export async function runLoad(generator: LoadGenerator, options: LoadOptions): Promise<LoadResult> {
  const result = generator === 'wrk' ? await runWrk(options) : await runAutocannon(options);
  if (result.requests === 0) throw new Error(`${generator} against ${options.url} completed no request`);
  return result;
}

/**
 * The wrk script: every thread reads the path list and walks it round-robin from its own offset; done()
 * prints the summary as one JSON line, which is exact where wrk's human output rounds (e.g. "1.23MB").
 */
const WRK_SCRIPT = `
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nMODGATE_BENCH {"requests":%.0f,"bytes":%.0f,"duration_us":%.0f,"p50_us":%.0f,"p99_us":%.0f,' ..
    '"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f}\\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-bench-wrk-'));
  try {
    const script = join(dir, 'rotate.lua');
    const pathsFile = join(dir, 'paths.txt');
    await writeFile(script, WRK_SCRIPT);
    await writeFile(pathsFile, `${options.paths.join('\n')}\n`);
    const wrk = await requireBinary(WRK, 'wrk', 'apt-get install wrk');
    const args = [
      '-t',
      String(Math.min(options.threads, options.connections)),
      '-c',
      String(options.connections),
    ];
    args.push(
      '-d',
      `${options.durationSeconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      options.url,
      '--',
      pathsFile,
    );
    const { code, stdout, stderr } = await runCommand(wrk, args);
    if (code !== 0) throw new Error(`wrk failed (${code}):\n${stderr}${stdout}`);
    const line = stdout.split('\n').find((l) => l.startsWith('MODGATE_BENCH '));
    if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
    const s = JSON.parse(line.slice('MODGATE_BENCH '.length)) as Record<string, number>;
    const seconds = s.duration_us! / 1e6;
    return {
      requests: s.requests!,
      bytes: s.bytes!,
      seconds,
      requestsPerSecond: s.requests! / seconds,
      megabytesPerSecond: s.bytes! / 1e6 / seconds,
      p50Ms: s.p50_us! / 1000,
      p99Ms: s.p99_us! / 1000,
      errors: s.connect! + s.read! + s.write! + s.status! + s.timeout!,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** autocannon runs in its own node process (bench/autocannon-worker.ts), which prints a LoadResult as JSON. */
async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-bench-autocannon-'));
  try {
    const optionsFile = join(dir, 'options.json');
    await writeFile(optionsFile, JSON.stringify(options));
    const worker = fileURLToPath(new URL('./autocannon-worker.js', import.meta.url));
    const { code, stdout, stderr } = await runCommand(process.execPath, [worker, optionsFile]);
    if (code !== 0) throw new Error(`autocannon worker failed (${code}):\n${stderr}${stdout}`);
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
