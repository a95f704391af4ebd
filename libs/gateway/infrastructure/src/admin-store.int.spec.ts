/**
 * The admin surface's storage on a real, migrated PostgreSQL (admin.md): users, sessions and their
 * limits, sign-in throttling, the last-admin rule, and the append-only audit trail written in the
 * same transaction as each change (also for the CLI's GatewayStore changes). The stores run as the
 * application role, like the gateway.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CLI_AUDIT, hashSessionToken, newSessionToken, type AuditContext, type StoreResult } from '@datamingle/gateway-domain';
import type { AdminStore } from './admin-store';
import type { GatewayStore } from './gateway-store';
import { openAdminDatabase, type AdminDatabase } from './testing-support/admin-database';

const valueOf = <T>(r: StoreResult<T>): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

const USER_AUDIT: AuditContext = { actor: { type: 'user', id: randomUUID(), email: 'ops@acme.example' }, requestId: 'req-1', clientIp: '127.0.0.1' };

describe('AdminStore on PostgreSQL', () => {
  let db: AdminDatabase | undefined;
  let owner: DataSource;
  let app: DataSource;
  let store: AdminStore;
  let gateway: GatewayStore;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };

  const auditRows = async (tenantId: string) =>
    owner.query(`SELECT action, actor, target, changes, request_id, client_ip FROM gateway.audit_events WHERE tenant_id = $1 ORDER BY occurred_at, id`, [tenantId]);

  const newUser = async (tenantId: string, email: string, role: 'admin' | 'viewer' = 'admin') => {
    const r = await store.createUser(tenantId, { email, name: email.split('@')[0]!, role, passwordHash: '$argon2id$fake' }, CLI_AUDIT);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };

  const newSession = async (tenantId: string, userId: string) => {
    const token = newSessionToken();
    await store.createSession(tenantId, userId, hashSessionToken(token), [], USER_AUDIT);
    return hashSessionToken(token);
  };

  beforeAll(async () => {
    db = await openAdminDatabase('admin_store');
    ({ owner, app, store, gateway } = db);
    acme = await gateway.createTenant('acme', 'Acme');
    globex = await gateway.createTenant('globex', 'Globex');
  });

  afterAll(async () => {
    await db?.close();
  });

  it('stores the email as given and keeps it unique per tenant, case-insensitively', async () => {
    const user = await newUser(acme.id, 'Mixed.Case@Acme.example');
    expect(user).toMatchObject({ email: 'Mixed.Case@Acme.example', role: 'admin', is_active: true, last_sign_in_at: null });
    expect(await store.createUser(acme.id, { email: 'mixed.case@acme.EXAMPLE', name: '', role: 'viewer', passwordHash: 'x' }, CLI_AUDIT)).toEqual({ ok: false, error: 'duplicate_email' });
    // Another tenant may have the same email.
    await expect(newUser(globex.id, 'mixed.case@acme.example')).resolves.toMatchObject({ email: 'mixed.case@acme.example' });
    expect((await store.userByEmail(acme.id, 'MIXED.case@acme.example'))?.id).toBe(user.id);
    expect((await store.signInCandidate(acme.id, ' mixed.case@acme.example '))?.passwordHash).toBe('$argon2id$fake');
  });

  it('finds a session by the hash of its token only on its own tenant, and keeps only that hash', async () => {
    const user = await newUser(acme.id, 'session@acme.example');
    const token = newSessionToken();
    await store.createSession(acme.id, user.id, hashSessionToken(token), [], USER_AUDIT);
    const found = await store.findSession('acme', [hashSessionToken(token)]);
    expect(found).toMatchObject({ tenant: { id: acme.id, slug: 'acme' }, user: { id: user.id } });
    expect(found!.user.last_sign_in_at).not.toBeNull();
    expect(await store.findSession('globex', [hashSessionToken(token)])).toBeNull();
    const stored = await owner.query(`SELECT * FROM gateway.sessions WHERE user_id = $1`, [user.id]);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0].token_hash).toBe(hashSessionToken(token));
  });

  it('ends a session after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const user = await newUser(acme.id, 'timeouts@acme.example');
    const idle = await newSession(acme.id, user.id);
    const old = await newSession(acme.id, user.id);
    const fresh = await newSession(acme.id, user.id);
    await owner.query(`UPDATE gateway.sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = $1`, [idle]);
    await owner.query(`UPDATE gateway.sessions SET created_at = now() - interval '12 hours 1 second' WHERE token_hash = $1`, [old]);
    await owner.query(`UPDATE gateway.sessions SET last_seen_at = now() - interval '29 minutes' WHERE token_hash = $1`, [fresh]);
    expect(await store.findSession('acme', [idle])).toBeNull();
    expect(await store.findSession('acme', [old])).toBeNull();
    expect(await store.findSession('acme', [fresh])).not.toBeNull();
    // Each use moves the idle clock.
    const [{ last_seen_at }] = await owner.query(`SELECT last_seen_at FROM gateway.sessions WHERE token_hash = $1`, [fresh]);
    expect(Date.now() - new Date(last_seen_at).getTime()).toBeLessThan(60_000);
  });

  it('disabling a user, changing its role or deleting it ends its sessions in the same change', async () => {
    await newUser(acme.id, 'keeper@acme.example');
    const user = await newUser(acme.id, 'ends@acme.example');
    const s1 = await newSession(acme.id, user.id);
    expect((await store.updateUser(acme.id, user.id, { is_active: false }, USER_AUDIT)).ok).toBe(true);
    expect(await store.findSession('acme', [s1])).toBeNull();
    await store.updateUser(acme.id, user.id, { is_active: true }, USER_AUDIT);
    const s2 = await newSession(acme.id, user.id);
    await store.updateUser(acme.id, user.id, { role: 'viewer' }, USER_AUDIT);
    expect(await store.findSession('acme', [s2])).toBeNull();
    const s3 = await newSession(acme.id, user.id);
    await store.updateUser(acme.id, user.id, { name: 'Renamed' }, USER_AUDIT);
    expect(await store.findSession('acme', [s3])).not.toBeNull();
    expect((await store.deleteUser(acme.id, user.id, USER_AUDIT)).ok).toBe(true);
    expect(await store.findSession('acme', [s3])).toBeNull();
  });

  it('a password change ends the other sessions and keeps the current one', async () => {
    const user = await newUser(acme.id, 'password@acme.example');
    const current = await newSession(acme.id, user.id);
    const other = await newSession(acme.id, user.id);
    await store.changePassword(acme.id, user.id, '$argon2id$new', current, USER_AUDIT);
    expect(await store.findSession('acme', [current])).not.toBeNull();
    expect(await store.findSession('acme', [other])).toBeNull();
    expect(await store.passwordHashOf(acme.id, user.id)).toBe('$argon2id$new');
  });

  it('refuses to disable, demote or delete the last active admin of a tenant', async () => {
    const tenant = await gateway.createTenant(`solo-${randomUUID().slice(0, 8)}`, 'Solo');
    const admin = await newUser(tenant.id, 'only@solo.example');
    const viewer = await newUser(tenant.id, 'viewer@solo.example', 'viewer');
    expect(await store.updateUser(tenant.id, admin.id, { is_active: false }, USER_AUDIT)).toEqual({ ok: false, error: 'last_admin' });
    expect(await store.updateUser(tenant.id, admin.id, { role: 'viewer' }, USER_AUDIT)).toEqual({ ok: false, error: 'last_admin' });
    expect(await store.deleteUser(tenant.id, admin.id, USER_AUDIT)).toEqual({ ok: false, error: 'last_admin' });
    expect((await store.updateUser(tenant.id, viewer.id, { is_active: false }, USER_AUDIT)).ok).toBe(true);
    // With a second active admin, the first may go.
    await store.updateUser(tenant.id, viewer.id, { is_active: true, role: 'admin' }, USER_AUDIT);
    expect((await store.updateUser(tenant.id, admin.id, { role: 'viewer' }, USER_AUDIT)).ok).toBe(true);
    expect(await store.getUser(tenant.id, admin.id)).toMatchObject({ role: 'viewer' });
  });

  it('counts sign-in failures per tenant and email (case-insensitive) within 15 minutes, with the seconds until the window passes', async () => {
    for (let i = 0; i < 10; i++) await store.recordSignInFailure(acme.id, i % 2 ? 'Throttled@acme.example' : 'throttled@acme.example', USER_AUDIT);
    const t = await store.signInThrottle(acme.id, 'THROTTLED@acme.example');
    expect(t.failures).toBe(10);
    expect(t.retryAfterSeconds).toBeGreaterThan(800);
    expect(t.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect((await store.signInThrottle(acme.id, 'other@acme.example')).failures).toBe(0);
    expect((await store.signInThrottle(globex.id, 'throttled@acme.example')).failures).toBe(0);
    // Failures older than the window no longer count; Retry-After follows the oldest of the last ten.
    await owner.query(`UPDATE gateway.sign_in_failures SET failed_at = now() - interval '16 minutes' WHERE email_key = 'throttled@acme.example' AND id IN (SELECT id FROM gateway.sign_in_failures WHERE email_key = 'throttled@acme.example' ORDER BY id LIMIT 3)`);
    expect((await store.signInThrottle(acme.id, 'throttled@acme.example')).failures).toBe(7);
  });

  it('writes one audit event per change, in the same transaction, with no secret; the CLI actor is {"type":"cli"}', async () => {
    const tenant = await gateway.createTenant(`audit-${randomUUID().slice(0, 8)}`, 'Audit');
    const key = await gateway.insertKey({ tenantSlug: tenant.slug, name: 'cli key', prefix: 'sk_live_AAAA', keyHash: 'h'.repeat(64), scopes: ['integrations.*'], expiresAt: null, rateLimitPerSecond: null, partnerId: null });
    await gateway.setKeyActive(tenant.slug, key.id, false);
    await gateway.setKeyActive(tenant.slug, key.id, false); // no change, no event
    await gateway.setKeyScopes(tenant.slug, key.id, ['integrations.orders.read']);
    await gateway.setIntegrationEnabled(tenant.slug, false);
    const apiKey = valueOf(await store.createKey(tenant.id, { name: 'api key', prefix: 'sk_live_BBBB', keyHash: 'k'.repeat(64), scopes: ['integrations.*'], expiresAt: null, rateLimitPerSecond: 5, partnerId: null }, USER_AUDIT));
    const rotated = await store.rotateKey(tenant.id, apiKey.id, { prefix: 'sk_live_CCCC', keyHash: 'r'.repeat(64), name: (n) => `${n} (rotated)` }, USER_AUDIT);
    expect(rotated).toMatchObject({ ok: true, value: { name: 'api key (rotated)', scopes: ['integrations.*'], rate_limit_per_second: 5 } });
    await store.updateKey(tenant.id, apiKey.id, { name: 'renamed', isActive: false }, USER_AUDIT);
    await store.deleteKey(tenant.id, apiKey.id, USER_AUDIT);
    await gateway.deleteKey(tenant.slug, key.id);
    const rows = await auditRows(tenant.id);
    expect(rows.map((r: { action: string }) => r.action)).toEqual([
      'tenant.created',
      'api_key.created',
      'api_key.revoked',
      'api_key.updated',
      'settings.updated',
      'api_key.created',
      'api_key.rotated',
      'api_key.updated',
      'api_key.deleted',
      'api_key.deleted',
    ]);
    expect(rows[2]).toMatchObject({ actor: { type: 'cli' }, target: { type: 'api_key', id: key.id, name: 'cli key' }, changes: { is_active: [true, false] } });
    expect(rows[4]).toMatchObject({ actor: { type: 'cli' }, changes: { integration_enabled: [true, false] } });
    expect(rows[6]).toMatchObject({ actor: USER_AUDIT.actor, target: { id: (rotated as { value: { id: string } }).value.id }, changes: { id: [apiKey.id, (rotated as { value: { id: string } }).value.id] }, request_id: 'req-1', client_ip: '127.0.0.1' });
    const text = JSON.stringify(rows);
    for (const secret of ['h'.repeat(64), 'k'.repeat(64), 'r'.repeat(64), 'key_hash', 'password']) expect(text).not.toContain(secret);
  });

  it('writes no change when its audit event cannot be written (one transaction)', async () => {
    const tenant = await gateway.createTenant(`atomic-${randomUUID().slice(0, 8)}`, 'Atomic');
    const key = valueOf(await store.createKey(tenant.id, { name: 'k', prefix: 'sk_live_DDDD', keyHash: 'd'.repeat(64), scopes: ['integrations.*'], expiresAt: null, rateLimitPerSecond: null, partnerId: null }, USER_AUDIT));
    // An audit context the table refuses (client_ip of an impossible type is not possible in TS; use a request id NUL byte).
    await expect(store.updateKey(tenant.id, key.id, { isActive: false }, { ...USER_AUDIT, requestId: 'bad\u0000id' })).rejects.toThrow();
    expect((await store.getKey(tenant.id, key.id))?.is_active).toBe(true);
  });

  it('keeps audit events append-only: UPDATE, DELETE and TRUNCATE are refused, also for the owner', async () => {
    await expect(app.query(`UPDATE gateway.audit_events SET action = 'x'`)).rejects.toThrow();
    await expect(app.query(`DELETE FROM gateway.audit_events`)).rejects.toThrow();
    await expect(owner.query(`UPDATE gateway.audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(owner.query(`DELETE FROM gateway.audit_events`)).rejects.toThrow(/append-only/);
    await expect(owner.query(`TRUNCATE gateway.audit_events`)).rejects.toThrow(/append-only/);
    expect(Number((await owner.query(`SELECT count(*) FROM gateway.audit_events`))[0].count)).toBeGreaterThan(0);
  });

  it('lists security events of its tenant only, newest first, with filters and cursors over their bigint ids', async () => {
    const tenant = await gateway.createTenant(`sec-${randomUUID().slice(0, 8)}`, 'Sec');
    const keyId = randomUUID();
    const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s));
    await gateway.insertSecurityEvents(
      Array.from({ length: 5 }, (_, i) => ({
        tenantId: i === 4 ? tenant.id : null,
        tenantSlug: tenant.slug,
        requestId: `req-${i}`,
        reason: i % 2 ? 'KEY_EXPIRED' : 'AUTHENTICATION_FAILED',
        keyId: i === 4 ? keyId : null,
        keyName: i === 4 ? 'the key' : null,
        method: 'GET',
        path: '/api/integrations/v1/orders/',
        clientIp: '198.51.100.7',
        occurredAt: at(i),
      })),
    );
    await gateway.insertSecurityEvents([{ tenantId: null, tenantSlug: 'globex', requestId: 'other-tenant', reason: 'AUTHENTICATION_FAILED', keyId: null, keyName: null, method: 'GET', path: '/', clientIp: null, occurredAt: at(3) }]);
    const seen: string[] = [];
    let after = null;
    do {
      const p: Awaited<ReturnType<AdminStore['listSecurityEvents']>> = await store.listSecurityEvents(tenant.id, {}, { limit: 2, after });
      seen.push(...p.data.map((e) => e.request_id));
      after = p.next;
    } while (after);
    expect(seen).toEqual(['req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
    const filtered = await store.listSecurityEvents(tenant.id, { reason: 'KEY_EXPIRED', createdAfter: at(2).toISOString(), createdBefore: at(4).toISOString() }, { limit: 50, after: null });
    expect(filtered.data.map((e) => e.request_id)).toEqual(['req-3']);
    const byKey = await store.listSecurityEvents(tenant.id, { apiKey: keyId }, { limit: 50, after: null });
    expect(byKey.data).toEqual([expect.objectContaining({ request_id: 'req-4', api_key: { id: keyId, name: 'the key' }, count: 1, first_at: null })]);
  });

  it('pages users and audit events newest first by (created_at, id), every row once', async () => {
    const tenant = await gateway.createTenant(`pages-${randomUUID().slice(0, 8)}`, 'Pages');
    for (let i = 0; i < 5; i++) await newUser(tenant.id, `u${i}@pages.example`);
    const seen: string[] = [];
    let after = null;
    do {
      const p: Awaited<ReturnType<AdminStore['listUsers']>> = await store.listUsers(tenant.id, { limit: 2, after });
      seen.push(...p.data.map((u) => u.email));
      after = p.next;
    } while (after);
    expect(seen).toEqual(['u4@pages.example', 'u3@pages.example', 'u2@pages.example', 'u1@pages.example', 'u0@pages.example']);
    const events = await store.listAuditEvents(tenant.id, { limit: 50, after: null });
    expect(events.data.map((e) => e.action)).toEqual(['user.created', 'user.created', 'user.created', 'user.created', 'user.created', 'tenant.created']);
    expect(events.next).toBeNull();
  });
});
