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
    // An email the failure record and audit event could not store.
    const nul = await handleAdminRequest(request('POST', 'session/', {}, { email: 'a\u0000@acme.example', password: 'y' }), deps);
    expect([nul.status, parsed(nul).error.details]).toEqual([400, { email: ['Not a valid string.'] }]);
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

describe('handleAdminRequest: field mappings, preview and templates (fake store)', () => {
  const PARTNER = '7e3a9f12-5b6c-4d8e-9f01-23456789abcd';
  const MAPPING = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';
  const stored = {
    id: MAPPING,
    partner: PARTNER,
    resource: 'orders',
    name: 'ERP – orders',
    is_active: true,
    identifier_field: null,
    field_map: { OrderNbr: 'order_number' },
    nested_mappings: [{ source: 'Details', target: 'items', field_map: { InventoryID: 'sku_code' } }],
    static_values: {},
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
  const write = (deps: AdminApiDeps, s: { cookie: string; csrf: string }, method: string, path: string, body?: unknown) =>
    handleAdminRequest(request(method, path, { cookie: s.cookie, 'x-csrf-token': s.csrf }, body), deps);

  function withMappings() {
    const env = setup();
    const calls: string[] = [];
    Object.assign(env.deps.store, {
      getPartner: async (_t: string, id: string) => (id === PARTNER ? { id: PARTNER, name: 'ERP' } : null),
      getMapping: async (_t: string, id: string) => (id === MAPPING ? stored : null),
      listMappings: async (_t: string, partnerId: string, filters: unknown) => {
        calls.push(`list ${JSON.stringify(filters)}`);
        return partnerId === PARTNER ? { ok: true, value: { data: [stored], next: null } } : { ok: false, error: 'not_found' };
      },
      createMapping: async (_t: string, partnerId: string, m: { name: string | null; isActive: boolean }) => {
        calls.push(`create ${m.name} ${m.isActive}`);
        return partnerId === PARTNER ? { ok: true, value: stored } : { ok: false, error: 'not_found' };
      },
      replaceMapping: async (_t: string, _id: string, r: { name?: string; isActive?: boolean }) => {
        calls.push(`replace ${r.name} ${r.isActive}`);
        return { ok: true, value: stored };
      },
      setMappingActive: async (_t: string, id: string, active: boolean) => {
        calls.push(`active ${active}`);
        return id === MAPPING ? { ok: true, value: stored } : { ok: false, error: 'not_found' };
      },
      deleteMapping: async (_t: string, id: string) => (id === MAPPING ? { ok: true, value: stored } : { ok: false, error: 'not_found' }),
    });
    return { ...env, calls };
  }

  it('lists with filters (400 for bad ones), 404 for an unknown partner; create 201, its errors 400 at their paths, an unknown partner 404 first', async () => {
    const { deps, signedIn, calls } = withMappings();
    const s = signedIn('admin');
    const list = await write(deps, s, 'GET', `partners/${PARTNER}/mappings/?resource=orders&is_active=true&limit=5`);
    expect([list.status, parsed(list).data, parsed(list).pagination]).toEqual([200, [stored], { limit: 5, next_cursor: null }]);
    const badFilter = await write(deps, s, 'GET', `partners/${PARTNER}/mappings/?resource=customers`);
    expect([badFilter.status, parsed(badFilter).error.details]).toEqual([400, { resource: ['"customers" is not a valid choice.'] }]);
    const noPartner = await write(deps, s, 'GET', `partners/${MAPPING}/mappings/`);
    expect([noPartner.status, parsed(noPartner).error.message]).toEqual([404, `Partner '${MAPPING}' not found.`]);

    const created = await write(deps, s, 'POST', `partners/${PARTNER}/mappings/`, { resource: 'orders', is_active: false });
    expect([created.status, parsed(created).data]).toEqual([201, stored]);
    const invalid = await write(deps, s, 'POST', `partners/${PARTNER}/mappings/`, { resource: 'orders', field_map: { A: 'notes', B: 'notes' }, identifier_field: 'code' });
    expect([invalid.status, parsed(invalid).error.code, parsed(invalid).error.details]).toEqual([
      400,
      'VALIDATION_ERROR',
      { identifier_field: ['"code" is not a valid choice.'], 'field_map.B': ['The target "notes" is already used in this mapping.'] },
    ]);
    const unknown = await write(deps, s, 'POST', `partners/${MAPPING}/mappings/`, { resource: 'nope' });
    expect([unknown.status, parsed(unknown).error.code]).toEqual([404, 'NOT_FOUND']);
    expect(calls).toEqual(['list {"resource":"orders","isActive":true}', 'list {}', 'create null false']);
  });

  it('get, replace (resource fixed, name and is_active only when sent), delete 204, activate and deactivate 200; 404 for an unknown mapping', async () => {
    const { deps, signedIn, calls } = withMappings();
    const s = signedIn('admin');
    expect(parsed(await write(deps, s, 'GET', `mappings/${MAPPING}/`)).data).toEqual(stored);
    const missing = await write(deps, s, 'GET', `mappings/${PARTNER}/`);
    expect([missing.status, parsed(missing).error.message]).toEqual([404, `Mapping '${PARTNER}' not found.`]);
    const moved = await write(deps, s, 'PUT', `mappings/${MAPPING}/`, { resource: 'products' });
    expect([moved.status, parsed(moved).error.details]).toEqual([400, { resource: ['This field cannot be changed.'] }]);
    expect((await write(deps, s, 'PUT', `mappings/${MAPPING}/`, { ...stored, name: 'v2' })).status).toBe(200);
    expect((await write(deps, s, 'PUT', `mappings/${MAPPING}/`, { resource: 'orders' })).status).toBe(200);
    expect((await write(deps, s, 'PUT', `mappings/${PARTNER}/`, { resource: 'orders' })).status).toBe(404);
    expect((await write(deps, s, 'POST', `mappings/${MAPPING}/activate/`)).status).toBe(200);
    expect((await write(deps, s, 'POST', `mappings/${MAPPING}/deactivate`)).status).toBe(200);
    expect((await write(deps, s, 'POST', `mappings/${PARTNER}/activate/`)).status).toBe(404);
    expect((await write(deps, s, 'DELETE', `mappings/${MAPPING}/`)).status).toBe(204);
    expect((await write(deps, s, 'DELETE', `mappings/${PARTNER}/`)).status).toBe(404);
    const wrongMethod = await write(deps, s, 'PATCH', `mappings/${MAPPING}/`, {});
    expect([wrongMethod.status, wrongMethod.headers['Allow']]).toEqual([405, 'GET, HEAD, OPTIONS, PUT, DELETE']);
    expect(calls).toEqual(['replace v2 true', 'replace undefined undefined', 'active true', 'active false', 'active true']);
  });

  it('preview: inline or stored mapping, 200 with mapped_payload and errors; 400 for bad input, 404 for an unknown mapping_id; a viewer may run it, not write', async () => {
    const { deps, signedIn, calls } = withMappings();
    const viewer = signedIn('viewer');
    const inline = await write(deps, viewer, 'POST', 'mappings/preview/', { mapping: { resource: 'products', field_map: { Code: 'sku' } }, payload: { Code: 'A-1' } });
    expect([inline.status, parsed(inline).data]).toEqual([200, { mapped_payload: { sku: 'A-1' }, errors: {} }]);
    const byId = await write(deps, viewer, 'POST', 'mappings/preview/', { mapping_id: MAPPING, payload: { OrderNbr: 'SO-1', Details: { InventoryID: 'X' } } });
    expect([byId.status, parsed(byId).data]).toEqual([200, { mapped_payload: null, errors: { Details: ['Expected an array, got object.'] } }]);
    const notAnObject = await write(deps, viewer, 'POST', 'mappings/preview/', { mapping_id: MAPPING, payload: 'x' });
    expect([notAnObject.status, parsed(notAnObject).error.code, parsed(notAnObject).error.details]).toEqual([400, 'VALIDATION_ERROR', { payload: ['Expected a JSON object.'] }]);
    const invalid = await write(deps, viewer, 'POST', 'mappings/preview/', { mapping: { resource: 'orders', identifier_field: 'sku' }, payload: {} });
    expect(parsed(invalid).error.details).toEqual({ 'mapping.identifier_field': ['"sku" is not a valid choice.'] });
    const unknown = await write(deps, viewer, 'POST', 'mappings/preview/', { mapping_id: PARTNER, payload: {} });
    expect([unknown.status, parsed(unknown).error.message]).toEqual([404, `Mapping '${PARTNER}' not found.`]);
    // Still a POST: the CSRF token is needed.
    const noCsrf = await handleAdminRequest(request('POST', 'mappings/preview/', { cookie: viewer.cookie }, { mapping_id: MAPPING, payload: {} }), deps);
    expect(noCsrf.status).toBe(403);
    for (const [method, path, body] of [
      ['POST', `partners/${PARTNER}/mappings/`, { resource: 'orders' }],
      ['PUT', `mappings/${MAPPING}/`, { resource: 'orders' }],
      ['DELETE', `mappings/${MAPPING}/`, undefined],
      ['POST', `mappings/${MAPPING}/activate/`, undefined],
      ['POST', `mappings/${MAPPING}/deactivate/`, undefined],
    ] as const) {
      const res = await write(deps, viewer, method, path, body);
      expect({ method, path, status: res.status, code: parsed(res).error.code }).toEqual({ method, path, status: 403, code: 'PERMISSION_DENIED' });
    }
    expect(calls).toEqual([]);
    expect((await write(deps, viewer, 'GET', `mappings/${MAPPING}/`)).status).toBe(200);
  });

  it('templates: all seven in the §10.1 order (one unpaginated list), one by slug, 404 for an unknown slug', async () => {
    const { deps, signedIn } = withMappings();
    const s = signedIn('viewer');
    const all = parsed(await write(deps, s, 'GET', 'templates/'));
    expect(all.data.map((t: { slug: string }) => t.slug)).toEqual(['acumatica', 'sap-business-one', 'netsuite', 'shopify', 'logo-erp', 'mikro-erp', 'custom']);
    expect(all).not.toHaveProperty('pagination');
    const one = parsed(await write(deps, s, 'GET', 'templates/netsuite'));
    expect(one.data).toEqual(all.data[2]);
    expect(one.data.mappings.orders.identifier_field).toBe('external_order_id');
    const unknown = await write(deps, s, 'GET', 'templates/oracle/');
    expect([unknown.status, parsed(unknown).error.message]).toEqual([404, "Template 'oracle' not found."]);
  });
});
