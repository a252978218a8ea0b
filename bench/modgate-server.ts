import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, stopProcess } from './tools.js';

/**
 * Runs the built modgate CLI as its own process, exactly as a user would (`modgate serve`), so the load
 * generator and the benchmark's own bookkeeping never share its event loop or CPU time accounting, and so
 * its RSS can be read from /proc/PID.
 */
export interface ModgateServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

// dist/bench/modgate-server.js -> dist/src/cli/main.js
export const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** `--upstream file://<tree>`: modgate in front of a GOPROXY tree on disk. */
export function treeUpstream(tree: string): string[] {
  return ['--upstream', pathToFileURL(tree).href];
}

/** `upstream` is the serve flags that say where modules come from, e.g. treeUpstream(tree). */
export async function startModgate(
  dataDir: string,
  upstream: readonly string[],
  workers: number,
): Promise<ModgateServer> {
  await access(MAIN).catch(() => {
    throw new Error(`${MAIN} is missing: build first (npm run build, which npm run bench does)`);
  });
  // At --log-level warn modgate does not print its info-level "listening" line, so the port is chosen here
  // (free port from the kernel) and readiness is polled on /healthz. Warn level keeps logging off the hot path.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [MAIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir];
  args.push(
    ...upstream,
    '--log-level',
    'warn',
    '--workers',
    String(workers),
    // The corpus is generated, so no checksum database knows it.
    '--checksum-db',
    'off',
  );
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // A failed spawn is reported here; waitReady then times out with its own message.
  child.on('error', (err) => process.stderr.write(`modgate: could not start: ${err.message}\n`));
  // Whatever modgate logs at warn or above during a benchmark is worth seeing: it usually explains a bad figure.
  createInterface({ input: child.stdout }).on('line', (line) => process.stderr.write(`modgate: ${line}\n`));

  try {
    await waitReady(url, () => child.exitCode ?? child.signalCode);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    url,
    pid: child.pid!,
    stop: () => stopProcess(child),
  };
}

async function waitReady(url: string, exitStatus: () => number | string | null): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const status = exitStatus();
    if (status !== null) throw new Error(`modgate exited (${status}) before it was ready`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`modgate did not answer ${url}/healthz within 15 s`);
}
