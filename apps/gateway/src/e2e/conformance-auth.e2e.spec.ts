/**
 * Black-box conformance tests for spec/README.md checklist items 3–13 (authentication, API keys,
 * scopes, tenant integration switch) plus the sub-rules of auth-and-keys.md and errors.md §2
 * that those items summarise: indistinguishable 401 bodies, WWW-Authenticate, immediate
 * propagation of key changes (also across two gateway processes), expiry, legacy scopes and the
 * admin CLI's key commands. Everything goes through the real gateway, services and PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { eventually, rawRequest, startTestPlatform, type ApiRequestOptions, type ApiResponse, type Replica, type TestPlatform } from '@datamingle/testing';
import { stopAll } from './testing-support/e2e-setup';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const ADMIN = join(ROOT, 'apps', 'launcher', 'dist', 'admin.js');
const V1 = '/api/integrations/v1/';

const MSG = {
  NOT_AUTHENTICATED: 'Authentication credentials were not provided.',
  AUTHENTICATION_FAILED: 'Invalid API key',
  KEY_EXPIRED: 'API key has expired',
  INTEGRATION_DISABLED: 'Integration API access is disabled for this tenant.',
  PERMISSION_DENIED: 'You do not have permission to perform this action.',
} as const;
type AuthCode = keyof typeof MSG;
const STATUS: Record<AuthCode, number> = {
  NOT_AUTHENTICATED: 403,
  AUTHENTICATION_FAILED: 401,
  KEY_EXPIRED: 401,
  INTEGRATION_DISABLED: 403,
  PERMISSION_DENIED: 403,
};

function header(res: ApiResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Asserts the exact combined authentication-layer body (errors.md §2) and the 401 header. */
function expectAuthFailure(res: ApiResponse, code: AuthCode, requiredScope?: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: STATUS[code], code });
  const error: Record<string, unknown> = { code, message: MSG[code] };
  if (requiredScope) error['details'] = { required_scope: requiredScope };
  expect(res.body).toEqual({ detail: MSG[code], success: false, error, request_id: header(res, 'x-request-id') });
  expect(res.body.request_id).toBeTruthy();
  if (res.status === 401) expect(header(res, 'www-authenticate')).toBe('ApiKey header="X-API-Key"');
  else expect(header(res, 'www-authenticate')).toBeUndefined();
}

/** Compact status/code view for table-style assertions. */
const outcome = (res: ApiResponse) => `${res.status} ${res.body?.error?.code ?? ''}`.trim();

interface AdminResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Admin CLI runs take ~0.7 s each; tests that change key state run several of them.
jest.setTimeout(30_000);

