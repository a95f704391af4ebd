import { handleAdminRequest, type AdminApiDeps } from './api';
import type { AdminStorePort, SessionRecord } from './ports';
import { csrfTokenFor, hashSessionToken, newSessionToken } from './session';
import type { UserView } from './users';
import type { RawRequest } from '../types';

const SECRET = 'csrf-secret';
const tenant = { id: 't-acme', slug: 'acme', name: 'Acme', integration_enabled: true };
const user = (role: 'admin' | 'viewer'): UserView => ({ id: `u-${role}`, email: `${role}@acme.example`, name: '', role, is_active: true, created_at: '2026-01-01T00:00:00.000Z', last_sign_in_at: null });

function setup() {
  const sessions = new Map<string, SessionRecord>();
  const calls: string[] = [];
  const verify = jest.fn(async (hash: string, password: string) => hash === 'hash-of-right' && password === 'right password!');
  const store: Partial<AdminStorePort> = {
    findSession: async (slug, hashes) => {
      for (const h of hashes) {
        const s = sessions.get(h);
        if (s && s.tenant.slug === slug) return s;
      }
      return null;
    },
    tenantBySlug: async (slug) => (slug === 'acme' ? tenant : null),
    signInThrottle: async (_t, email) => ({ failures: email.startsWith('throttled') ? 10 : 0, retryAfterSeconds: 600 }),
    signInCandidate: async (_t, email) => (email === 'admin@acme.example' ? { user: user('admin'), passwordHash: 'hash-of-right' } : null),
    recordSignInFailure: async () => void calls.push('failure'),
    createSession: async () => {
      calls.push('session');
      return user('admin');
    },
    listUsers: async () => {
      calls.push('listUsers');
      return { data: [], next: null };
    },
    createKey: async () => {
      calls.push('createKey');
      throw new Error('not in these tests');
    },
  };
  const deps: AdminApiDeps = {
    baseDomain: 'localhost',
    now: () => new Date('2026-05-01T12:00:00Z'),
    newRequestId: () => 'generated-id',
    store: store as AdminStorePort,
    passwords: { hash: async () => 'h', verify, dummyHash: async () => 'dummy-hash' },
    csrfSecret: () => SECRET,
    newApiKey: () => ({ key: 'sk_live_x', prefix: 'sk_live_x', hash: 'h' }),
    openApiDocument: () => '{"openapi":"3.1.0"}',
  };
  const signedIn = (role: 'admin' | 'viewer') => {
    const token = newSessionToken();
    sessions.set(hashSessionToken(token), { tokenHash: hashSessionToken(token), tenant, user: user(role) });
    return { cookie: `datamingle_session=${token}`, csrf: csrfTokenFor(SECRET, token) };
  };
  return { deps, signedIn, calls, verify };
}

