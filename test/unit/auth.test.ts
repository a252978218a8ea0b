import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AccessPolicy } from '../../src/auth/access-policy.js';
import { presentedToken } from '../../src/auth/credentials.js';
import { TokenStore } from '../../src/auth/token-store.js';
import { requestSubject } from '../../src/server/request-subject.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('client authentication and access rules', () => {
  test('the token is read from Basic (password, or user with no password) and Bearer credentials', () => {
    assert.equal(presentedToken(basic('token', 'mg_x')), 'mg_x');
    assert.equal(presentedToken(basic('mg_y', '')), 'mg_y');
    assert.equal(presentedToken('Bearer mg_z'), 'mg_z');
    assert.equal(presentedToken('bearer   mg_z '), 'mg_z');
    for (const bad of [
      undefined,
      '',
      'Basic',
      'Digest abc',
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
    ])
      assert.equal(presentedToken(bad), undefined, String(bad));
  });

  test('tokens: stored hashed, checked, revoked, expired; a wrong secret for a real id is unknown', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = new MemoryStore();
    const tokens = new TokenStore(store, () => now);
    const { record, token } = await tokens.create({
      name: 'ci',
      scopes: ['corp.example/*'],
      expiresAt: new Date(now + 3600_000),
    });
    const stored = (await store.readBytes(`_modgate/tokens/${record.id}.json`))!.toString();
    assert.ok(!stored.includes(token.split('_')[2]!), 'the secret itself is never stored');
    assert.deepEqual(await tokens.authenticate(token), {
      ok: true,
      identity: { tokenId: record.id, name: 'ci', scopes: ['corp.example/*'] },
    });
    // Change the secret's last character to another one (a fixed replacement is the same 1 time in 64).
    const wrongSecret = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    assert.deepEqual(await tokens.authenticate(wrongSecret), { ok: false, reason: 'unknown' });
    assert.deepEqual(await tokens.authenticate('mg_nope'), { ok: false, reason: 'malformed' });
    now += 3600_000;
    assert.deepEqual(await tokens.authenticate(token), { ok: false, reason: 'expired' });
    const other = await tokens.create({ name: 'dev', scopes: ['*'] });
    await new TokenStore(store, () => now).revoke('dev');
    now += 10_000; // past the revocation cache
    assert.deepEqual(await tokens.authenticate(other.token), { ok: false, reason: 'revoked' });
    const listed = await tokens.list();
    assert.deepEqual(
      listed.map((r) => [r.name, r.revokedAt !== undefined]),
      [
        ['ci', false],
        ['dev', true],
      ],
    );
    await assert.rejects(tokens.revoke('nobody'), /no token has the id or name "nobody"/);
  });

  test('protected modules need a token whose scope matches; others stay anonymous; admin needs admin', () => {
    const policy = new AccessPolicy('corp.example,github.com/acme/*');
    const ci = { tokenId: 'x', name: 'ci', scopes: ['corp.example/payments/*'] };
    const admin = { tokenId: 'y', name: 'ops', scopes: ['*', 'admin'] };
    const mod = (path: string) => ({ kind: 'module' as const, path });
    assert.equal(policy.decide(mod('example.com/public'), undefined), 'allow');
    assert.equal(policy.decide(mod('corp.example/payments/api'), undefined), 'unauthenticated');
    assert.equal(policy.decide(mod('corp.example/payments/api'), ci), 'allow');
    assert.equal(policy.decide(mod('corp.example/hr/db'), ci), 'forbidden');
    assert.equal(policy.decide(mod('github.com/acme/x'), admin), 'allow');
    assert.equal(policy.decide({ kind: 'admin' }, ci), 'forbidden');
    assert.equal(policy.decide({ kind: 'admin' }, admin), 'allow');
    assert.equal(policy.decide({ kind: 'all-modules' }, ci), 'forbidden');
    assert.equal(policy.decide({ kind: 'all-modules' }, admin), 'allow');
    assert.equal(new AccessPolicy('').decide({ kind: 'admin' }, undefined), 'allow', 'no auth: all open');
  });

  test('what a request path is about', () => {
    const names = ['sum.corp.test', 'sum.golang.org'];
    const subject = (url: string) => requestSubject(url, names, 'sum.corp.test');
    assert.deepEqual(subject('/corp.example/a/@v/v1.0.0.zip'), { kind: 'module', path: 'corp.example/a' });
    assert.deepEqual(subject('/github.com/!acme/x/@latest'), { kind: 'module', path: 'github.com/Acme/x' });
    assert.deepEqual(subject('/sumdb/sum.corp.test/lookup/corp.example/a@v1.0.0'), {
      kind: 'module',
      path: 'corp.example/a',
    });
    assert.deepEqual(subject('/sumdb/sum.corp.test/tile/8/data/000'), { kind: 'all-modules' });
    assert.deepEqual(subject('/sumdb/sum.golang.org/tile/8/data/000'), { kind: 'open' });
    assert.deepEqual(subject('/sumdb/sum.corp.test/tile/8/0/000'), { kind: 'open' });
    assert.deepEqual(subject('/metrics'), { kind: 'admin' });
    assert.deepEqual(subject('/healthz'), { kind: 'open' });
    assert.deepEqual(subject('/not/a/proxy/path'), { kind: 'open' });
  });
});
