import type { Store } from '../storage/store.js';
import { hashSecret, newToken, parseToken, secretMatches, type TokenRecord } from './tokens.js';

const PREFIX = '_modgate/tokens/';
/** A revocation reaches every running server within this long. */
const CACHE_MS = 5_000;
/** Last use is written at most this often per token and process. */
const LAST_USE_EVERY_MS = 60_000;

/** Who a valid token belongs to, as the access policy sees it. */
export interface Identity {
  tokenId: string;
  name: string;
  scopes: readonly string[];
}

export type AuthResult =
  | { ok: true; identity: Identity }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/**
 * Client tokens kept in modgate's store (so every worker and replica sees the same set, and `modgate token`
 * manages them without a running server). Records hold only the secret's hash; last use is kept in a
 * separate object so that recording it can never undo a revocation written at the same moment.
 */
export class TokenStore {
  private readonly cache = new Map<string, { record: TokenRecord | undefined; at: number }>();
  private readonly lastUseWritten = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async create(options: {
    name: string;
    scopes: string[];
    expiresAt?: Date;
  }): Promise<{ record: TokenRecord; token: string }> {
    const { id, secret, token } = newToken();
    const record: TokenRecord = {
      id,
      name: options.name,
      scopes: options.scopes,
      secretSha256: hashSecret(secret),
      createdAt: new Date(this.now()).toISOString(),
      ...(options.expiresAt ? { expiresAt: options.expiresAt.toISOString() } : {}),
    };
    await this.store.put(recordKey(id), { bytes: Buffer.from(JSON.stringify(record)) }, { ifAbsent: true });
    return { record, token };
  }

  async list(): Promise<TokenRecord[]> {
    const records: TokenRecord[] = [];
    for await (const key of this.store.list(PREFIX)) {
      if (!key.endsWith('.json')) continue;
      const record = await this.read(key.slice(PREFIX.length, -'.json'.length));
      if (record) records.push({ ...record, ...(await this.lastUse(record.id)) });
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes the token with this id or name; throws when none or several match. */
  async revoke(idOrName: string): Promise<TokenRecord> {
    const matches = (await this.list()).filter((r) => r.id === idOrName || r.name === idOrName);
    if (matches.length !== 1) {
      throw new Error(
        matches.length === 0
          ? `no token has the id or name ${JSON.stringify(idOrName)} (see modgate token list)`
          : `${matches.length} tokens are named ${JSON.stringify(idOrName)}: revoke one by its id`,
      );
    }
    const { lastUsedAt: _, ...record } = matches[0]!;
    const revoked = { ...record, revokedAt: record.revokedAt ?? new Date(this.now()).toISOString() };
    await this.store.put(
      recordKey(record.id),
      { bytes: Buffer.from(JSON.stringify(revoked)) },
      { ifAbsent: false },
    );
    this.cache.delete(record.id);
    return revoked;
  }

  async authenticate(token: string): Promise<AuthResult> {
    const parsed = parseToken(token);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const record = await this.cached(parsed.id);
    if (!record || !secretMatches(record, parsed.secret)) return { ok: false, reason: 'unknown' };
    if (record.revokedAt) return { ok: false, reason: 'revoked' };
    if (record.expiresAt && Date.parse(record.expiresAt) <= this.now())
      return { ok: false, reason: 'expired' };
    this.recordUse(record.id);
    return { ok: true, identity: { tokenId: record.id, name: record.name, scopes: record.scopes } };
  }

  private async cached(id: string): Promise<TokenRecord | undefined> {
    const hit = this.cache.get(id);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.record;
    const record = await this.read(id);
    this.cache.set(id, { record, at: this.now() });
    return record;
  }

  private async read(id: string): Promise<TokenRecord | undefined> {
    const bytes = await this.store.readBytes(recordKey(id));
    if (!bytes) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as TokenRecord;
    } catch {
      return undefined;
    }
  }

  private async lastUse(id: string): Promise<{ lastUsedAt?: string }> {
    const bytes = await this.store.readBytes(`${PREFIX}${id}.used`);
    return bytes ? { lastUsedAt: bytes.toString('utf8').trim() } : {};
  }

  private recordUse(id: string): void {
    const now = this.now();
    if (now - (this.lastUseWritten.get(id) ?? 0) < LAST_USE_EVERY_MS) return;
    this.lastUseWritten.set(id, now);
    const at = Buffer.from(new Date(now).toISOString());
    // Best effort: a token keeps working when its last use cannot be written (a full disk, say).
    this.store.put(`${PREFIX}${id}.used`, { bytes: at }, { ifAbsent: false }).catch(() => {});
  }
}

function recordKey(id: string): string {
  return `${PREFIX}${id}.json`;
}
