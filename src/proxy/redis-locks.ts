import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Locks, Release } from './locks.js';

/** Deletes the lock only if it still holds our token: after an expiry it may belong to another replica. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lock only if it is still ours, for the same reason. */
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** A Redis command slower than this counts as Redis being unreachable: requests never wait on Redis. */
const COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisLocksOptions {
  /** redis:// or rediss:// URL, credentials included. */
  url: string;
  /** How long a lock outlives its holder: a crashed replica stops extending it and it expires after this. */
  ttlMs: number;
  /**
   * Lock names are hashed with this, so that caches sharing one Redis (another bucket, another prefix) do not
   * contend, and module paths, which may be private, never appear in Redis.
   */
  namespace: string;
  /** The locks used while Redis is unreachable: this process (and its workers) still fetch once each. */
  fallback: Locks;
  /** Told when Redis becomes reachable or unreachable (not on every failed reconnect). */
  onStateChange: (up: boolean, reason?: string) => void;
}

/**
 * Locks shared by every replica through Redis: SET NX PX with a random token, extended by a heartbeat while
 * held (a long zip download must not lose its lock), released by compare-and-delete. While Redis is
 * unreachable the fallback locks are used instead, so replicas keep serving, each fetching at most once.
 */
export class RedisLocks implements Locks {
  private readonly client: Redis;
  /** Last state reported; unknown until the first connection attempt ends, so that a failed start is told. */
  private up: boolean | undefined;

  constructor(private readonly options: RedisLocksOptions) {
    this.client = new Redis(options.url, {
      // Without a queue, a command sent while disconnected fails at once instead of waiting for Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Reconnects forever: a Redis restart must end degraded mode without restarting modgate.
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
      lazyConnect: true,
    });
    this.client.on('ready', () => this.setUp(true));
    this.client.on('error', (err: Error) => this.setUp(false, err.message));
    this.client.on('end', () => this.setUp(false, 'connection closed'));
  }

  /** Connects, waiting at most the connect timeout: an unreachable Redis at start means degraded, not down. */
  async connect(): Promise<void> {
    await this.client.connect().catch(() => {});
  }

  /** Whether locks are shared with the other replicas right now. */
  get coordinated(): boolean {
    return this.up === true && this.client.status === 'ready';
  }

  async tryAcquire(name: string): Promise<Release | undefined> {
    if (!this.coordinated) return this.options.fallback.tryAcquire(name);
    const key = this.key(name);
    const token = randomBytes(16).toString('hex');
    let taken: string | null;
    try {
      taken = await this.client.set(key, token, 'PX', this.options.ttlMs, 'NX');
    } catch (err) {
      // A Redis that holds the connection open but does not answer (stopped, overloaded, partitioned) is
      // as good as gone: stop asking it, and reconnect, whose 'ready' says when it answers again.
      this.setUp(false, (err as Error).message);
      this.client.disconnect(true);
      return this.options.fallback.tryAcquire(name);
    }
    return taken === 'OK' ? this.hold(key, token) : undefined;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private hold(key: string, token: string): Release {
    const heartbeat = setInterval(
      () => {
        // A failed extension is not fatal: the lock expires and at worst another replica fetches too.
        this.client.eval(EXTEND, 1, key, token, this.options.ttlMs).catch(() => {});
      },
      Math.max(this.options.ttlMs / 3, 100),
    );
    heartbeat.unref();
    return async () => {
      clearInterval(heartbeat);
      // Unreleased (Redis gone meanwhile), the lock expires after ttlMs.
      await this.client.eval(RELEASE, 1, key, token).catch(() => {});
    };
  }

  private key(name: string): string {
    const digest = createHash('sha256').update(`${this.options.namespace}\0${name}`).digest('hex');
    return `modgate:lock:${digest.slice(0, 40)}`;
  }

  private setUp(up: boolean, reason?: string): void {
    if (up === this.up) return;
    this.up = up;
    this.options.onStateChange(up, reason);
  }
}
