/**
 * A client of the admin API (admin.md) for the gateway e2e specs: sign in, then send requests with
 * the session cookie and the CSRF token. Test support only (excluded from the gateway build).
 */
import type { ApiRequestOptions, ApiResponse, TestPlatform } from '@datamingle/testing';

export const ADMIN = '/api/admin/v1/';
export const PASSWORD = 'correct horse battery staple';

export interface AdminSession {
  host: string;
  /** `datamingle_session=<token>` */
  cookie: string;
  /** The cookie's value (the session token). */
  token: string;
  csrf: string;
  signIn: ApiResponse;
}

/** The Set-Cookie header of a response, as one string. */
export function setCookieOf(res: ApiResponse): string {
  const h = res.headers['set-cookie'];
  return Array.isArray(h) ? h.join('\n') : (h ?? '');
}

export async function signIn(platform: TestPlatform, email: string, password = PASSWORD, host = 'acme.localhost'): Promise<AdminSession> {
  const res = await platform.request('POST', `${ADMIN}session/`, { host, body: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}: ${res.text}`);
  const cookie = setCookieOf(res).split(';')[0]!;
  return { host, cookie, token: cookie.split('=')[1]!, csrf: res.body.data.csrf_token, signIn: res };
}

export interface AdminRequestOptions extends ApiRequestOptions {
  /** Leave out the CSRF token (default: sent on writes). */
  csrf?: string | null;
}

/** A request with the session's cookie (and its CSRF token unless `csrf: null`). */
export function adminRequest(platform: TestPlatform, session: AdminSession | null, method: string, path: string, options: AdminRequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string | string[]> = { ...(options.headers ?? {}) };
  if (session) headers['cookie'] = session.cookie;
  const csrf = options.csrf === undefined ? session?.csrf : options.csrf;
  if (csrf && method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrf;
  return platform.request(method, ADMIN + path, { ...options, host: options.host ?? session?.host ?? 'acme.localhost', headers });
}

/** Every write of the admin API this version serves, with a body that would succeed for an admin. */
export function writeEndpoints(ids: { keyId: string; userId: string; partnerId: string; mappingId: string }): Array<{ method: string; path: string; body?: unknown }> {
  return [
    { method: 'POST', path: `partners/${ids.partnerId}/mappings/`, body: { resource: 'products', field_map: { code: 'sku' } } },
    { method: 'PUT', path: `mappings/${ids.mappingId}/`, body: { resource: 'orders', field_map: { ref: 'order_number' } } },
    { method: 'POST', path: `mappings/${ids.mappingId}/deactivate/` },
    { method: 'POST', path: `mappings/${ids.mappingId}/activate/` },
    { method: 'POST', path: 'mappings/preview/', body: { mapping_id: ids.mappingId, payload: { ref: 'A' } } },
    { method: 'DELETE', path: `mappings/${ids.mappingId}/` },
    { method: 'POST', path: 'api-keys/', body: { name: 'matrix key' } },
    { method: 'POST', path: 'api-keys/', body: { name: 'matrix partner key', partner: ids.partnerId } },
    { method: 'POST', path: 'partners/', body: { name: 'matrix partner', template: 'shopify' } },
    { method: 'PATCH', path: `partners/${ids.partnerId}/`, body: { name: 'renamed by matrix' } },
    { method: 'DELETE', path: `partners/${ids.partnerId}/` },
    { method: 'PATCH', path: `api-keys/${ids.keyId}/`, body: { name: 'renamed by matrix' } },
    { method: 'POST', path: `api-keys/${ids.keyId}/rotate/` },
    { method: 'DELETE', path: `api-keys/${ids.keyId}/` },
    { method: 'PATCH', path: 'settings/', body: { integration_enabled: false } },
    { method: 'POST', path: 'users/', body: { email: 'matrix@acme.example', role: 'admin', password: PASSWORD } },
    { method: 'PATCH', path: `users/${ids.userId}/`, body: { role: 'viewer' } },
    { method: 'DELETE', path: `users/${ids.userId}/` },
    { method: 'POST', path: 'me/password/', body: { current_password: PASSWORD, new_password: 'another long password' } },
    { method: 'DELETE', path: 'session/' },
  ];
}
