import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { freePort, stopProcess } from './daemon.js';
import { registerSecret } from './secret-registry.js';
import { capturePath } from './suite-artifacts.js';

const TOOLS = ['monmaptool', 'ceph-mon', 'ceph', 'ceph-osd', 'radosgw', 'radosgw-admin'];

/**
 * A real S3 service for tests: Ceph's radosgw over one monitor and one in-memory OSD on 127.0.0.1, in a
 * temporary directory, with no authentication inside the cluster and one S3 user. Fakes are no substitute
 * (npm's s3rver breaks suffix ranges, ignores If-None-Match and corrupts streamed uploads).
 */
export class Radosgw {
  readonly accessKeyId = 'modgate-test';
  readonly secretAccessKey = randomUUID();
  private readonly daemons: ChildProcess[] = [];
  private stopping = false;
  private started = false;
  /** Set when a daemon dies before `stop`, so that a start waiting on the cluster fails instead of hanging. */
  private failure: Error | undefined;

  private constructor(
    private readonly dir: string,
    readonly endpoint: string,
  ) {}

  /** Starts the cluster, in about 2 s: monitor, OSD, radosgw and its pools, then the S3 user. */
  static async start(): Promise<Radosgw> {
    const missing = TOOLS.filter((tool) => !['/usr/bin', '/usr/sbin'].some((d) => existsSync(join(d, tool))));
    if (missing.length > 0)
      throw new Error(
        `the S3 tests need Ceph (${missing.join(', ')} missing): run scripts/install-test-deps.sh as root`,
      );
    const dir = await mkdtemp(join(tmpdir(), 'modgate-ceph-'));
    const [monPort, rgwPort] = [await freePort(), await freePort()];
    const gw = new Radosgw(dir, `http://127.0.0.1:${rgwPort}`);
    registerSecret('s3 secret key', gw.secretAccessKey);
    try {
      await gw.bootstrap(monPort, rgwPort);
      gw.started = true;
      return gw;
    } catch (err) {
      await gw.stop();
      throw err;
    }
  }

  private async bootstrap(monPort: number, rgwPort: number): Promise<void> {
    const fsid = randomUUID();
    for (const sub of ['run', 'log', 'mon', 'osd/ceph-0', 'rgw'])
      await mkdir(join(this.dir, sub), { recursive: true });
    await writeFile(this.conf, cephConf(this.dir, fsid, monPort, rgwPort));
    const monmap = join(this.dir, 'monmap');
    await this.run('monmaptool', [
      '--create',
      '--fsid',
      fsid,
      '--addv',
      'a',
      `[v2:127.0.0.1:${monPort}]`,
      monmap,
    ]);
    await this.run('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', monmap]);
    this.daemon('ceph-mon', ['-i', 'a']);
    const osdUuid = randomUUID();
    const osdId = (await this.run('ceph', ['--connect-timeout', '30', 'osd', 'new', osdUuid])).trim();
    await this.run('ceph-osd', ['-i', osdId, '--mkfs', '--osd-uuid', osdUuid]);
    this.daemon('ceph-osd', ['-i', osdId]);
    this.daemon('radosgw', ['-n', 'client.rgw.a']);
    // Returns once radosgw's pools exist, which needs the OSD up.
    await this.run('radosgw-admin', [
      'user',
      'create',
      '--uid',
      'modgate-test',
      '--display-name',
      'modgate tests',
      '--access-key',
      this.accessKeyId,
      '--secret',
      this.secretAccessKey,
    ]);
    await this.waitForHttp();
  }

  /** An SDK client with the settings radosgw needs (path-style addressing, checksums only when required). */
  client(): S3Client {
    return new S3Client({
      region: 'us-east-1',
      endpoint: this.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Creates a bucket with a fresh name, so that each test starts from an empty one. */
  async createBucket(): Promise<string> {
    const name = `modgate-${randomUUID().slice(0, 8)}`;
    const client = this.client();
    try {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    } finally {
      client.destroy();
    }
    return name;
  }

  /** The environment a process needs to reach this service through the standard AWS credential chain. */
  get credentialsEnv(): Record<string, string> {
    return { AWS_ACCESS_KEY_ID: this.accessKeyId, AWS_SECRET_ACCESS_KEY: this.secretAccessKey };
  }

  async stop(): Promise<void> {
    if (this.started && !this.failure) await this.captureBuckets();
    this.stopping = true;
    for (const daemon of this.daemons.reverse()) await stopProcess(daemon);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Keeps every object of every bucket for the suite's secret scan: what modgate stored there. */
  private async captureBuckets(): Promise<void> {
    const target = capturePath('s3', 'buckets');
    if (!target) return;
    const client = this.client();
    try {
      for (const { Name } of (await client.send(new ListBucketsCommand({}))).Buckets ?? []) {
        await mkdir(join(target, Name!), { recursive: true });
        let token: string | undefined;
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: Name, ContinuationToken: token }),
          );
          for (const { Key } of page.Contents ?? []) {
            const object = await client.send(new GetObjectCommand({ Bucket: Name, Key }));
            // One flat file per key: a key is no path to trust on this disk.
            await writeFile(
              join(target, Name!, encodeURIComponent(Key!)),
              await object.Body!.transformToByteArray(),
            );
          }
          token = page.NextContinuationToken;
        } while (token);
      }
    } finally {
      client.destroy();
    }
  }

  private get conf(): string {
    return join(this.dir, 'ceph.conf');
  }

  private daemon(command: string, args: string[]): void {
    const child = spawn(command, ['-f', '-c', this.conf, ...args], { stdio: 'ignore' });
    child.once('exit', (code, signal) => {
      if (!this.stopping)
        this.failure ??= new Error(`${command} exited early (${code ?? signal}); logs in ${this.dir}/log`);
    });
    this.daemons.push(child);
  }

  /** Runs a Ceph tool to completion, failing with its output if it fails or a daemon has died meanwhile. */
  private run(command: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(command, ['-c', this.conf, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
        if (this.failure) reject(this.failure);
        else if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        else resolve(String(stdout));
      });
    });
  }

  private async waitForHttp(): Promise<void> {
    for (const deadline = Date.now() + 30_000; ; ) {
      if (this.failure) throw this.failure;
      const answer = await fetch(this.endpoint).catch(() => undefined);
      if (answer && (await answer.text()).includes('ListAllMyBucketsResult')) return;
      if (Date.now() > deadline) throw new Error(`radosgw never answered at ${this.endpoint}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function cephConf(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${monPort}
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
# Without this radosgw hangs fetching its configuration from the monitor.
ms mon client mode = crc secure
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 1
osd pool default pgp num = 1
# The monitor batches changes for a second by default; radosgw's first start creates its pools one change
# at a time, so this alone takes the start from 12 s to under 2 s.
paxos propose interval = 0.01
paxos min wait = 0.01
mon allow pool size one = true
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 2147483648
run dir = ${dir}/run
log file = ${dir}/log/$name.log
admin socket = ${dir}/run/$name.asok
pid file = ${dir}/run/$name.pid
mon data = ${dir}/mon/$cluster-$id
osd data = ${dir}/osd/$cluster-$id

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
`;
}
