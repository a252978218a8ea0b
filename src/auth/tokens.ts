import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A client token: `mg_<id>_<secret>`. The id names the stored record (and appears in `token list`, logs
 * and rate-limit keys); the secret is 32 random bytes, shown once at creation and stored only as its SHA-256,
 * which is enough for a secret of that entropy and cheap to check on every request.
 */
const TOKEN = /^mg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** The scope that opens the admin endpoints (/metrics); module scopes are GOPRIVATE-style patterns. */
export const ADMIN_SCOPE = 'admin';

export interface TokenRecord {
  id: string;
  name: string;
  /** GOPRIVATE-style module patterns this token may read, and possibly `admin`. */
  scopes: string[];
  secretSha256: string;
  createdAt: string;
  /** ISO time after which the token is refused; absent for no expiry. */
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export function newToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `mg_${id}_${secret}` };
}

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a presented secret with a record's hash. */
export function secretMatches(record: TokenRecord, secret: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(record.secretSha256, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
