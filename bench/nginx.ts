import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, stopProcess } from './tools.js';

/**
 * nginx serving the same GOPROXY tree as plain static files: the baseline that tells how far modgate is from
 * what the machine can do. Configured as the issue asks (sendfile on, two workers, no access log); keepalive
 * requests are unlimited so nginx, like modgate, never closes a benchmark connection midway.
 */
export interface NginxServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export const NGINX = '/usr/sbin/nginx';

export async function startNginx(tree: string): Promise<NginxServer> {
  await requireBinary(NGINX, 'nginx', 'apt-get install nginx-light');
  const dir = await mkdtemp(join(tmpdir(), 'modgate-bench-nginx-'));
  const port = await freePort();
  // As root, nginx would switch its workers to "nobody", who cannot read mkdtemp's 0700 directories.
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  const conf = `${user}worker_processes 2;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${tree};
    default_type application/octet-stream;
  }
}
`;
  const confFile = join(dir, 'nginx.conf');
  await writeFile(confFile, conf);
  // -e: the startup error log, before the config is read (Debian's default points into /var/log).
  const child = spawn(NGINX, ['-c', confFile, '-p', dir, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(child, url, join(dir, 'error.log'));
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      await stopProcess(child); // SIGTERM: nginx's fast shutdown of master and workers
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(child: ChildProcess, url: string, errorLog: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(errorLog, 'utf8').catch(() => '');
      throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}) before listening:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/`, { method: 'HEAD' });
      await res.body?.cancel();
      return; // any HTTP answer (403/404 for the root is fine) means it listens
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('nginx did not start listening within 10 s');
}
