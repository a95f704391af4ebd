/**
 * The admin API's resources through the real gateway (admin.md §1, §2, §4, §5): API keys (taking
 * effect on the very next integration request), rotation, the integration switch, users and the
 * last admin, audit and security events, the CSRF and viewer matrices, the conventions shared with
 * the integration API, and no secret in any audit event, log line, table or error body.
 */
import type { Client } from 'pg';
import type { ApiResponse } from '@datamingle/testing';
import { ADMIN, adminRequest, PASSWORD, signIn, writeEndpoints, type AdminSession } from './testing-support/admin-client';
import { BASE } from './testing-support/e2e-api';
import { connectDb, startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

const VIEWER_PASSWORD = 'viewer password that is long';
const NEW_PASSWORD = 'another long password';

describe('admin API: resources, CSRF, roles and audit', () => {
  let started: PlatformWithKey;
  let db: Client;
  let admin: AdminSession;
  let viewer: AdminSession;
  let adminId: string;
  let viewerId: string;
  /** Every secret the tests see: none may appear in a log line, an audit event, a table or an error body. */
  const secrets = new Set<string>([PASSWORD, VIEWER_PASSWORD, NEW_PASSWORD]);
  const errorBodies: string[] = [];

  const req = async (session: AdminSession | null, method: string, path: string, options: Parameters<typeof adminRequest>[4] = {}): Promise<ApiResponse> => {
    const res = await adminRequest(started.platform, session, method, path, options);
    if (res.status >= 400) errorBodies.push(res.text);
    return res;
  };
  const integration = (key: string, path = 'orders/') => started.platform.request('GET', BASE + path, { key });
  const auditCount = async () => (await db.query(`SELECT count(*)::int AS n FROM gateway.audit_events WHERE tenant_id = $1`, [started.tenantId])).rows[0].n as number;
  /** What a refused write must leave unchanged. */
  const state = async () => ({
    keys: (await db.query(`SELECT id, name, scopes, partner_id, is_active, expires_at FROM gateway.api_keys ORDER BY id`)).rows,
    partners: (await db.query(`SELECT id, name, template, default_identifier_field, updated_at FROM gateway.partners ORDER BY id`)).rows,
    users: (await db.query(`SELECT id, email, name, role, is_active, password_hash FROM gateway.users ORDER BY id`)).rows,
    tenants: (await db.query(`SELECT id, integration_enabled FROM gateway.tenants ORDER BY id`)).rows,
    sessions: (await db.query(`SELECT token_hash FROM gateway.sessions ORDER BY token_hash`)).rows,
    mappings: (await db.query(`SELECT id, name, is_active, revision, field_map::text FROM gateway.mappings ORDER BY id`)).rows,
    audit: await auditCount(),
  });

  beforeAll(async () => {
    started = await startWithKey('integration key', { platform: { captureLogs: true, env: { LOG_LEVEL: 'debug' } } });
    secrets.add(started.key);
    const { platform } = started;
    await platform.createTenant('globex');
    const [a, v] = await Promise.all([
      platform.createUser('acme', 'ops@acme.example', PASSWORD, { name: 'Ops' }),
      platform.createUser('acme', 'viewer@acme.example', VIEWER_PASSWORD, { role: 'viewer' }),
      platform.createUser('acme', 'spare-admin@acme.example', PASSWORD),
    ]);
    adminId = a.id;
    viewerId = v.id;
    admin = await signIn(platform, 'ops@acme.example');
    viewer = await signIn(platform, 'viewer@acme.example', VIEWER_PASSWORD);
    for (const s of [admin, viewer]) {
      secrets.add(s.token);
      secrets.add(s.csrf);
    }
    db = await connectDb(platform);
  }, 120_000);

  afterAll(async () => {
    await stopAll(started?.platform, db);
  });

  it('#75 POST api-keys/ answers 201 with key once and Cache-Control: no-store; no other response contains it; it works on the next integration request', async () => {
    const created = await req(admin, 'POST', 'api-keys/', { body: { name: 'ERP sync', scopes: ['integrations.orders.*', 'integrations.inventorys.read'] } });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = created.body.data.key as string;
    secrets.add(key);
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{40}$/);
    expect(Object.keys(created.body.data)).toEqual(['id', 'name', 'key', 'prefix', 'scopes', 'partner', 'expires_at', 'is_active', 'rate_limit_per_second', 'created_at', 'last_used_at']);
    expect(created.body.data).toMatchObject({ name: 'ERP sync', prefix: key.slice(0, 12), scopes: ['integrations.orders.*', 'integrations.inventory.read'], partner: null, is_active: true });
    const works = await integration(key);
    expect(works.status).toBe(200);
    expect(works.body).toEqual({ success: true, data: [], pagination: { limit: 50, next_cursor: null } });
    const id = created.body.data.id;
    for (const path of [`api-keys/${id}/`, 'api-keys/', `api-keys/?is_active=true`, 'audit-events/']) {
      const res = await req(admin, 'GET', path);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(key);
    }
    const { key: _shownOnce, last_used_at: _lagging, ...metadata } = created.body.data;
    // last_used_at may lag by up to 60 s (auth-and-keys.md §4.1).
    const fetched = (await req(admin, 'GET', `api-keys/${id}`)).body.data;
    expect(fetched).toEqual({ ...metadata, last_used_at: fetched.last_used_at });
    expect(fetched.last_used_at === null || typeof fetched.last_used_at === 'string').toBe(true);
  });

  it('#76 PATCH api-keys/{id}/ {"is_active": false}, or DELETE api-keys/{id}/ (204), makes the very next integration request with that key get 401 AUTHENTICATION_FAILED', async () => {
    const one = (await req(admin, 'POST', 'api-keys/', { body: { name: 'to revoke' } })).body.data;
    const two = (await req(admin, 'POST', 'api-keys/', { body: { name: 'to delete' } })).body.data;
    secrets.add(one.key);
    secrets.add(two.key);
    expect((await integration(one.key)).status).toBe(200);
    expect((await integration(two.key)).status).toBe(200);
    const revoked = await req(admin, 'PATCH', `api-keys/${one.id}/`, { body: { is_active: false } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.is_active).toBe(false);
    expect(revoked.text).not.toContain(one.key);
    const r1 = await integration(one.key);
    expect([r1.status, r1.body.error.code]).toEqual([401, 'AUTHENTICATION_FAILED']);
    const deleted = await req(admin, 'DELETE', `api-keys/${two.id}/`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const r2 = await integration(two.key);
    expect([r2.status, r2.body.error.code]).toEqual([401, 'AUTHENTICATION_FAILED']);
    expect((await req(admin, 'GET', `api-keys/${two.id}/`)).status).toBe(404);
    // And back on.
    await req(admin, 'PATCH', `api-keys/${one.id}/`, { body: { is_active: true } });
    expect((await integration(one.key)).status).toBe(200);
    // Scope changes too take effect at once.
    await req(admin, 'PATCH', `api-keys/${one.id}/`, { body: { scopes: ['integrations.products.read'] } });
    expect((await integration(one.key)).status).toBe(403);
    expect((await integration(one.key, 'products/')).status).toBe(200);
  });

  it('#77 POST api-keys/{id}/rotate/ answers 201 with a new key with the same scopes and partner; both work until the old one is revoked', async () => {
    const old = (await req(admin, 'POST', 'api-keys/', { body: { name: 'rotating', scopes: ['integrations.orders.read'], rate_limit_per_second: 25, expires_at: '2099-01-01T00:00:00Z' } })).body.data;
    secrets.add(old.key);
    const before = await auditCount();
    const rotated = await req(admin, 'POST', `api-keys/${old.id}/rotate/`);
    expect(rotated.status).toBe(201);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const fresh = rotated.body.data;
    secrets.add(fresh.key);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.key).not.toBe(old.key);
    expect(fresh).toMatchObject({ name: `rotating (rotated ${new Date().toISOString().slice(0, 10)})`, scopes: ['integrations.orders.read'], partner: null, rate_limit_per_second: 25, expires_at: '2099-01-01T00:00:00.000Z', is_active: true });
    expect((await integration(old.key)).status).toBe(200);
    expect((await integration(fresh.key)).status).toBe(200);
    // One request, one event: api_key.rotated, target the new key, changes naming the old.
    expect(await auditCount()).toBe(before + 1);
    const [event] = (await req(admin, 'GET', 'audit-events/?limit=1')).body.data;
    expect(event).toMatchObject({ action: 'api_key.rotated', target: { type: 'api_key', id: fresh.id }, changes: { id: [old.id, fresh.id] } });
    await req(admin, 'PATCH', `api-keys/${old.id}/`, { body: { is_active: false } });
    expect((await integration(old.key)).status).toBe(401);
    expect((await integration(fresh.key)).status).toBe(200);
    // A partner key's rotation keeps the partner.
    const partner = (await req(admin, 'POST', 'partners/', { body: { name: 'rotation partner', template: 'netsuite' } })).body.data;
    const partnerKey = (await req(admin, 'POST', 'api-keys/', { body: { name: 'partner rotating', partner: partner.id } })).body.data;
    secrets.add(partnerKey.key);
    const partnerRotated = (await req(admin, 'POST', `api-keys/${partnerKey.id}/rotate/`)).body.data;
    secrets.add(partnerRotated.key);
    expect([partnerKey.partner, partnerRotated.partner]).toEqual([partner.id, partner.id]);
    expect((await integration(partnerKey.key)).status).toBe(200);
    expect((await integration(partnerRotated.key)).status).toBe(200);
  });

  it('#79 PATCH settings/ {"integration_enabled": false} makes the next integration request get 403 INTEGRATION_DISABLED', async () => {
    expect((await req(viewer, 'GET', 'settings/')).body.data).toMatchObject({ integration_enabled: true, tenant: { slug: 'acme' } });
    const off = await req(admin, 'PATCH', 'settings/', { body: { integration_enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body.data.integration_enabled).toBe(false);
    const refused = await integration(started.key);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'INTEGRATION_DISABLED']);
    expect((await req(admin, 'PATCH', 'settings/', { body: { integration_enabled: 'no' } })).status).toBe(400);
    await req(admin, 'PATCH', 'settings/', { body: { integration_enabled: true } });
    expect((await integration(started.key)).status).toBe(200);
  });

  it('#81 disabling, demoting or deleting the last active admin of a tenant gets 400 VALIDATION_ERROR', async () => {
    const spare = (await req(admin, 'GET', 'users/?limit=200')).body.data.find((u: { email: string }) => u.email === 'spare-admin@acme.example');
    // With two admins, one can be demoted...
    expect((await req(admin, 'PATCH', `users/${spare.id}/`, { body: { role: 'viewer' } })).status).toBe(200);
    // ...then the last one cannot go, however it is asked.
    const before = await state();
    for (const [method, body] of [
      ['PATCH', { is_active: false }],
      ['PATCH', { role: 'viewer' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await req(admin, method, `users/${adminId}/`, body === undefined ? {} : { body });
      expect({ method, body, status: res.status, code: res.body.error.code }).toEqual({ method, body, status: 400, code: 'VALIDATION_ERROR' });
      expect(res.body.error.details).toEqual({ non_field_errors: ['A tenant must keep at least one active admin.'] });
    }
    expect(await state()).toEqual(before);
    await req(admin, 'PATCH', `users/${spare.id}/`, { body: { role: 'admin' } });
  });

  it('#72 every admin write without X-CSRF-Token, with a wrong one, or with a foreign Origin gets 403 PERMISSION_DENIED and changes nothing', async () => {
    const victim = (await req(admin, 'POST', 'users/', { body: { email: 'csrf-victim@acme.example', role: 'viewer', password: PASSWORD } })).body.data;
    const key = (await req(admin, 'POST', 'api-keys/', { body: { name: 'csrf target' } })).body.data;
    secrets.add(key.key);
    const partner = (await req(admin, 'POST', 'partners/', { body: { name: 'csrf partner', template: 'acumatica' } })).body.data;
    const port = started.platform.gatewayPort;
    const variants: Array<{ name: string; csrf: string | null; headers?: Record<string, string> }> = [
      { name: 'no token', csrf: null },
      { name: 'wrong token', csrf: 'A'.repeat(43) },
      { name: 'the token of another session', csrf: viewer.csrf },
      { name: 'foreign Origin', csrf: admin.csrf, headers: { origin: `http://evil.localhost:${port}` } },
      { name: 'another tenant\'s Origin', csrf: admin.csrf, headers: { origin: `http://globex.localhost:${port}` } },
      { name: 'Origin null', csrf: admin.csrf, headers: { origin: 'null' } },
      { name: 'cross-site fetch', csrf: admin.csrf, headers: { 'sec-fetch-site': 'cross-site' } },
    ];
    const mapping = (await req(admin, 'GET', `partners/${partner.id}/mappings/?resource=orders`)).body.data[0];
    for (const endpoint of writeEndpoints({ keyId: key.id, userId: victim.id, partnerId: partner.id, mappingId: mapping.id })) {
      for (const variant of variants) {
        const before = await state();
        const res = await req(admin, endpoint.method, endpoint.path, { csrf: variant.csrf, headers: variant.headers ?? {}, ...(endpoint.body ? { body: endpoint.body } : {}) });
        expect({ endpoint: `${endpoint.method} ${endpoint.path}`, variant: variant.name, status: res.status, body: res.body }).toEqual({
          endpoint: `${endpoint.method} ${endpoint.path}`,
          variant: variant.name,
          status: 403,
          body: {
            detail: 'You do not have permission to perform this action.',
            success: false,
            error: { code: 'PERMISSION_DENIED', message: 'You do not have permission to perform this action.' },
            request_id: res.headers['x-request-id'],
          },
        });
        expect(await state()).toEqual(before);
      }
    }
    // The same write with the token and the host's own origin goes through.
    const good = await req(admin, 'PATCH', `api-keys/${key.id}/`, { host: `acme.localhost:${port}`, body: { name: 'renamed' }, headers: { origin: `http://acme.localhost:${port}`, 'sec-fetch-site': 'same-origin' } });
    expect(good.status).toBe(200);
    // A sign-in posted from another origin is refused too.
    const login = await started.platform.request('POST', `${ADMIN}session/`, { body: { email: 'ops@acme.example', password: PASSWORD }, headers: { origin: `http://evil.localhost:${port}` } });
    expect(login.status).toBe(403);
  });

  it('#78 a viewer can GET every admin resource and gets 403 PERMISSION_DENIED for every write other than me/password/, with nothing changed', async () => {
    const key = (await req(admin, 'POST', 'api-keys/', { body: { name: 'viewer target' } })).body.data;
    secrets.add(key.key);
    const partner = (await req(admin, 'POST', 'partners/', { body: { name: 'viewer partner' } })).body.data;
    const mapping = (await req(admin, 'POST', `partners/${partner.id}/mappings/`, { body: { resource: 'orders', field_map: { po: 'order_number' } } })).body.data;
    for (const path of ['me/', 'api-keys/', `api-keys/${key.id}/`, `api-keys/?partner=${partner.id}`, 'partners/', `partners/${partner.id}/`, `partners/${partner.id}/mappings/`, `mappings/${mapping.id}/`, 'templates/', 'templates/acumatica/', 'settings/', 'users/', `users/${adminId}/`, 'security-events/', 'audit-events/']) {
      const res = await req(viewer, 'GET', path);
      expect({ path, status: res.status, success: res.body.success }).toEqual({ path, status: 200, success: true });
      expect(res.text).not.toContain(key.key);
    }
    // The viewer's own password, signing out and the preview (it changes nothing) are not refused.
    for (const endpoint of writeEndpoints({ keyId: key.id, userId: adminId, partnerId: partner.id, mappingId: mapping.id }).filter((e) => !['me/password/', 'session/', 'mappings/preview/'].includes(e.path))) {
      const before = await state();
      const res = await req(viewer, endpoint.method, endpoint.path, endpoint.body ? { body: endpoint.body } : {});
      expect({ endpoint: `${endpoint.method} ${endpoint.path}`, status: res.status, code: res.body.error?.code }).toEqual({
        endpoint: `${endpoint.method} ${endpoint.path}`,
        status: 403,
        code: 'PERMISSION_DENIED',
      });
      expect(await state()).toEqual(before);
    }
    // A viewer changes its own password; its other sessions end, this one stays.
    const other = await signIn(started.platform, 'viewer@acme.example', VIEWER_PASSWORD);
    secrets.add(other.token);
    secrets.add(other.csrf);
    const wrong = await req(viewer, 'POST', 'me/password/', { body: { current_password: 'not it at all', new_password: NEW_PASSWORD } });
    expect([wrong.status, wrong.body.error.code, Object.keys(wrong.body.error.details)]).toEqual([400, 'VALIDATION_ERROR', ['current_password']]);
    const short = await req(viewer, 'POST', 'me/password/', { body: { current_password: VIEWER_PASSWORD, new_password: 'too short' } });
    expect(short.status).toBe(400);
    const changed = await req(viewer, 'POST', 'me/password/', { body: { current_password: VIEWER_PASSWORD, new_password: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    expect((await req(viewer, 'GET', 'me/')).status).toBe(200);
    expect((await req(other, 'GET', 'me/')).status).toBe(403);
    await expect(signIn(started.platform, 'viewer@acme.example', VIEWER_PASSWORD)).rejects.toThrow(/401/);
    viewer = { ...viewer };
    const again = await signIn(started.platform, 'viewer@acme.example', NEW_PASSWORD);
    secrets.add(again.token);
    secrets.add(again.csrf);
  });

  it('users: create (201, role default viewer, duplicate email 409), get, rename, role change ends sessions, delete (204); validation errors are 400', async () => {
    const created = await req(admin, 'POST', 'users/', { body: { email: 'New.User@acme.example', name: 'New', password: PASSWORD } });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({ id: expect.any(String), email: 'New.User@acme.example', name: 'New', role: 'viewer', is_active: true, created_at: expect.any(String), last_sign_in_at: null });
    expect(created.text).not.toContain(PASSWORD);
    const dup = await req(admin, 'POST', 'users/', { body: { email: 'new.user@ACME.example', password: PASSWORD } });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'DUPLICATE']);
    const bad = await req(admin, 'POST', 'users/', { body: { email: 'not-an-email', role: 'owner', password: 'short' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details)).toEqual(['email', 'role', 'password']);
    const id = created.body.data.id;
    const session = await signIn(started.platform, 'new.user@acme.example');
    secrets.add(session.token);
    secrets.add(session.csrf);
    expect((await req(admin, 'PATCH', `users/${id}`, { body: { name: 'Renamed' } })).body.data.name).toBe('Renamed');
    expect((await req(session, 'GET', 'me/')).status).toBe(200);
    expect((await req(admin, 'PATCH', `users/${id}/`, { body: { role: 'admin' } })).body.data.role).toBe('admin');
    expect((await req(session, 'GET', 'me/')).status).toBe(403);
    expect((await req(admin, 'DELETE', `users/${id}/`)).status).toBe(204);
    expect((await req(admin, 'GET', `users/${id}/`)).status).toBe(404);
  });

  it('#80 every change through the admin API or the CLI writes exactly one audit event with actor, action, target and changes, and none contains a key, password, session id or CSRF token', async () => {
    const changes: Array<[string, () => Promise<unknown>]> = [
      ['api_key.created', async () => secrets.add((await req(admin, 'POST', 'api-keys/', { body: { name: 'audited' } })).body.data.key)],
      ['user.created', () => req(admin, 'POST', 'users/', { body: { email: 'audited@acme.example', password: PASSWORD } })],
      ['settings.updated', () => req(admin, 'PATCH', 'settings/', { body: { integration_enabled: false } })],
      ['settings.updated', () => started.platform.admin('tenant', 'enable', 'acme')],
      ['user.disabled', () => started.platform.admin('user', 'disable', '--tenant', 'acme', 'audited@acme.example')],
      ['session.created', async () => secrets.add((await signIn(started.platform, 'ops@acme.example')).token)],
      ['session.failed', () => started.platform.request('POST', `${ADMIN}session/`, { body: { email: 'ops@acme.example', password: 'wrong password!' } })],
    ];
    for (const [action, change] of changes) {
      const before = await auditCount();
      await change();
      expect({ action, events: (await auditCount()) - before }).toEqual({ action, events: 1 });
      const [event] = (await req(admin, 'GET', 'audit-events/?limit=1')).body.data;
      expect(event).toMatchObject({ id: expect.any(String), occurred_at: expect.stringMatching(/Z$/), action, actor: expect.any(Object), target: expect.any(Object), changes: expect.any(Object) });
      expect(Object.keys(event).sort()).toEqual(['action', 'actor', 'changes', 'client_ip', 'id', 'occurred_at', 'request_id', 'target']);
    }
    const list = (await req(admin, 'GET', 'audit-events/?limit=200')).body.data;
    const apiEvent = list.find((e: { action: string }) => e.action === 'user.created');
    expect(apiEvent).toMatchObject({ actor: { type: 'user', id: adminId, email: 'ops@acme.example' }, target: { type: 'user', name: 'audited@acme.example' }, request_id: expect.any(String), client_ip: expect.any(String) });
    expect(list.find((e: { action: string }) => e.action === 'user.disabled')).toMatchObject({ actor: { type: 'cli' }, changes: { is_active: [true, false] } });
    // Newest first, every event exactly once across pages.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await req(admin, 'GET', `audit-events/?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.pagination.next_cursor;
    } while (cursor);
    expect(seen.length).toBe(await auditCount());
    expect(new Set(seen).size).toBe(seen.length);
    // No secret in the audit table.
    const text = JSON.stringify((await db.query(`SELECT * FROM gateway.audit_events`)).rows);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('#84 security-events/ lists an AUTHENTICATION_FAILED for a request with an unknown key on this tenant\'s host, and never contains the submitted key value', async () => {
    const bogus = `sk_live_${'Z'.repeat(40)}`;
    secrets.add(bogus);
    const since = new Date(Date.now() - 1000).toISOString();
    const refused = await started.platform.request('GET', `${BASE}orders/`, { key: bogus, headers: { 'x-request-id': 'security-event-84' } });
    expect(refused.status).toBe(401);
    let found: { request_id: string } | undefined;
    for (let i = 0; i < 50 && !found; i++) {
      const page = await req(viewer, 'GET', `security-events/?reason=AUTHENTICATION_FAILED&created_after=${encodeURIComponent(since)}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(bogus);
      found = page.body.data.find((e: { request_id: string }) => e.request_id === 'security-event-84');
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toMatchObject({ reason: 'AUTHENTICATION_FAILED', api_key: null, method: 'GET', path: `${BASE}orders/`, count: 1, occurred_at: expect.stringMatching(/Z$/) });
    // Filters narrow; a bad filter value is a 400.
    expect((await req(viewer, 'GET', `security-events/?reason=KEY_EXPIRED&created_after=${encodeURIComponent(since)}`)).body.data).toEqual([]);
    expect((await req(viewer, 'GET', `security-events/?created_before=${encodeURIComponent(since)}`)).body.data.find((e: { request_id: string }) => e.request_id === 'security-event-84')).toBeUndefined();
    expect((await req(viewer, 'GET', 'security-events/?reason=BOGUS')).status).toBe(400);
    expect((await req(viewer, 'GET', 'security-events/?api_key=nope')).status).toBe(400);
    expect((await req(viewer, 'GET', 'security-events/?created_after=yesterday')).status).toBe(400);
    // Not visible on another tenant's host.
    const globexAdmin = await started.platform.createUser('globex', 'ops@globex.example', PASSWORD);
    expect(globexAdmin.role).toBe('admin');
    const globex = await signIn(started.platform, 'ops@globex.example', PASSWORD, 'globex.localhost');
    secrets.add(globex.token);
    secrets.add(globex.csrf);
    expect((await req(globex, 'GET', 'security-events/')).text).not.toContain('security-event-84');
  });

  it('shares the integration API conventions: X-Request-ID, trailing slash optional, 404, 405 with Allow, JSON only, cursor pagination, openapi.json without a session', async () => {
    const withSlash = await req(admin, 'GET', 'users/?limit=2', { headers: { 'x-request-id': 'client-id-1' } });
    const withoutSlash = await req(admin, 'GET', 'users?limit=2');
    expect(withSlash.status).toBe(200);
    expect(withSlash.headers['x-request-id']).toBe('client-id-1');
    expect(withoutSlash.body).toEqual(withSlash.body);
    expect(withSlash.body.pagination).toEqual({ limit: 2, next_cursor: expect.any(String) });
    const next = await req(admin, 'GET', `users/?limit=2&cursor=${withSlash.body.pagination.next_cursor}`);
    expect(next.body.data[0].id).not.toBe(withSlash.body.data[0].id);
    const badCursor = await req(admin, 'GET', 'users/?cursor=not-a-cursor');
    expect([badCursor.status, badCursor.body.error.message]).toEqual([400, "Invalid cursor: 'not-a-cursor'"]);
    const notFound = await req(admin, 'GET', 'nothing-here/');
    expect([notFound.status, notFound.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await req(admin, 'GET', 'api-keys/00000000-0000-4000-8000-000000000000/')).status).toBe(404);
    const put = await req(admin, 'PUT', 'api-keys/', { body: {} });
    expect([put.status, put.body.error.code, put.headers['allow']]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET, HEAD, OPTIONS, POST']);
    const text = await req(admin, 'POST', 'api-keys/', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([text.status, text.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const malformed = await req(admin, 'POST', 'api-keys/', { rawBody: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const tooBig = await req(admin, 'POST', 'api-keys/', { rawBody: JSON.stringify({ name: 'x'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } });
    expect([tooBig.status, tooBig.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const invalid = await req(admin, 'POST', 'api-keys/', { body: { name: '', scopes: ['integrations.inventory.delete'], expires_at: '2001-01-01T00:00:00Z', rate_limit_per_second: 0 } });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.details)).toEqual(['name', 'scopes[0]', 'expires_at', 'rate_limit_per_second']);
    const doc = await started.platform.request('GET', `${ADMIN}openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Datamingle admin API' } });
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/admin/v1/session/', '/api/admin/v1/api-keys/{id}/rotate/', '/api/admin/v1/audit-events/']));
  });

  it('no secret (key, password, session token, CSRF token) in any log line, error body, or gateway table', async () => {
    expect(secrets.size).toBeGreaterThan(15);
    const logs = ['gateway', 'orders', 'catalog', 'inventory'].flatMap((s) => started.platform.logs(s as 'gateway'));
    expect(logs.length).toBeGreaterThan(0);
    const tables = ['users', 'sessions', 'audit_events', 'security_events', 'api_keys', 'partners', 'sign_in_failures', 'tenants'];
    const rows = await Promise.all(tables.map(async (t) => JSON.stringify((await db.query(`SELECT * FROM gateway.${t}`)).rows)));
    for (const secret of secrets) {
      expect({ secret: secret.slice(0, 12), inLogs: logs.some((l) => l.includes(secret)) }).toEqual({ secret: secret.slice(0, 12), inLogs: false });
      expect({ secret: secret.slice(0, 12), inErrors: errorBodies.some((b) => b.includes(secret)) }).toEqual({ secret: secret.slice(0, 12), inErrors: false });
      expect({ secret: secret.slice(0, 12), inTables: rows.some((r) => r.includes(secret)) }).toEqual({ secret: secret.slice(0, 12), inTables: false });
    }
  });
});
