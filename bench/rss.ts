import { readFile } from 'node:fs/promises';
import { get } from 'node:http';

/**
 * Peak memory of a server process while many clients fetch one big file at once: the figure that tells
 * whether zips are streamed (flat memory) or buffered (memory grows with size × clients).
 *
 * Two readings: VmHWM, the kernel's exact high-water mark of resident memory since the process started (the
 * server is started fresh for each measurement, so it covers start-up plus this test), and VmRSS polled every
 * 50 ms during the downloads, which shows the peak of the test itself and the idle baseline before it.
 */
export interface RssResult {
  /** VmRSS just before the downloads, MiB. */
  baselineMiB: number;
  /** Highest VmRSS seen by the 50 ms poll during the downloads, MiB. */
  polledPeakMiB: number;
  /** VmHWM after the downloads, MiB. */
  hwmMiB: number;
  seconds: number;
}

export async function readMemory(pid: number): Promise<{ rssMiB: number; hwmMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

export async function measurePeakRss(
  pid: number,
  url: string,
  clients: number,
  expectedBytes: number,
): Promise<RssResult> {
  const baselineMiB = (await readMemory(pid)).rssMiB;
  let polledPeakMiB = baselineMiB;
  const poll = setInterval(() => {
    readMemory(pid).then(
      (m) => {
        polledPeakMiB = Math.max(polledPeakMiB, m.rssMiB);
      },
      () => undefined, // the process may be gone at the very end; the HWM read below reports that.
    );
  }, 50);
  const started = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: clients }, () => download(url, expectedBytes)));
  } finally {
    clearInterval(poll);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { rssMiB, hwmMiB } = await readMemory(pid);
  return { baselineMiB, polledPeakMiB: Math.max(polledPeakMiB, rssMiB), hwmMiB, seconds };
}

/** One client on its own connection (agent: false), reading and discarding the body as fast as it comes. */
function download(url: string, expectedBytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        else if (bytes !== expectedBytes)
          reject(new Error(`GET ${url}: got ${bytes} bytes, expected ${expectedBytes}`));
        else resolve();
      });
    });
    req.on('error', reject);
    req.setTimeout(300_000, () => req.destroy(new Error(`GET ${url}: no data for 300 s`)));
  });
}
