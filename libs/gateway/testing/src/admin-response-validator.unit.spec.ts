import { TEMPLATE_VIEWS } from '@datamingle/gateway-domain';
import { buildAdminOpenApiDocument } from '@datamingle/gateway-openapi';
import { createAdminResponseValidator } from './admin-response-validator';

const validator = createAdminResponseValidator(buildAdminOpenApiDocument());
const user = { id: '7e3a9f12-5b6c-4d8e-9f01-23456789abcd', email: 'ops@acme.example', name: 'Ops', role: 'admin', is_active: true, created_at: '2026-04-16T09:12:44.123456Z', last_sign_in_at: null };
const key = {
  id: '7e3a9f12-5b6c-4d8e-9f01-23456789abcd',
  name: 'ERP',
  prefix: 'sk_live_Q7f3',
  scopes: ['integrations.*'],
  partner: null,
  expires_at: null,
  is_active: true,
  rate_limit_per_second: null,
  created_at: '2026-04-16T09:12:44Z',
  last_used_at: null,
};

describe('the admin API response validator', () => {
  it('accepts documented answers', () => {
    expect(validator.validate({ method: 'GET', path: '/api/admin/v1/users?limit=1', status: 200, body: JSON.stringify({ success: true, data: [user], pagination: { limit: 1, next_cursor: null } }) })).toEqual({ ok: true });
    expect(validator.validate({ method: 'POST', path: '/api/admin/v1/api-keys/', status: 201, body: JSON.stringify({ success: true, data: { ...key, key: `sk_live_${'a'.repeat(40)}` } }) })).toEqual({ ok: true });
    expect(validator.validate({ method: 'DELETE', path: `/api/admin/v1/api-keys/${key.id}/`, status: 204, body: '' })).toEqual({ ok: true });
    expect(validator.validate({ method: 'GET', path: '/api/integrations/v1/orders/', status: 200, body: '{}' })).toMatchObject({ ok: true, skipped: expect.any(String) });
  });

  it('refuses undocumented statuses, wrong shapes, a key where none is documented, and bodies on 204', () => {
    expect(validator.validate({ method: 'GET', path: '/api/admin/v1/users/', status: 201, body: '{}' }).ok).toBe(false);
    expect(validator.validate({ method: 'GET', path: '/api/admin/v1/me/', status: 200, body: JSON.stringify({ success: true, data: { user: { ...user, role: 'owner' }, csrf_token: 'x' } }) }).ok).toBe(false);
    expect(validator.validate({ method: 'GET', path: `/api/admin/v1/api-keys/${key.id}`, status: 200, body: JSON.stringify({ success: true, data: { ...key, key: 'sk_live_x' } }) }).ok).toBe(false);
    expect(validator.validate({ method: 'DELETE', path: '/api/admin/v1/session/', status: 204, body: '{}' }).ok).toBe(false);
    expect(validator.validate({ method: 'GET', path: '/api/admin/v1/users/', status: 403, body: JSON.stringify({ success: false }) }).ok).toBe(false);
  });

  it('accepts the mapping, preview and template answers', () => {
    const mapping = {
      id: key.id,
      partner: key.id,
      resource: 'orders',
      name: 'Acumatica – orders',
      is_active: true,
      identifier_field: 'order_number',
      ...TEMPLATE_VIEWS[0]!.mappings.orders,
      created_at: '2026-04-16T09:12:44.123Z',
      updated_at: '2026-04-16T09:12:44.123Z',
    };
    expect(validator.validate({ method: 'GET', path: `/api/admin/v1/partners/${key.id}/mappings/`, status: 200, body: JSON.stringify({ success: true, data: [mapping], pagination: { limit: 50, next_cursor: null } }) })).toEqual({ ok: true });
    expect(validator.validate({ method: 'POST', path: `/api/admin/v1/mappings/${key.id}/activate/`, status: 200, body: JSON.stringify({ success: true, data: mapping }) })).toEqual({ ok: true });
    expect(validator.validate({ method: 'POST', path: '/api/admin/v1/mappings/preview/', status: 200, body: JSON.stringify({ success: true, data: { mapped_payload: null, errors: { Details: ['Expected an array, got object.'] } } }) })).toEqual({ ok: true });
    expect(validator.validate({ method: 'GET', path: '/api/admin/v1/templates/', status: 200, body: JSON.stringify({ success: true, data: TEMPLATE_VIEWS }) })).toEqual({ ok: true });
    expect(validator.validate({ method: 'GET', path: '/api/admin/v1/templates/custom/', status: 200, body: JSON.stringify({ success: true, data: TEMPLATE_VIEWS[6] }) })).toEqual({ ok: true });
    expect(validator.validate({ method: 'GET', path: `/api/admin/v1/mappings/${key.id}/`, status: 200, body: JSON.stringify({ success: true, data: { ...mapping, resource: 'customers' } }) }).ok).toBe(false);
  });
});