describe('conformance: authentication, keys and scopes (items 3–13)', () => {
  let platform: TestPlatform;
  let req: (method: string, path: string, options?: ApiRequestOptions) => Promise<ApiResponse>;
  let acmeKey: string;
  /** Keys that worked once and were then revoked / deleted, and a key of another tenant. */
  const dead = { revoked: '', deleted: '', otherTenant: '' };

  /** Runs the admin CLI and reports exit code, stdout and stderr (never throws). */
  const runAdmin = (...args: string[]): Promise<AdminResult> =>
    new Promise((res) => {
      execFile(process.execPath, [ADMIN, ...args], { env: platform.env, cwd: ROOT }, (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
        res({ code, stdout, stderr });
      });
    });
  const listKeys = async (tenant: string): Promise<Array<Record<string, any>>> => JSON.parse(await platform.admin('key', 'list', '--tenant', tenant)); // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Creates a key with ONE admin CLI run (each run costs ~0.7 s): the key from stdout, its id from
   * the metadata the CLI prints on stderr, falling back to `key list` when there is none.
   */
  const newKey = async (tenant: string, o: { name?: string; scopes?: string[]; expiresAt?: string } = {}): Promise<{ key: string; id: string; view: Record<string, any> }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const args = ['key', 'create', '--tenant', tenant, '--name', o.name ?? 'e2e key'];
    if (o.scopes) args.push('--scopes', o.scopes.join(','));
    if (o.expiresAt) args.push('--expires-at', o.expiresAt);
    const res = await runAdmin(...args);
    if (res.code !== 0) throw new Error(`key create failed (${res.code}): ${res.stderr}`);
    const key = res.stdout.trim();
    try {
      const view = JSON.parse(res.stderr.trim().split('\n').pop()!);
      if (view && typeof view.id === 'string' && view.prefix === key.slice(0, 12)) return { key, id: view.id, view };
    } catch {
      // no metadata on stderr: look it up
    }
    const view = (await listKeys(tenant)).filter((k) => key.startsWith(k['prefix'])).pop()!;
    return { key, id: view['id'], view };
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    req = (method, path, options = {}) => platform.request(method, path.startsWith('/') ? path : V1 + path, options);
    // Admin CLI runs are slow (~0.7 s each, and slower in parallel): few tenants, one run per key.
    for (const t of ['acme', 'globex', 'switch']) await platform.createTenant(t);
    ({ key: acmeKey } = await newKey('acme', { name: 'acme main' }));
    expect((await req('POST', 'products/', { key: acmeKey, body: { sku: 'AUTH-SKU-1' } })).status).toBe(201);
    const revoked = await newKey('acme', { name: 'revoked' });
    const deleted = await newKey('acme', { name: 'deleted' });
    const other = await newKey('globex', { name: 'other tenant' });
    expect((await req('GET', 'orders/', { key: revoked.key })).status).toBe(200);
    expect((await req('GET', 'orders/', { key: deleted.key })).status).toBe(200);
    expect((await req('GET', 'orders/', { key: other.key, host: 'globex.localhost' })).status).toBe(200);
    await platform.admin('key', 'revoke', '--tenant', 'acme', revoked.id);
    await platform.admin('key', 'delete', '--tenant', 'acme', deleted.id);
    Object.assign(dead, { revoked: revoked.key, deleted: deleted.key, otherTenant: other.key });
  }, 60_000);

  afterAll(() => stopAll(platform));

  it('#3 a request without X-API-Key gets 403 NOT_AUTHENTICATED "Authentication credentials were not provided."', async () => {
    for (const [method, path] of [
      ['GET', 'orders/'],
      ['POST', 'orders/'],
      ['DELETE', 'products/AUTH-SKU-1/'],
      ['GET', 'no-such-route/'],
      ['PATCH', 'orders/'],
    ]) {
      const res = await req(method!, path!, method === 'POST' ? { body: {} } : {});
      expectAuthFailure(res, 'NOT_AUTHENTICATED');
    }
    // An empty or whitespace-only value counts as absent.
    expectAuthFailure(await req('GET', 'orders/', { key: '' }), 'NOT_AUTHENTICATED');
    expectAuthFailure(await req('GET', 'orders/', { key: '   ' }), 'NOT_AUTHENTICATED');
    // Keys anywhere but X-API-Key are ignored.
    expectAuthFailure(await req('GET', 'orders/', { headers: { authorization: `Bearer ${acmeKey}` } }), 'NOT_AUTHENTICATED');
    expectAuthFailure(await req('GET', 'orders/', { headers: { authorization: `ApiKey ${acmeKey}` } }), 'NOT_AUTHENTICATED');
    expectAuthFailure(await req('GET', `orders/?api_key=${acmeKey}&x-api-key=${acmeKey}&key=${acmeKey}`), 'NOT_AUTHENTICATED');
    expectAuthFailure(await req('GET', 'orders/', { headers: { cookie: `x-api-key=${acmeKey}; api_key=${acmeKey}` } }), 'NOT_AUTHENTICATED');
    // HEAD: same status, no body.
    const head = await req('HEAD', 'orders/');
    expect({ status: head.status, text: head.text }).toEqual({ status: 403, text: '' });
  });

  it('#4 an unknown, malformed, deleted or other-tenant key gets 401 AUTHENTICATION_FAILED "Invalid API key" with success: false', async () => {
    const cases: Array<[string, string]> = [
      ['unknown well-formed', 'sk_live_' + 'Q7f3mZ9pL2xR8vK4tN6wB1cY5hJ0dS3aE7gU2iO9'],
      ['malformed: no prefix', 'Q7f3mZ9pL2xR8vK4tN6wB1cY5hJ0dS3aE7gU2iO9'],
      ['malformed: short secret', 'sk_live_abc'],
      ['malformed: bad chars', 'sk_live_' + '-'.repeat(40)],
      ['malformed: too long', 'sk_live_' + 'a'.repeat(129)],
      ['malformed: test prefix', acmeKey.replace('sk_live_', 'sk_test_')],
      ['wrong case', acmeKey.slice(0, 8) + [...acmeKey.slice(8)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')],
      ['truncated', acmeKey.slice(0, -1)],
      ['deleted', dead.deleted],
      ['revoked', dead.revoked],
      ['other tenant', dead.otherTenant],
    ];
    for (const [name, value] of cases) {
      const res = await req('GET', 'orders/', { key: value });
      expect({ name, outcome: outcome(res) }).toEqual({ name, outcome: '401 AUTHENTICATION_FAILED' });
      expectAuthFailure(res, 'AUTHENTICATION_FAILED');
      expect(res.body.success).toBe(false);
    }
    // A repeated X-API-Key header is an invalid key, even when both values are valid.
    const twice = await req('GET', 'orders/', { headers: { 'x-api-key': [acmeKey, acmeKey] } });
    expectAuthFailure(twice, 'AUTHENTICATION_FAILED');
    // The header name is case-insensitive.
    expect((await req('GET', 'orders/', { headers: { 'X-API-KEY': acmeKey } })).status).toBe(200);
  });

  it('the 401 answers for unknown key, revoked key, deleted key, other-tenant key and unknown tenant host are indistinguishable apart from request_id', async () => {
    const variants: Array<[string, ApiRequestOptions]> = [
      ['unknown key', { key: 'sk_live_' + 'Z'.repeat(40) }],
      ['malformed key', { key: 'garbage' }],
      ['revoked key', { key: dead.revoked }],
      ['deleted key', { key: dead.deleted }],
      ['other-tenant key', { key: dead.otherTenant }],
      ['unknown host', { key: acmeKey, host: 'nosuchtenant.localhost' }],
      ['unknown host, unknown key', { key: 'sk_live_' + 'Y'.repeat(40), host: 'nosuchtenant.localhost' }],
    ];
    const seen: Array<{ name: string; status: number; body: unknown; headers: Record<string, unknown> }> = [];
    for (const [name, options] of variants) {
      const res = await req('GET', 'orders/?limit=5', options);
      expectAuthFailure(res, 'AUTHENTICATION_FAILED');
      const headers = { ...res.headers };
      delete headers['date'];
      delete headers['x-request-id'];
      seen.push({ name, status: res.status, body: { ...res.body, request_id: '<id>' }, headers });
    }
    for (const s of seen.slice(1)) {
      expect({ name: s.name, status: s.status, body: s.body, headers: s.headers }).toEqual({ name: s.name, status: seen[0]!.status, body: seen[0]!.body, headers: seen[0]!.headers });
    }
  });

  it('#5 setting a key is_active=false makes the very next request fail with 401 AUTHENTICATION_FAILED (and re-activation restores it)', async () => {
    const { key, id } = await newKey('acme', { name: 'revocable' });
    for (let i = 0; i < 3; i++) expect((await req('GET', 'orders/', { key, host: 'acme.localhost' })).status).toBe(200);
    const revokedView = JSON.parse(await platform.admin('key', 'revoke', '--tenant', 'acme', id));
    expect(revokedView.is_active).toBe(false);
    // The very next request, no waiting.
    expectAuthFailure(await req('GET', 'orders/', { key, host: 'acme.localhost' }), 'AUTHENTICATION_FAILED');
    expectAuthFailure(await req('POST', 'products/', { key, host: 'acme.localhost', body: { sku: 'X' } }), 'AUTHENTICATION_FAILED');

    await platform.admin('key', 'activate', '--tenant', 'acme', id);
    expect((await req('GET', 'orders/', { key, host: 'acme.localhost' })).status).toBe(200);

    // Deletion is immediate too, and irreversible.
    await platform.admin('key', 'delete', '--tenant', 'acme', id);
    expectAuthFailure(await req('GET', 'orders/', { key, host: 'acme.localhost' }), 'AUTHENTICATION_FAILED');
    expect((await listKeys('acme')).some((k) => k['id'] === id)).toBe(false);
  });

  it('#6 a key whose expires_at has passed gets 401 KEY_EXPIRED "API key has expired"', async () => {
    const host = 'switch.localhost';
    // A whole-second expiry a few seconds ahead; poll until it has passed (never a fixed sleep).
    const inFuture = (seconds: number) => new Date((Math.floor(Date.now() / 1000) + seconds) * 1000);
    const waitForExpiry = async (key: string, expiresAt: Date): Promise<ApiResponse> => {
      const lateSuccesses: string[] = [];
      const { res, receivedAt } = await eventually(
        async () => {
          const sentAt = Date.now();
          const r = await req('GET', 'orders/', { key, host });
          if (r.status === 200) {
            // a request sent clearly after expires_at must not succeed any more
            if (sentAt > expiresAt.getTime() + 250) lateSuccesses.push(`200 at +${sentAt - expiresAt.getTime()} ms`);
            throw new Error('key not expired yet');
          }
          return { res: r, receivedAt: Date.now() };
        },
        20_000,
        100,
      );
      expect(lateSuccesses).toEqual([]);
      // ... and it must not have expired clearly before expires_at either
      expect(receivedAt).toBeGreaterThan(expiresAt.getTime() - 250);
      return res;
    };

    const expiresAt = inFuture(4);
    const { key, id, view } = await newKey('switch', { name: 'expiring', expiresAt: expiresAt.toISOString() });
    expect(Date.parse(view['expires_at'])).toBe(expiresAt.getTime());
    expectAuthFailure(await waitForExpiry(key, expiresAt), 'KEY_EXPIRED');
    expectAuthFailure(await req('POST', 'products/', { key, host, body: { sku: 'EXP-1' } }), 'KEY_EXPIRED');
    // expiry is checked before routing and scope
    expectAuthFailure(await req('GET', 'no-such-route/', { key, host }), 'KEY_EXPIRED');

    // With the tenant's integration switch off, an expired key still gets KEY_EXPIRED (the switch reveals nothing).
    await platform.admin('tenant', 'disable', 'switch');
    expectAuthFailure(await req('GET', 'orders/', { key, host }), 'KEY_EXPIRED');
    await platform.admin('tenant', 'enable', 'switch');
    // A revoked key is AUTHENTICATION_FAILED whether or not it is also expired.
    await platform.admin('key', 'revoke', '--tenant', 'switch', id);
    expectAuthFailure(await req('GET', 'orders/', { key, host }), 'AUTHENTICATION_FAILED');
    await platform.admin('key', 'activate', '--tenant', 'switch', id);
    expectAuthFailure(await req('GET', 'orders/', { key, host }), 'KEY_EXPIRED');
    // Extending expires_at makes the key usable again, on the very next request.
    await platform.admin('key', 'update', '--tenant', 'switch', id, '--expires-at', 'none');
    expect((await req('GET', 'orders/', { key, host })).status).toBe(200);

    // An expiry in the past is refused by the admin CLI.
    const past = await runAdmin('key', 'create', '--tenant', 'switch', '--name', 'past', '--expires-at', '2020-01-01T00:00:00Z');
    expect(past.code).not.toBe(0);
    expect(past.stdout).toBe('');
  }, 45_000);

  it('#7 with the tenant integration switch off, a valid key gets 403 INTEGRATION_DISABLED; a missing key still gets 403 NOT_AUTHENTICATED', async () => {
    const host = 'switch.localhost';
    const { key } = await newKey('switch', { name: 'full' });
    const { key: readOnly } = await newKey('switch', { name: 'products read', scopes: ['integrations.products.read'] });
    expect((await req('POST', 'products/', { key, host, body: { sku: 'SW-1' } })).status).toBe(201);

    await platform.admin('tenant', 'disable', 'switch');
    for (const [method, path, k] of [
      ['GET', 'orders/', key],
      ['POST', 'products/', key],
      ['GET', 'products/SW-1/', key],
      ['DELETE', 'products/SW-1/', key],
      ['GET', 'no-such-route/', key], // before routing
      ['PATCH', 'orders/', key], // before method check
      ['DELETE', 'orders/X/', readOnly], // before the scope check
      ['GET', 'inventory/', key],
    ] as Array<[string, string, string]>) {
      const res = await req(method, path, { key: k, host, body: method === 'GET' ? undefined : { sku: 'SW-2' } });
      expect({ method, path, outcome: outcome(res) }).toEqual({ method, path, outcome: '403 INTEGRATION_DISABLED' });
      expectAuthFailure(res, 'INTEGRATION_DISABLED');
    }
    // Callers without a valid key learn nothing about the switch.
    expectAuthFailure(await req('GET', 'orders/', { host }), 'NOT_AUTHENTICATED');
    expectAuthFailure(await req('GET', 'orders/', { host, key: 'sk_live_' + 'W'.repeat(40) }), 'AUTHENTICATION_FAILED');
    expectAuthFailure(await req('GET', 'orders/', { host, key: acmeKey }), 'AUTHENTICATION_FAILED');
    // Other tenants are unaffected.
    expect((await req('GET', 'orders/', { key: acmeKey })).status).toBe(200);

    await platform.admin('tenant', 'enable', 'switch');
    // Switching back on restores access with the same keys and data, on the next request.
    const back = await req('GET', 'products/SW-1/', { key, host });
    expect({ status: back.status, sku: back.body?.data?.sku }).toEqual({ status: 200, sku: 'SW-1' });
    expect((await req('GET', 'products/', { key: readOnly, host })).status).toBe(200);
  });

  it('#8 a key lacking the required scope gets 403 PERMISSION_DENIED "You do not have permission to perform this action." with details.required_scope', async () => {
    const { key } = await newKey('acme', { name: 'orders read only', scopes: ['integrations.orders.read'] });
    const res = await req('DELETE', 'orders/ANY-ORDER/', { key, body: { reason: 'x' } });
    expectAuthFailure(res, 'PERMISSION_DENIED', 'integrations.orders.delete');
    expect(res.body).toEqual({
      detail: 'You do not have permission to perform this action.',
      success: false,
      error: {
        code: 'PERMISSION_DENIED',
        message: 'You do not have permission to perform this action.',
        details: { required_scope: 'integrations.orders.delete' },
      },
      request_id: header(res, 'x-request-id'),
    });
    expectAuthFailure(await req('POST', 'orders/', { key, body: {} }), 'PERMISSION_DENIED', 'integrations.orders.write');
    expectAuthFailure(await req('GET', 'products/', { key }), 'PERMISSION_DENIED', 'integrations.products.read');
    // The scope check comes before query, media-type and JSON validation.
    expectAuthFailure(await req('POST', 'orders/', { key, rawBody: '{bad', headers: { 'content-type': 'text/plain' } }), 'PERMISSION_DENIED', 'integrations.orders.write');
    expectAuthFailure(await req('GET', 'products/?cursor=!!!', { key }), 'PERMISSION_DENIED', 'integrations.products.read');
    expect((await req('GET', 'orders/', { key })).status).toBe(200);
  });

  describe('scope matrix on orders and products routes', () => {
    const host = 'acme.localhost';
    const resources = ['orders', 'products'] as const;
    const actions = ['read', 'write', 'delete'] as const;
    const keys = new Map<string, string>(); // scope -> key

    /** Every supported (method, route) of orders and products, with the status expected once the scope check passes. */
    const ops = resources.flatMap((r) => {
      const id = r === 'orders' ? 'SCOPE-ORD-1' : 'SCOPE-SKU-1';
      return [
        { r, a: 'read', method: 'GET', path: `${r}/`, ok: 200 },
        { r, a: 'read', method: 'HEAD', path: `${r}/`, ok: 200 },
        { r, a: 'read', method: 'OPTIONS', path: `${r}/`, ok: 204 },
        { r, a: 'write', method: 'POST', path: `${r}/`, ok: 400, body: {} }, // reaches field validation
        { r, a: 'read', method: 'GET', path: `${r}/${id}/`, ok: 200 },
        { r, a: 'read', method: 'HEAD', path: `${r}/${id}/`, ok: 200 },
        { r, a: 'read', method: 'OPTIONS', path: `${r}/${id}/`, ok: 204 },
        { r, a: 'write', method: 'PUT', path: `${r}/${id}/`, ok: 200, body: {} },
        { r, a: 'delete', method: 'DELETE', path: `${r}/NO-SUCH-${r.toUpperCase()}/`, ok: 404 }, // reaches identifier resolution
      ];
    });
    const grants = (scope: string, r: string, a: string) => scope === 'integrations.*' || scope === `integrations.${r}.*` || scope === `integrations.${r}.${a}`;
    const scopes = [
      ...resources.flatMap((r) => actions.map((a) => `integrations.${r}.${a}`)),
      'integrations.orders.*',
      'integrations.products.*',
      'integrations.*',
    ];

    beforeAll(async () => {
      const { key: setup } = await newKey('acme', { name: 'setup' });
      expect((await req('POST', 'products/', { key: setup, host, body: { sku: 'SCOPE-SKU-1' } })).status).toBe(201);
      expect((await req('POST', 'orders/', { key: setup, host, body: { order_number: 'SCOPE-ORD-1', items: [{ sku_code: 'SCOPE-SKU-1', quantity: 1 }] } })).status).toBe(201);
      for (const scope of scopes) keys.set(scope, (await newKey('acme', { name: scope, scopes: [scope] })).key);
    }, 60_000);

    it('#9 GET/HEAD/OPTIONS require read, POST/PUT require write, DELETE requires delete of the route’s resource', async () => {
      const expected: string[] = [];
      const actual: string[] = [];
      for (const scope of scopes) {
        const key = keys.get(scope)!;
        for (const op of ops) {
          const res = await req(op.method, op.path, { key, host, body: op.body });
          const label = `${scope} ${op.method} ${op.path}`;
          const required = `integrations.${op.r}.${op.a}`;
          if (grants(scope, op.r, op.a)) {
            expected.push(`${label} -> ${op.ok}`);
            actual.push(`${label} -> ${res.status}`);
          } else if (op.method === 'HEAD') {
            // HEAD answers carry no body: only the status is observable.
            expected.push(`${label} -> 403`);
            actual.push(`${label} -> ${res.status}`);
          } else {
            expected.push(`${label} -> 403 PERMISSION_DENIED ${required}`);
            actual.push(`${label} -> ${res.status} ${res.body?.error?.code} ${res.body?.error?.details?.required_scope}`);
            if (res.status === 403) expectAuthFailure(res, 'PERMISSION_DENIED', required);
          }
        }
      }
      expect(actual).toEqual(expected);
    });

    it('routing precedes the scope check: unsupported methods get 405 and unknown routes 404 whatever the scopes', async () => {
      const notAllowed = [
        ['PATCH', 'orders/'],
        ['PUT', 'orders/'],
        ['DELETE', 'orders/'],
        ['POST', 'orders/SCOPE-ORD-1/'],
        ['PATCH', 'orders/SCOPE-ORD-1/'],
        ['PATCH', 'products/'],
        ['DELETE', 'products/'],
        ['POST', 'products/SCOPE-SKU-1/'],
        ['PATCH', 'products/SCOPE-SKU-1/'],
      ];
      const expected: string[] = [];
      const actual: string[] = [];
      for (const scope of ['integrations.orders.read', 'integrations.products.read', 'integrations.products.delete']) {
        const key = keys.get(scope)!;
        for (const [method, path] of notAllowed) {
          expected.push(`${scope} ${method} ${path} -> 405 METHOD_NOT_ALLOWED`);
          actual.push(`${scope} ${method} ${path} -> ${outcome(await req(method!, path!, { key, host, body: {} }))}`);
        }
        for (const path of ['orders/SCOPE-ORD-1/items/', 'Products/', 'widgets/']) {
          expected.push(`${scope} GET ${path} -> 404 NOT_FOUND`);
          actual.push(`${scope} GET ${path} -> ${outcome(await req('GET', path, { key, host }))}`);
        }
      }
      expect(actual).toEqual(expected);
    });

    it('#10 integrations.* allows every route; integrations.orders.* allows all order routes and no other resource', async () => {
      const all = keys.get('integrations.*')!;
      for (const [method, path, ok] of [
        ['GET', 'orders/', 200],
        ['GET', 'products/', 200],
        ['OPTIONS', 'locations/', 204],
        ['OPTIONS', 'inventory/', 204],
      ] as Array<[string, string, number]>) {
        const res = await req(method, path, { key: all, host });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: ok });
      }
      // ... including the location and inventory routes: each request reaches the handler and gets
      // its real answer (a location is created, read, updated, used for inventory and deactivated).
      for (const [method, path, ok, body] of [
        ['GET', 'locations/', 200],
        ['POST', 'locations/', 201, { code: 'SCOPE-LOC-1' }],
        ['GET', 'locations/SCOPE-LOC-1/', 200],
        ['HEAD', 'locations/SCOPE-LOC-1/', 200],
        ['PUT', 'locations/SCOPE-LOC-1/', 200, { name: 'scoped' }],
        ['GET', 'inventory/', 200],
        ['POST', 'inventory/', 200, { inventory: [{ location_code: 'SCOPE-LOC-1', sku_code: 'SCOPE-SKU-1', quantity: 1 }] }],
        ['GET', 'inventory/SCOPE-LOC-1/', 200],
        ['GET', 'inventory/SCOPE-SKU-1/?by=sku', 200],
        ['OPTIONS', 'inventory/SCOPE-LOC-1/', 204],
        ['DELETE', 'locations/SCOPE-LOC-1/', 200],
      ] as Array<[string, string, number, unknown?]>) {
        const res = await req(method, path, { key: all, host, body });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: ok });
      }
      const levels = await req('GET', 'inventory/SCOPE-LOC-1/', { key: all, host });
      expect(levels.body.data.map((r: { sku_code: string; quantity: number }) => [r.sku_code, r.quantity])).toEqual([['SCOPE-SKU-1', 1]]);

      const orders = keys.get('integrations.orders.*')!;
      for (const op of ops.filter((o) => o.r === 'orders')) {
        const res = await req(op.method, op.path, { key: orders, host, body: op.body });
        expect({ op: `${op.method} ${op.path}`, status: res.status }).toEqual({ op: `${op.method} ${op.path}`, status: op.ok });
      }
      for (const [method, path, required] of [
        ['GET', 'products/', 'integrations.products.read'],
        ['POST', 'products/', 'integrations.products.write'],
        ['GET', 'products/SCOPE-SKU-1/', 'integrations.products.read'],
        ['PUT', 'products/SCOPE-SKU-1/', 'integrations.products.write'],
        ['DELETE', 'products/SCOPE-SKU-1/', 'integrations.products.delete'],
        ['OPTIONS', 'products/', 'integrations.products.read'],
        ['GET', 'locations/', 'integrations.locations.read'],
        ['POST', 'locations/', 'integrations.locations.write'],
        ['DELETE', 'locations/SCOPE-LOC-1/', 'integrations.locations.delete'],
        ['GET', 'inventory/', 'integrations.inventory.read'],
        ['POST', 'inventory/', 'integrations.inventory.write'],
        ['GET', 'inventory/SCOPE-LOC-1/', 'integrations.inventory.read'],
      ] as Array<[string, string, string]>) {
        const res = await req(method, path, { key: orders, host, body: method === 'POST' || method === 'PUT' ? {} : undefined });
        expect({ method, path, outcome: outcome(res), required: res.body?.error?.details?.required_scope }).toEqual({
          method,
          path,
          outcome: '403 PERMISSION_DENIED',
          required,
        });
        expectAuthFailure(res, 'PERMISSION_DENIED', required);
      }
      // The product is untouched by the denied DELETE.
      expect((await req('GET', 'products/SCOPE-SKU-1/', { key: all, host })).body.data.is_active).toBe(true);
    });
  });

  it('#11 the legacy scope integrations.inventorys.read allows GET inventory/ (stored in canonical form)', async () => {
    const { key, view } = await newKey('acme', { name: 'legacy inventory', scopes: ['integrations.inventorys.read'] });
    expect(view['scopes']).toEqual(['integrations.inventory.read']);
    // The scope check lets the reads through; each gets the answer of the route itself.
    for (const [path, status] of [
      ['inventory/', 200],
      ['inventory', 200],
      ['inventory/?limit=1', 200],
      ['inventory/AUTH-SKU-1/?by=sku', 200], // an existing product without records
      ['inventory/NO-SUCH-LOC/', 404], // an unknown location
      ['inventory/NO-SUCH-SKU/?by=sku', 404], // an unknown product
      ['inventory/AUTH-SKU-1/?by=bogus', 400], // query validation comes after the scope check
    ] as Array<[string, number]>) {
      const res = await req('GET', path, { key });
      expect({ path, status: res.status, code: res.body?.error?.code ?? null }).toEqual({
        path,
        status,
        code: status === 200 ? null : status === 404 ? 'NOT_FOUND' : 'VALIDATION_ERROR',
      });
    }
    expect((await req('GET', 'inventory/', { key })).body).toMatchObject({ success: true, data: expect.any(Array), pagination: { limit: 50 } });
    expect((await req('GET', 'inventory/AUTH-SKU-1/?by=sku', { key })).body).toEqual({ success: true, data: [], pagination: { limit: 50, next_cursor: null } });
    const head = await req('HEAD', 'inventory/', { key });
    expect({ status: head.status, text: head.text }).toEqual({ status: 200, text: '' });
    expect((await req('OPTIONS', 'inventory/', { key })).status).toBe(204);
    // It grants read only, and only on inventory.
    expectAuthFailure(await req('POST', 'inventory/', { key, body: { inventory: [] } }), 'PERMISSION_DENIED', 'integrations.inventory.write');
    expectAuthFailure(await req('GET', 'orders/', { key }), 'PERMISSION_DENIED', 'integrations.orders.read');
    expectAuthFailure(await req('GET', 'locations/', { key }), 'PERMISSION_DENIED', 'integrations.locations.read');

    const { view: view2 } = await newKey('acme', { name: 'legacy star', scopes: ['integrations.inventorys.*', 'integrations.inventorys.write'] });
    expect(view2['scopes']).toEqual(['integrations.inventory.*', 'integrations.inventory.write']);
  });

  it('#12 creating a key with an unknown scope string is refused by the admin CLI; a key created without scopes has ["integrations.*"]', async () => {
    const before = (await listKeys('acme')).length;
    for (const bad of [
      'integrations.inventory.delete',
      'orders.read',
      'Integrations.*',
      'integrations.orders.read,integrations.bogus.*',
    ]) {
      const res = await runAdmin('key', 'create', '--tenant', 'acme', '--name', 'bad scope', '--scopes', bad);
      expect({ bad, exitNonZero: res.code !== 0, stdout: res.stdout }).toEqual({ bad, exitNonZero: true, stdout: '' });
      const stderr = res.stderr.replace(/\n$/, '');
      expect({ bad, lines: stderr.split('\n').length, nonEmpty: stderr.trim().length > 0 }).toEqual({ bad, lines: 1, nonEmpty: true });
    }
    expect((await listKeys('acme')).length).toBe(before);

    // Updating to an unknown scope is refused as well and leaves the scopes unchanged.
    const { key, id, view } = await newKey('acme', { name: 'default scopes' });
    expect(view['scopes']).toEqual(['integrations.*']);
    const update = await runAdmin('key', 'update', '--tenant', 'acme', id, '--scopes', 'integrations.inventory.delete');
    expect(update.code).not.toBe(0);
    expect(update.stderr.trim().split('\n')).toHaveLength(1);
    expect((await listKeys('acme')).find((k) => k['id'] === id)!['scopes']).toEqual(['integrations.*']);
    // ... and the default-scoped key works on every resource.
    for (const path of ['orders/', 'products/']) expect((await req('GET', path, { key, host: 'acme.localhost' })).status).toBe(200);
    for (const path of ['locations/', 'inventory/']) {
      const res = await req('GET', path, { key, host: 'acme.localhost' });
      expect({ path, status: res.status, success: res.body?.success }).toEqual({ path, status: 200, success: true });
    }
  });

  it('#13 generated keys match ^sk_live_[0-9A-Za-z]{32,}$, are shown once, and only their first 12 characters (prefix) are shown afterwards', async () => {
    const created: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await runAdmin('key', 'create', '--tenant', 'acme', '--name', `format ${i}`);
      expect(res.code).toBe(0);
      // stdout is exactly one line: the key
      expect(res.stdout).toMatch(/^[^\n]+\n$/);
      const key = res.stdout.trim();
      expect(key).toMatch(/^sk_live_[0-9A-Za-z]{32,}$/);
      expect(key).toMatch(/^sk_live_[0-9A-Za-z]{32,128}$/);
      created.push(key);
    }
    expect(new Set(created).size).toBe(created.length);
    for (const key of created) expect((await req('GET', 'orders/', { key, host: 'acme.localhost' })).status).toBe(200);

    const listText = await platform.admin('key', 'list', '--tenant', 'acme');
    const list: Array<Record<string, unknown>> = JSON.parse(listText);
    for (const key of created) {
      const secret = key.slice('sk_live_'.length);
      expect(listText).not.toContain(key);
      expect(listText).not.toContain(secret);
      expect(listText).not.toContain(key.slice(0, 13));
      const matches = list.filter((k) => k['prefix'] === key.slice(0, 12));
      expect(matches.length).toBeGreaterThanOrEqual(1);
    }
    for (const entry of list) {
      expect(entry).not.toHaveProperty('key');
      expect(entry['prefix']).toMatch(/^sk_live_[0-9A-Za-z]{4}$/);
      expect(entry).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: expect.any(String), scopes: expect.any(Array), is_active: expect.any(Boolean) });
      expect(Object.values(entry).some((v) => typeof v === 'string' && /^sk_live_[0-9A-Za-z]{13,}/.test(v))).toBe(false);
    }
    // Other admin outputs never show the key either.
    const target = list.find((k) => k['prefix'] === created[0]!.slice(0, 12))!;
    const out = await platform.admin('key', 'revoke', '--tenant', 'acme', String(target['id']));
    expect(out).not.toContain(created[0]!.slice(12));
    expect(JSON.parse(out)).not.toHaveProperty('key');
  });

  describe('propagation with two gateway processes', () => {
    const host = 'switch.localhost';
    let second: Replica | undefined;
    let port2 = 0;

    beforeAll(async () => {
      second = await platform.startReplica('gateway');
      port2 = second.port;
    }, 60_000);

    afterAll(async () => {
      await second?.kill('SIGTERM');
    });

    it('revocation, re-activation, scope changes, the integration switch and deletion take effect on the very next request on every gateway', async () => {
      const { key, id } = await newKey('switch', { name: 'propagation' });
      const gw1 = (method: string, path: string, o: ApiRequestOptions = {}) => req(method, path, { key, host, ...o });
      const gw2 = (method: string, path: string, o: ApiRequestOptions = {}) => rawRequest(port2, method, V1 + path, { key, host, ...o });
      // Warm both gateways (any key cache would now hold the key as valid).
      for (let i = 0; i < 5; i++) {
        expect((await gw1('GET', 'orders/')).status).toBe(200);
        expect((await gw2('GET', 'orders/')).status).toBe(200);
      }

      await platform.admin('key', 'revoke', '--tenant', 'switch', id);
      expectAuthFailure(await gw2('GET', 'orders/'), 'AUTHENTICATION_FAILED');
      expectAuthFailure(await gw1('GET', 'orders/'), 'AUTHENTICATION_FAILED');
      expectAuthFailure(await gw2('POST', 'products/', { body: { sku: 'TWO-1' } }), 'AUTHENTICATION_FAILED');

      await platform.admin('key', 'activate', '--tenant', 'switch', id);
      expect((await gw1('GET', 'orders/')).status).toBe(200);
      expect((await gw2('GET', 'orders/')).status).toBe(200);

      await platform.admin('key', 'update', '--tenant', 'switch', id, '--scopes', 'integrations.products.read');
      expectAuthFailure(await gw2('GET', 'orders/'), 'PERMISSION_DENIED', 'integrations.orders.read');
      expectAuthFailure(await gw1('GET', 'orders/'), 'PERMISSION_DENIED', 'integrations.orders.read');
      expect((await gw2('GET', 'products/')).status).toBe(200);
      await platform.admin('key', 'update', '--tenant', 'switch', id, '--scopes', 'integrations.*');
      expect((await gw2('GET', 'orders/')).status).toBe(200);
      expect((await gw1('GET', 'orders/')).status).toBe(200);

      await platform.admin('tenant', 'disable', 'switch');
      expectAuthFailure(await gw1('GET', 'orders/'), 'INTEGRATION_DISABLED');
      expectAuthFailure(await gw2('GET', 'orders/'), 'INTEGRATION_DISABLED');
      await platform.admin('tenant', 'enable', 'switch');
      expect((await gw2('GET', 'orders/')).status).toBe(200);
      expect((await gw1('GET', 'orders/')).status).toBe(200);

      // A write through one gateway is visible through the other immediately.
      expect((await gw1('POST', 'products/', { body: { sku: 'TWO-2' } })).status).toBe(201);
      expect((await gw2('GET', 'products/TWO-2/')).status).toBe(200);

      await platform.admin('key', 'delete', '--tenant', 'switch', id);
      expectAuthFailure(await gw2('GET', 'orders/'), 'AUTHENTICATION_FAILED');
      expectAuthFailure(await gw1('GET', 'orders/'), 'AUTHENTICATION_FAILED');
    });
  });
});