const request = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown, extra: Partial<RawRequest> = {}): RawRequest => ({
  method,
  rawUrl: `/api/admin/v1/${path}`,
  headers: { host: 'acme.localhost:8080', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  body: body === undefined ? null : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  remoteAddress: '127.0.0.1',
  ...extra,
});

const parsed = (r: { body: string | null }) => (r.body === null ? null : JSON.parse(r.body));

describe('handleAdminRequest: the check order', () => {
  it('413 for a declared body over 1 MiB comes first; openapi.json needs no session', async () => {
    const { deps } = setup();
    expect((await handleAdminRequest(request('POST', 'users/', {}, undefined, { bodyTooLarge: true }), deps)).status).toBe(413);
    const doc = await handleAdminRequest(request('GET', 'openapi.json'), deps);
    expect([doc.status, doc.body]).toEqual([200, '{"openapi":"3.1.0"}']);
  });

  it('without a session everything is 403 NOT_AUTHENTICATED — unknown routes and X-API-Key too', async () => {
    const { deps, calls } = setup();
    for (const [method, path, headers] of [
      ['GET', 'users/', {}],
      ['GET', 'no-such-thing/', {}],
      ['PUT', 'users/', { 'x-api-key': `sk_live_${'A'.repeat(40)}` }],
      ['POST', 'api-keys/', { 'x-api-key': `sk_live_${'A'.repeat(40)}` }],
    ] as const) {
      const res = await handleAdminRequest(request(method, path, headers), deps);
      expect({ path, status: res.status, body: parsed(res) }).toEqual({
        path,
        status: 403,
        body: { detail: 'Authentication credentials were not provided.', success: false, error: { code: 'NOT_AUTHENTICATED', message: 'Authentication credentials were not provided.' }, request_id: 'generated-id' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('a session on another host is none', async () => {
    const { deps, signedIn } = setup();
    const s = signedIn('admin');
    expect((await handleAdminRequest(request('GET', 'users/', { cookie: s.cookie, host: 'globex.localhost:8080' }), deps)).status).toBe(403);
    expect((await handleAdminRequest(request('GET', 'users/', { cookie: s.cookie }), deps)).status).toBe(200);
  });

  it('then route (404) and method (405 with Allow; OPTIONS 204)', async () => {
    const { deps, signedIn } = setup();
    const s = signedIn('viewer');
    expect((await handleAdminRequest(request('GET', 'nope/', { cookie: s.cookie }), deps)).status).toBe(404);
    const put = await handleAdminRequest(request('PUT', 'users/', { cookie: s.cookie }, {}), deps);
    expect([put.status, put.headers['Allow']]).toEqual([405, 'GET, HEAD, OPTIONS, POST']);
    const options = await handleAdminRequest(request('OPTIONS', 'users/', { cookie: s.cookie }), deps);
    expect([options.status, options.headers['Allow'], options.body]).toEqual([204, 'GET, HEAD, OPTIONS, POST', null]);
  });

  it('then CSRF before role: a viewer without the token gets the CSRF refusal; with it, the role refusal; both before validation', async () => {
    const { deps, signedIn, calls } = setup();
    const v = signedIn('viewer');
    const noToken = parsed(await handleAdminRequest(request('POST', 'users/', { cookie: v.cookie }, { email: 5 }), deps));
    expect(noToken.error).toEqual({ code: 'PERMISSION_DENIED', message: 'You do not have permission to perform this action.' });
    const withToken = parsed(await handleAdminRequest(request('POST', 'users/', { cookie: v.cookie, 'x-csrf-token': v.csrf }, { email: 5 }), deps));
    expect(withToken.error).toEqual({ code: 'PERMISSION_DENIED', message: 'You do not have permission to perform this action.', details: { required_role: 'admin' } });
    const a = signedIn('admin');
    const foreign = await handleAdminRequest(request('POST', 'users/', { cookie: a.cookie, 'x-csrf-token': a.csrf, origin: 'http://evil.localhost:8080' }, { email: 5 }), deps);
    expect(parsed(foreign).error.code).toBe('PERMISSION_DENIED');
    const invalid = await handleAdminRequest(request('POST', 'users/', { cookie: a.cookie, 'x-csrf-token': a.csrf, origin: 'http://acme.localhost:8080' }, { email: 5 }), deps);
    expect([invalid.status, parsed(invalid).error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const media = await handleAdminRequest(request('POST', 'users/', { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'text/plain' }, 'x'), deps);
    expect(media.status).toBe(415);
    expect(calls).toEqual([]);
  });

  it('a GET needs no CSRF token', async () => {
    const { deps, signedIn } = setup();
    const v = signedIn('viewer');
    const res = await handleAdminRequest(request('GET', 'users?limit=0', { cookie: v.cookie }), deps);
    expect(parsed(res)).toEqual({ success: true, data: [], pagination: { limit: 1, next_cursor: null } });
    expect(res.headers['Cache-Control']).toBe('no-store');
  });
});

describe('handleAdminRequest: signing in', () => {
  it('unknown email, wrong password and unknown tenant each verify one hash and answer the same 401', async () => {
    const { deps, verify, calls } = setup();
    const answers = [];
    for (const [email, password, host] of [
      ['nobody@acme.example', 'right password!', 'acme.localhost'],
      ['admin@acme.example', 'wrong password!', 'acme.localhost'],
      ['admin@acme.example', 'right password!', 'initech.localhost'],
    ]) {
      verify.mockClear();
      const res = await handleAdminRequest(request('POST', 'session/', { host: host! }, { email, password }), deps);
      expect(verify).toHaveBeenCalledTimes(1);
      answers.push({ status: res.status, body: parsed(res), cookie: res.headers['Set-Cookie'] });
    }
    expect(answers[0]).toEqual({ status: 401, body: { detail: 'Invalid email or password', success: false, error: { code: 'AUTHENTICATION_FAILED', message: 'Invalid email or password' }, request_id: 'generated-id' }, cookie: undefined });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(calls).toEqual(['failure', 'failure']);
  });

  it('the right password gives the user, a CSRF token derived from the new session token, and the cookie', async () => {
    const { deps } = setup();
    const res = await handleAdminRequest(request('POST', 'session/', {}, { email: 'admin@acme.example', password: 'right password!' }), deps);
    expect(res.status).toBe(200);
    const token = /^datamingle_session=([^;]+);/.exec(res.headers['Set-Cookie']!)![1]!;
    expect(parsed(res).data).toEqual({ user: user('admin'), csrf_token: csrfTokenFor(SECRET, token) });
  });

  it('a throttled email gets 429 with Retry-After before any verification, even with the right password', async () => {
    const { deps, verify } = setup();
    const res = await handleAdminRequest(request('POST', 'session/', {}, { email: 'throttled@acme.example', password: 'right password!' }), deps);
    expect([res.status, res.headers['Retry-After'], parsed(res).error.code]).toEqual([429, '600', 'RATE_LIMITED']);
    expect(verify).not.toHaveBeenCalled();
  });

  it('missing fields are 400; a foreign Origin is 403', async () => {
    const { deps } = setup();
    const res = await handleAdminRequest(request('POST', 'session/', {}, { email: 'x' }), deps);
    expect([res.status, parsed(res).error.details]).toEqual([400, { password: ['This field is required.'] }]);
    expect((await handleAdminRequest(request('POST', 'session/', { origin: 'http://evil.example' }, { email: 'x', password: 'y' }), deps)).status).toBe(403);
  });
});

describe('handleAdminRequest: partners and partner keys (fake store refusals)', () => {
  const PARTNER = '7e3a9f12-5b6c-4d8e-9f01-23456789abcd';
  const write = (deps: AdminApiDeps, s: { cookie: string; csrf: string }, method: string, path: string, body?: unknown) =>
    handleAdminRequest(request(method, path, { cookie: s.cookie, 'x-csrf-token': s.csrf }, body), deps);

  it('maps the store’s refusals: duplicate name 409, partner in use 400, unknown partner of a new key 400 at partner; input errors before the store', async () => {
    const { deps, signedIn } = setup();
    const calls: string[] = [];
    Object.assign(deps.store, {
      createPartner: async (_t: string, p: { name: string; template: string; defaultIdentifierField: string | null }) => {
        calls.push(`createPartner ${p.template} ${p.defaultIdentifierField}`);
        return { ok: false, error: 'duplicate_name' };
      },
      deletePartner: async () => ({ ok: false, error: 'partner_in_use' }),
      createKey: async (_t: string, k: { partnerId: string | null }) => {
        calls.push(`createKey ${k.partnerId}`);
        return { ok: false, error: 'partner_not_found' };
      },
    });
    const s = signedIn('admin');
    const dup = await write(deps, s, 'POST', 'partners/', { name: 'NS', template: 'netsuite' });
    expect([dup.status, parsed(dup).error.code, parsed(dup).error.details]).toEqual([409, 'DUPLICATE', { name: ['A partner with this name already exists.'] }]);
    const inUse = await write(deps, s, 'DELETE', `partners/${PARTNER}/`);
    expect([inUse.status, parsed(inUse).error.details]).toEqual([400, { non_field_errors: ['This partner cannot be deleted while API keys are linked to it. Delete its keys first.'] }]);
    const key = await write(deps, s, 'POST', 'api-keys/', { name: 'k', partner: PARTNER.toUpperCase() });
    expect([key.status, parsed(key).error.details]).toEqual([400, { partner: [`Invalid pk "${PARTNER}" - object does not exist.`] }]);
    const bad = await write(deps, s, 'POST', 'partners/', { name: 'x', template: 'oracle' });
    expect([bad.status, Object.keys(parsed(bad).error.details)]).toEqual([400, ['template']]);
    expect(calls).toEqual(['createPartner netsuite external_order_id', `createKey ${PARTNER}`]);
  });

  it('a viewer’s partner writes are refused before the store', async () => {
    const { deps, signedIn } = setup();
    const touched: string[] = [];
    Object.assign(deps.store, { createPartner: async () => void touched.push('create'), deletePartner: async () => void touched.push('delete') });
    const s = signedIn('viewer');
    for (const [method, path] of [['POST', 'partners/'], ['PATCH', `partners/${PARTNER}/`], ['DELETE', `partners/${PARTNER}/`]] as const) {
      const res = await write(deps, s, method, path, method === 'DELETE' ? undefined : { name: 'x' });
      expect({ path, method, status: res.status, code: parsed(res).error.code }).toEqual({ path, method, status: 403, code: 'PERMISSION_DENIED' });
    }
    expect(touched).toEqual([]);
  });
});
