/**
 * Admin API sessions through the real gateway (admin.md §3): signing in and the cookie, identical
 * sign-in failures (status, body and time), throttling, the session requirement (an API key is no
 * substitute), sessions bound to their tenant's host, signing out and disabled users.
 */
import type { Client } from 'pg';
import type { ApiResponse } from '@datamingle/testing';
import { ADMIN, adminRequest, PASSWORD, setCookieOf, signIn } from './testing-support/admin-client';
import { connectDb, startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The body without what differs per request by design (its request ID). */
const comparable = (res: ApiResponse) => ({ status: res.status, body: { ...res.body, request_id: undefined }, setCookie: res.headers['set-cookie'] ?? null });

describe('admin API: sessions', () => {
  let started: PlatformWithKey;
  let db: Client;
  let ops: { id: string };

  beforeAll(async () => {
    started = await startWithKey('admin sessions');
    const { platform } = started;
    await platform.createTenant('globex');
    [ops] = await Promise.all([
      platform.createUser('acme', 'ops@acme.example', PASSWORD),
      platform.createUser('acme', 'second@acme.example', PASSWORD),
      platform.createUser('acme', 'disabled@acme.example', PASSWORD, { role: 'viewer' }),
      platform.createUser('acme', 'victim@acme.example', PASSWORD),
      platform.createUser('acme', 'bystander@acme.example', PASSWORD),
      platform.createUser('globex', 'ops@globex.example', PASSWORD),
    ]);
    await platform.admin('user', 'disable', '--tenant', 'acme', 'disabled@acme.example');
    db = await connectDb(platform);
  }, 120_000);

  afterAll(async () => {
    await stopAll(started?.platform, db);
  });

  it('#68 POST session/ with valid credentials answers 200 with the user and a csrf_token, and sets an HttpOnly, SameSite=Lax, host-only cookie', async () => {
    const res = await started.platform.request('POST', `${ADMIN}session/`, { body: { email: 'OPS@acme.example', password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        user: { id: ops.id, email: 'ops@acme.example', name: '', role: 'admin', is_active: true, created_at: expect.any(String), last_sign_in_at: expect.stringMatching(/Z$/) },
        csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      },
    });
    expect(res.headers['x-request-id']).toBeDefined();
    const cookie = setCookieOf(res);
    const [pair, ...attributes] = cookie.split(';').map((p) => p.trim());
    expect(pair).toMatch(/^datamingle_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax']));
    // Host-only (no Domain); not Secure on localhost (BASE_DOMAIN=localhost).
    expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    expect(attributes).not.toContain('Secure');
    // Only the token's SHA-256 is stored.
    const token = pair!.split('=')[1]!;
    const stored = await db.query(`SELECT token_hash FROM gateway.sessions`);
    expect(JSON.stringify(stored.rows)).not.toContain(token);
  });

  it('a new session id on every sign-in: two sign-ins give two tokens, both stored only as hashes; a sign-in replaces the session it was sent with', async () => {
    const a = await signIn(started.platform, 'second@acme.example');
    const b = await signIn(started.platform, 'second@acme.example');
    expect(a.token).not.toBe(b.token);
    expect(a.csrf).not.toBe(b.csrf);
    // Signing in again with the old cookie ends the old session.
    const again = await started.platform.request('POST', `${ADMIN}session/`, { body: { email: 'second@acme.example', password: PASSWORD }, headers: { cookie: a.cookie } });
    expect(again.status).toBe(200);
    expect(setCookieOf(again)).not.toContain(a.token);
    expect((await adminRequest(started.platform, a, 'GET', 'me/')).status).toBe(403);
    expect((await adminRequest(started.platform, b, 'GET', 'me/')).status).toBe(200);
  });

  it('#69 a wrong password, an unknown email and a disabled user get the same 401 AUTHENTICATION_FAILED "Invalid email or password"', async () => {
    const attempt = (email: string, password: string) => started.platform.request('POST', `${ADMIN}session/`, { body: { email, password } });
    const wrong = await attempt('ops@acme.example', 'not the password at all');
    const unknown = await attempt('nobody@acme.example', PASSWORD);
    const disabled = await attempt('disabled@acme.example', PASSWORD);
    expect(comparable(wrong)).toEqual({
      status: 401,
      body: { detail: 'Invalid email or password', success: false, error: { code: 'AUTHENTICATION_FAILED', message: 'Invalid email or password' } },
      setCookie: null,
    });
    expect(comparable(unknown)).toEqual(comparable(wrong));
    expect(comparable(disabled)).toEqual(comparable(wrong));
    expect(wrong.body.request_id).toBe(wrong.headers['x-request-id']);
    // Same headers apart from the request id and date.
    const headerNames = (r: ApiResponse) => Object.keys(r.headers).filter((h) => h !== 'date').sort();
    expect(headerNames(unknown)).toEqual(headerNames(wrong));
    expect(headerNames(disabled)).toEqual(headerNames(wrong));
    // Each failure is an audit event whose actor is the submitted email (and the user's id when known).
    const { rows } = await db.query(`SELECT actor FROM gateway.audit_events WHERE action = 'session.failed' ORDER BY occurred_at DESC LIMIT 3`);
    expect(rows.map((r) => r.actor)).toEqual([
      { type: 'user', id: expect.any(String), email: 'disabled@acme.example' },
      { type: 'user', id: null, email: 'nobody@acme.example' },
      { type: 'user', id: ops.id, email: 'ops@acme.example' },
    ]);
  });

  it('#69 unknown email and wrong password take the same time: medians of 100 tries each within 10 ms', async () => {
    const timed = async (email: string, password: string): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const res = await started.platform.request('POST', `${ADMIN}session/`, { body: { email, password } });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      expect(res.status).toBe(401);
      return ms;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 100; i++) {
      // Keep the throttle out of the measurement.
      await db.query(`DELETE FROM gateway.sign_in_failures`);
      // Interleaved, alternating which goes first, so that machine noise hits both alike.
      if (i % 2 === 0) {
        unknown.push(await timed(`nobody-${i}@acme.example`, PASSWORD));
        wrong.push(await timed('victim@acme.example', `wrong password ${i}`));
      } else {
        wrong.push(await timed('victim@acme.example', `wrong password ${i}`));
        unknown.push(await timed(`nobody-${i}@acme.example`, PASSWORD));
      }
    }
    const medians = { unknown: Math.round(median(unknown) * 10) / 10, wrong: Math.round(median(wrong) * 10) / 10 };
    // Both include one argon2id verification (≈17–55 ms here); without the dummy hash an unknown email would answer that much faster.
    expect({ medians, wrongIncludesAHash: medians.wrong > 5 }).toEqual({ medians, wrongIncludesAHash: true });
    expect({ medians, within10ms: Math.abs(median(unknown) - median(wrong)) < 10 }).toEqual({ medians, within10ms: true });
  }, 180_000);

  it('#70 after 10 failed sign-ins for one email within 15 minutes, the next gets 429 RATE_LIMITED with Retry-After even with the right password; another user still signs in', async () => {
    await db.query(`DELETE FROM gateway.sign_in_failures`);
    for (let i = 0; i < 10; i++) {
      const res = await started.platform.request('POST', `${ADMIN}session/`, { body: { email: 'victim@acme.example', password: `guess ${i}` } });
      expect(res.status).toBe(401);
    }
    const blocked = await started.platform.request('POST', `${ADMIN}session/`, { body: { email: 'Victim@acme.example', password: PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ success: false, error: { code: 'RATE_LIMITED', details: { retry_after: expect.any(Number) } } });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    // Other users of the tenant are unaffected.
    await expect(signIn(started.platform, 'bystander@acme.example')).resolves.toMatchObject({ csrf: expect.any(String) });
    // Once the window has passed (failures aged by 15 minutes), the right password works again.
    await db.query(`UPDATE gateway.sign_in_failures SET failed_at = failed_at - interval '15 minutes'`);
    await expect(signIn(started.platform, 'victim@acme.example')).resolves.toMatchObject({ csrf: expect.any(String) });
  });

  it('#71 any admin API request without a valid session, including one with a valid X-API-Key, gets 403 NOT_AUTHENTICATED', async () => {
    const expected = {
      detail: 'Authentication credentials were not provided.',
      success: false,
      error: { code: 'NOT_AUTHENTICATED', message: 'Authentication credentials were not provided.' },
      request_id: expect.any(String),
    };
    const requests: Array<[string, string, Record<string, string>]> = [
      ['GET', 'me/', {}],
      ['GET', 'api-keys/', { 'x-api-key': started.key }],
      ['POST', 'api-keys/', { 'x-api-key': started.key }],
      ['GET', 'users', { authorization: `Bearer ${started.key}` }],
      ['GET', 'settings/', { cookie: 'datamingle_session=not-a-session' }],
      ['GET', 'settings/', { cookie: `datamingle_session=${'A'.repeat(43)}` }],
      ['DELETE', 'session/', {}],
      ['GET', 'no-such-route/', {}],
    ];
    for (const [method, path, headers] of requests) {
      const res = await started.platform.request(method, ADMIN + path, { headers, ...(method === 'POST' ? { body: { name: 'x' } } : {}) });
      expect({ method, path, status: res.status, body: res.body }).toEqual({ method, path, status: 403, body: expected });
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    }
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM gateway.api_keys WHERE name = 'x'`);
    expect(rows[0].n).toBe(0);
  });

  it('#73 a session created on tenant A\'s host gets 403 NOT_AUTHENTICATED on tenant B\'s host', async () => {
    const acme = await signIn(started.platform, 'ops@acme.example');
    expect((await adminRequest(started.platform, acme, 'GET', 'me/')).status).toBe(200);
    const onGlobex = await adminRequest(started.platform, acme, 'GET', 'me/', { host: 'globex.localhost' });
    expect(onGlobex.status).toBe(403);
    expect(onGlobex.body.error.code).toBe('NOT_AUTHENTICATED');
    // And the other way round; a host naming no tenant knows no session either.
    const globex = await signIn(started.platform, 'ops@globex.example', PASSWORD, 'globex.localhost');
    expect((await adminRequest(started.platform, globex, 'GET', 'users/', { host: 'acme.localhost' })).status).toBe(403);
    expect((await adminRequest(started.platform, acme, 'GET', 'me/', { host: 'initech.localhost' })).status).toBe(403);
    // A user of B cannot sign in on A's host.
    const cross = await started.platform.request('POST', `${ADMIN}session/`, { host: 'acme.localhost', body: { email: 'ops@globex.example', password: PASSWORD } });
    expect(cross.status).toBe(401);
  });

  it('#74 after DELETE session/ the old cookie gets 403 NOT_AUTHENTICATED; disabling a user ends its sessions on the very next request', async () => {
    const s = await signIn(started.platform, 'ops@acme.example');
    const out = await adminRequest(started.platform, s, 'DELETE', 'session/');
    expect(out.status).toBe(204);
    expect(setCookieOf(out)).toMatch(/^datamingle_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    const after = await adminRequest(started.platform, s, 'GET', 'me/');
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('NOT_AUTHENTICATED');

    const admin = await signIn(started.platform, 'ops@acme.example');
    const victim = await signIn(started.platform, 'bystander@acme.example');
    expect((await adminRequest(started.platform, victim, 'GET', 'me/')).status).toBe(200);
    const bystanderId = (await adminRequest(started.platform, victim, 'GET', 'me/')).body.data.user.id;
    const disabled = await adminRequest(started.platform, admin, 'PATCH', `users/${bystanderId}/`, { body: { is_active: false } });
    expect(disabled.status).toBe(200);
    expect((await adminRequest(started.platform, victim, 'GET', 'me/')).status).toBe(403);
    // Through the CLI as well.
    await adminRequest(started.platform, admin, 'PATCH', `users/${bystanderId}/`, { body: { is_active: true } });
    const again = await signIn(started.platform, 'bystander@acme.example');
    await started.platform.admin('user', 'disable', '--tenant', 'acme', 'bystander@acme.example');
    expect((await adminRequest(started.platform, again, 'GET', 'me/')).status).toBe(403);
  });

  it('a session ends after 30 idle minutes and after 12 hours', async () => {
    const idle = await signIn(started.platform, 'second@acme.example');
    const old = await signIn(started.platform, 'second@acme.example');
    const hash = async (token: string) => (await db.query(`SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS h`, [token])).rows[0].h;
    await db.query(`UPDATE gateway.sessions SET last_seen_at = now() - interval '30 minutes 1 second' WHERE token_hash = $1`, [await hash(idle.token)]);
    await db.query(`UPDATE gateway.sessions SET created_at = now() - interval '12 hours 1 second' WHERE token_hash = $1`, [await hash(old.token)]);
    expect((await adminRequest(started.platform, idle, 'GET', 'me/')).status).toBe(403);
    expect((await adminRequest(started.platform, old, 'GET', 'me/')).status).toBe(403);
  });
});
