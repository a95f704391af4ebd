import type { RawRequest } from '../types';
import { handleAdminRequest, type AdminApiDeps } from './api';
import { integrationLogFilters, type IntegrationLogFilters } from './integration-logs';
import type { AdminStorePort, SessionRecord } from './ports';
import { hashSessionToken, newSessionToken } from './session';
import type { FieldErrors, UserView } from './users';

const parse = (query: Record<string, string>) => {
  const errors: FieldErrors = {};
  const filters = integrationLogFilters(query, errors);
  return { filters, errors };
};

describe('integration log filters (integration-logs.md §5)', () => {
  it('takes every filter, normalised', () => {
    expect(
      parse({
        partner: 'C0FFEE00-1234-4ABC-8DEF-0123456789AB',
        api_key: '7e3a9f12-5b6c-4d8e-9f01-23456789abcd',
        resource: 'order',
        action: 'create',
        status: 'mapping_error',
        http_status: '422',
        request_id: 'my request',
        identifier: 'SO 1/2',
        internal_id: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
        created_after: '2026-04-16T10:00:00+02:00',
        created_before: '2026-04-17T00:00:00Z',
      }),
    ).toEqual({
      errors: {},
      filters: {
        partner: 'c0ffee00-1234-4abc-8def-0123456789ab',
        apiKey: '7e3a9f12-5b6c-4d8e-9f01-23456789abcd',
        resource: 'order',
        action: 'create',
        status: 'mapping_error',
        httpStatus: 422,
        requestId: 'my request',
        identifier: 'SO 1/2',
        internalId: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
        createdAfter: '2026-04-16T08:00:00.000Z',
        createdBefore: '2026-04-17T00:00:00.000Z',
      },
    });
  });

  it('treats absent and empty parameters as no filter, and partner=null as entries without a partner', () => {
    expect(parse({ partner: '', status: '' })).toEqual({ errors: {}, filters: {} });
    expect(parse({ partner: 'null' }).filters).toEqual({ partner: null });
  });

  it('reports each invalid parameter under its name', () => {
    const { errors } = parse({
      partner: 'acme',
      api_key: '123',
      resource: 'orders',
      action: 'patch',
      status: 'failed',
      http_status: '99',
      request_id: 'a\u0000b',
      identifier: 'x'.repeat(1025),
      internal_id: 'nope',
      created_after: 'yesterday',
      created_before: '2026-13-01',
    });
    expect(Object.keys(errors).sort()).toEqual(
      ['action', 'api_key', 'created_after', 'created_before', 'http_status', 'identifier', 'internal_id', 'partner', 'request_id', 'resource', 'status'].sort(),
    );
    expect(errors['resource']).toEqual(['"orders" is not a valid choice.']);
    expect(errors['partner']).toEqual(['Must be a valid UUID.']);
    expect(errors['request_id']).toEqual(['Not a valid string.']);
    expect(parse({ http_status: '600' }).errors).toHaveProperty('http_status');
    expect(parse({ http_status: '2000' }).errors).toHaveProperty('http_status');
    expect(parse({ request_id: '\uD800' }).errors).toHaveProperty('request_id');
  });
});

describe('integration-logs/ handlers', () => {
  const SECRET = 'csrf-secret';
  const tenant = { id: 't-acme', slug: 'acme', name: 'Acme', integration_enabled: true };
  const viewer: UserView = { id: 'u-viewer', email: 'viewer@acme.example', name: '', role: 'viewer', is_active: true, created_at: '2026-01-01T00:00:00.000Z', last_sign_in_at: null };
  const token = newSessionToken();
  const session: SessionRecord = { tokenHash: hashSessionToken(token), tenant, user: viewer };
  const listed: Array<{ filters: IntegrationLogFilters; limit: number }> = [];
  const stored = '{"id" : "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "raw_payload" : {"b": 1, "a": [1,2]}, "response_body" : "not json"}';
  const store: Partial<AdminStorePort> = {
    findSession: async (slug, hashes) => (slug === 'acme' && hashes.includes(session.tokenHash) ? session : null),
    listIntegrationLogs: async (_t, filters, page) => {
      listed.push({ filters, limit: page.limit });
      return { data: [], next: null };
    },
    getIntegrationLog: async (tenantId, id) => (tenantId === 't-acme' && id === '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' ? stored : null),
  };
  const deps: AdminApiDeps = {
    baseDomain: 'localhost',
    now: () => new Date('2026-05-01T12:00:00Z'),
    newRequestId: () => 'generated-id',
    store: store as AdminStorePort,
    passwords: { hash: async () => 'h', verify: async () => false, dummyHash: async () => 'd' },
    csrfSecret: () => SECRET,
    newApiKey: () => ({ key: 'k', prefix: 'k', hash: 'h' }),
    openApiDocument: () => '{}',
  };
  const get = (path: string, cookie = true): RawRequest => ({
    method: 'GET',
    rawUrl: `/api/admin/v1/${path}`,
    headers: { host: 'acme.localhost:8080', ...(cookie ? { cookie: `datamingle_session=${token}` } : {}) },
    body: null,
    remoteAddress: '127.0.0.1',
  });

  it('a viewer lists with the filters passed on; invalid ones are 400 naming each parameter (and the cursor)', async () => {
    const ok = await handleAdminRequest(get('integration-logs/?status=error&partner=null&limit=5'), deps);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body!)).toEqual({ success: true, data: [], pagination: { limit: 5, next_cursor: null } });
    expect(listed).toEqual([{ filters: { status: 'error', partner: null }, limit: 5 }]);
    const bad = await handleAdminRequest(get('integration-logs/?status=nope&cursor=zzz'), deps);
    expect(bad.status).toBe(400);
    const body = JSON.parse(bad.body!);
    expect(body.error.message).toBe("Invalid cursor: 'zzz'");
    expect(Object.keys(body.error.details).sort()).toEqual(['cursor', 'status']);
    expect(listed).toHaveLength(1);
  });

  it('the item is the stored JSON text inside the envelope, byte for byte; 404 for another id; 403 without a session', async () => {
    const item = await handleAdminRequest(get('integration-logs/0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B'), deps);
    expect(item.status).toBe(200);
    expect(item.body).toBe(`{"success":true,"data":${stored}}`);
    expect(item.headers['Content-Type']).toMatch(/^application\/json/);
    expect((await handleAdminRequest(get('integration-logs/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c/'), deps)).status).toBe(404);
    expect((await handleAdminRequest(get('integration-logs/', false), deps)).status).toBe(403);
  });
});
