/**
 * The Idempotency-Key store on a real, migrated PostgreSQL, as the application role: claims,
 * replays, mismatches, concurrent claims, release, expiry, abandoned claims, the purge, and keys
 * scoped to their API key.
 */
import { CLI_AUDIT, type StoreResult } from '@datamingle/gateway-domain';
import type { DataSource } from 'typeorm';
import { PgIdempotencyStore } from './idempotency-store';
import { openAdminDatabase, type AdminDatabase } from './testing-support/admin-database';

const valueOf = <T>(r: StoreResult<T>): T => {
  if (!r.ok) throw new Error(`store refused: ${r.error}`);
  return r.value;
};

describe('PgIdempotencyStore on PostgreSQL', () => {
  let db: AdminDatabase | undefined;
  let owner: DataSource;
  let store: PgIdempotencyStore;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    db = await openAdminDatabase('idempotency_store');
    owner = db.owner;
    store = new PgIdempotencyStore(db.app);
    const tenant = await db.gateway.createTenant('acme', 'Acme');
    const newKey = (c: string) => ({ name: c, prefix: `sk_live_${c.repeat(4)}`, keyHash: c.repeat(64), scopes: ['integrations.*'], expiresAt: null, rateLimitPerSecond: null, partnerId: null });
    keyA = valueOf(await db.store.createKey(tenant.id, newKey('a'), CLI_AUDIT)).id;
    keyB = valueOf(await db.store.createKey(tenant.id, newKey('b'), CLI_AUDIT)).id;
  });

  afterAll(async () => {
    await db?.close();
  });

  const created = { status: 201, headers: { Location: '/api/integrations/v1/orders/ORD-1/' }, body: '{"success":true,"data":{"id":"x"}}' };

  it('claims a new key, answers in flight until settled, then replays the stored response; another request is a mismatch', async () => {
    const first = await store.claim(keyA, 'k-1', 'POST /orders/ {"a":1}');
    expect(first).toEqual({ state: 'claimed', claimId: expect.any(String) });
    expect(await store.claim(keyA, 'k-1', 'POST /orders/ {"a":1}')).toEqual({ state: 'in_flight' });
    if (first.state !== 'claimed') throw new Error('unreachable');
    await store.complete(keyA, 'k-1', first.claimId, created);
    expect(await store.claim(keyA, 'k-1', 'POST /orders/ {"a":1}')).toEqual({ state: 'replay', response: created });
    expect(await store.claim(keyA, 'k-1', 'POST /orders/ {"a":2}')).toEqual({ state: 'mismatch' });
    // The request body is not kept: only its SHA-256.
    const [row] = await owner.query(`SELECT octet_length(fingerprint) AS n, body FROM gateway.idempotency_keys WHERE idempotency_key = 'k-1'`);
    expect(row).toEqual({ n: 32, body: created.body });
  });

  it('scopes keys to their API key', async () => {
    const a = await store.claim(keyA, 'shared', 'POST /orders/ A');
    const b = await store.claim(keyB, 'shared', 'POST /orders/ B');
    expect(a.state).toBe('claimed');
    expect(b.state).toBe('claimed');
  });

  it('gives exactly one of 10 concurrent claims of a key', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim(keyA, 'burst', 'POST /orders/ {"n":1}')));
    expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'in_flight')).toHaveLength(9);
  });

  it('stores nothing for a released claim: the next request with the key is processed', async () => {
    const first = await store.claim(keyA, 'k-released', 'PUT /orders/1/ {}');
    if (first.state !== 'claimed') throw new Error('not claimed');
    await store.release(keyA, 'k-released', first.claimId);
    expect((await store.claim(keyA, 'k-released', 'PUT /orders/1/ {}')).state).toBe('claimed');
  });

  it('settles only its own claim: a late complete or release of a taken-over claim changes nothing', async () => {
    const first = await store.claim(keyA, 'k-lease', 'POST /orders/ {}');
    if (first.state !== 'claimed') throw new Error('not claimed');
    // The first gateway died mid-request: its claim is older than the lease.
    await owner.query(`UPDATE gateway.idempotency_keys SET claimed_at = clock_timestamp() - interval '301 seconds' WHERE idempotency_key = 'k-lease'`);
    const second = await store.claim(keyA, 'k-lease', 'POST /orders/ {}');
    expect(second.state).toBe('claimed');
    await store.complete(keyA, 'k-lease', first.claimId, { status: 500, headers: {}, body: null });
    await store.release(keyA, 'k-lease', first.claimId);
    expect(await store.claim(keyA, 'k-lease', 'POST /orders/ {}')).toEqual({ state: 'in_flight' });
    if (second.state !== 'claimed') throw new Error('not claimed');
    await store.complete(keyA, 'k-lease', second.claimId, created);
    expect(await store.claim(keyA, 'k-lease', 'POST /orders/ {}')).toEqual({ state: 'replay', response: created });
  });

  it('forgets a response after 24 hours (the key is claimed anew), and the purge deletes expired rows only', async () => {
    const first = await store.claim(keyA, 'k-old', 'POST /orders/ {}');
    if (first.state !== 'claimed') throw new Error('not claimed');
    await store.complete(keyA, 'k-old', first.claimId, created);
    const [{ expires }] = await owner.query(`SELECT extract(epoch FROM expires_at - claimed_at)::integer AS expires FROM gateway.idempotency_keys WHERE idempotency_key = 'k-old'`);
    expect(expires).toBe(24 * 3600);
    await owner.query(`UPDATE gateway.idempotency_keys SET expires_at = clock_timestamp() - interval '1 second' WHERE idempotency_key = 'k-old'`);
    expect((await store.claim(keyA, 'k-old', 'POST /orders/ {"other":true}')).state).toBe('claimed');

    const stale = await store.claim(keyA, 'k-stale', 'POST /orders/ {}');
    if (stale.state !== 'claimed') throw new Error('not claimed');
    await owner.query(`UPDATE gateway.idempotency_keys SET expires_at = clock_timestamp() - interval '1 second' WHERE idempotency_key = 'k-stale'`);
    const before = Number((await owner.query(`SELECT count(*) AS n FROM gateway.idempotency_keys`))[0].n);
    expect(await store.purgeExpired(1)).toBe(1);
    const after = Number((await owner.query(`SELECT count(*) AS n FROM gateway.idempotency_keys`))[0].n);
    expect(after).toBe(before - 1);
  });
});
