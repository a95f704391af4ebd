import type { ServiceReply } from '@datamingle/contracts';
import {
  handleIntegrationRequest,
  ServiceTimeoutError,
  ServiceUnavailableError,
  type BodyReadResult,
  type PendingBody,
  type RawRequest,
  type RawResponse,
} from './pipeline';
import { KEY, NOW, fakeDeps, json, request, v1, type FakeDeps } from '../testing-support/pipeline-fakes';

const JSON_TYPE = 'application/json; charset=utf-8';
const WWW_AUTH = 'ApiKey header="X-API-Key"';

async function send(fake: FakeDeps, req: RawRequest): Promise<RawResponse> {
  return handleIntegrationRequest(req, fake.deps);
}

/** Everything a caller can observe except the request ID. */
function observable(res: RawResponse) {
  const { ['X-Request-ID']: _id, ...headers } = res.headers;
  const body = res.body === null ? null : json(res);
  if (body && typeof body === 'object') delete body.request_id;
  return { status: res.status, headers, body };
}

function expectError(res: RawResponse, status: number, code: string, message?: string) {
  expect(res.status).toBe(status);
  const body = json(res);
  expect(body.success).toBe(false);
  expect(body.error.code).toBe(code);
  if (message !== undefined) expect(body.error.message).toBe(message);
  expect(body.request_id).toBe(res.headers['X-Request-ID']);
  return body;
}

const ROUTE_NOT_FOUND = 'The requested endpoint does not exist.';

describe('step 0: request id and common headers', () => {
  it('echoes an acceptable X-Request-ID and repeats it in request_id', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('GET', v1('nope/'), { headers: { 'x-request-id': 'erp:sync/42+a=b' } }));
    expect(res.headers['X-Request-ID']).toBe('erp:sync/42+a=b');
    expect(json(res).request_id).toBe('erp:sync/42+a=b');
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['empty', ''],
    ['repeated', ['a', 'b']],
  ])('replaces a caller id that is %s with a generated UUID', async (_label, value) => {
    const fake = fakeDeps();
    const res = await send(fake, request('GET', v1('nope/'), { headers: { 'x-request-id': value } }));
    expect(res.headers['X-Request-ID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(json(res).request_id).toBe(res.headers['X-Request-ID']);
  });

  it('sends no HSTS locally and HSTS on any other base domain', async () => {
    const local = await send(fakeDeps(), request('GET', v1('orders/')));
    expect(local.headers).not.toHaveProperty('Strict-Transport-Security');
    const prod = fakeDeps({ baseDomain: 'datamingle.ai' });
    const res = await send(prod, request('GET', v1('orders/'), { host: 'acme.datamingle.ai' }));
    expect(res.status).toBe(200);
    expect(res.headers['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
    const failed = await send(prod, request('GET', v1('orders/'), { host: 'acme.datamingle.ai', key: null }));
    expect(failed.headers['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('puts X-Request-ID and Cache-Control on every response, and request_id on every error body', async () => {
    const fake = fakeDeps({ openApiDocument: () => ({ openapi: '3.1.0' }) });
    fake.reply = async (op) => {
      if (op.identifier === 'boom') throw new Error('boom');
      if (op.identifier === 'down') throw new ServiceUnavailableError();
      if (op.identifier === 'slow') throw new ServiceTimeoutError();
      if (op.identifier === 'missing') return { ok: false, error: { code: 'NOT_FOUND', message: "Order 'missing' not found." } };
      return { ok: true, status: 200, data: {} };
    };
    const requests: RawRequest[] = [
      request('POST', v1('orders/'), { bodyTooLarge: true }),
      request('GET', v1('orders/'), { key: null }),
      request('GET', v1('orders/'), { key: 'nope' }),
      request('GET', v1('orders/'), { key: KEY.acmeExpired }),
      request('GET', v1('orders/'), { key: KEY.disabledTenant, host: 'off.localhost' }),
      request('GET', v1('nope/')),
      request('PATCH', v1('orders/')),
      request('DELETE', v1('orders/X/'), { key: KEY.acmeReadOnly }),
      request('POST', v1('orders/'), { body: 'x=1', headers: { 'content-type': 'text/plain' } }),
      request('POST', v1('orders/'), { body: '{' }),
      request('GET', v1('orders/%ZZ/')),
      request('GET', v1('orders/missing/')),
      request('GET', v1('orders/boom/')),
      request('GET', v1('orders/down/')),
      request('GET', v1('orders/slow/')),
      request('GET', v1('orders/ok/')),
      request('OPTIONS', v1('orders/')),
      request('HEAD', v1('orders/')),
      request('GET', v1('openapi.json'), { key: null }),
    ];
    const statuses: number[] = [];
    for (const [i, req] of requests.entries()) {
      req.headers['x-request-id'] = `req-${i}`;
      const res = await send(fake, req);
      statuses.push(res.status);
      expect(res.headers['X-Request-ID']).toBe(`req-${i}`);
      expect(res.headers['Cache-Control']).toBe('no-store');
      if (res.body !== null) {
        expect(res.headers['Content-Type']).toBe(JSON_TYPE);
        const body = json(res);
        if (body.success === false) expect(body.request_id).toBe(`req-${i}`);
      }
    }
    expect(statuses).toEqual([413, 403, 401, 401, 403, 404, 405, 403, 415, 400, 404, 404, 500, 503, 504, 200, 204, 200, 200]);
  });
});

describe('step 1: body size', () => {
  it('answers 413 with max_bytes', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('POST', v1('orders/'), { bodyTooLarge: true }));
    const body = expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'Request body exceeds the limit of 10485760 bytes.');
    expect(body.error.details).toEqual({ max_bytes: 10485760 });
    expect(body).not.toHaveProperty('detail');
  });

  it('comes before authentication: 413 beats 403 and 401, with no lookup and no security event', async () => {
    const fake = fakeDeps();
    expect((await send(fake, request('POST', v1('orders/'), { key: null, bodyTooLarge: true }))).status).toBe(413);
    expect((await send(fake, request('POST', v1('orders/'), { key: KEY.unknown, bodyTooLarge: true }))).status).toBe(413);
    expect((await send(fake, request('POST', v1('nope/'), { key: null, bodyTooLarge: true }))).status).toBe(413);
    expect(fake.lookups).toHaveLength(0);
    expect(fake.events).toHaveLength(0);
    expect(fake.dispatched).toHaveLength(0);
  });
});

/** A body the HTTP layer has not read: records which way the pipeline asked for it. */
function pendingBody(outcome: BodyReadResult, asked: string[]): PendingBody {
  return {
    read: async () => {
      asked.push('read');
      return outcome;
    },
    measure: async () => {
      asked.push('measure');
      return outcome.status === 'ok' ? { status: 'ok', body: null } : outcome;
    },
  };
}

describe('step 1 for bodies read after authentication', () => {
  const text = Buffer.from('{"sku":"A"}');

  it('reads the body only for an authenticated caller whose method carries one', async () => {
    const fake = fakeDeps();
    const asked: string[] = [];
    const req = request('POST', v1('products/'), { headers: { 'content-type': 'application/json' } });
    const res = await send(fake, { ...req, body: pendingBody({ status: 'ok', body: text }, asked) });
    expect(res.status).toBe(201);
    expect(asked).toEqual(['read']);
    expect(fake.dispatched[0]!.request.body).toEqual({ sku: 'A' });
  });

  it.each([
    ['no key', { key: null }],
    ['an unknown key', { key: KEY.unknown }],
    ["another tenant's key", { key: KEY.globex }],
    ['an expired key', { key: KEY.acmeExpired }],
    ['a switched-off tenant', { key: KEY.disabledTenant, host: 'off.localhost' }],
  ])('only measures the body of a caller with %s (never kept)', async (_label, options) => {
    const fake = fakeDeps();
    const asked: string[] = [];
    const res = await send(fake, { ...request('POST', v1('products/'), options), body: pendingBody({ status: 'ok', body: text }, asked) });
    expect([401, 403]).toContain(res.status);
    expect(asked).toEqual(['measure']);
    expect(fake.dispatched).toHaveLength(0);
  });

  it('only measures the body of a GET (ignored) even for an authenticated caller', async () => {
    const asked: string[] = [];
    const res = await send(fakeDeps(), { ...request('GET', v1('orders/')), body: pendingBody({ status: 'ok', body: text }, asked) });
    expect(res.status).toBe(200);
    expect(asked).toEqual(['measure']);
  });

  it('a chunked body over the limit gets 413 before any authentication answer: no security event, no last_used', async () => {
    const authenticated: string[] = [];
    const fake = fakeDeps({ onKeyAuthenticated: (key) => authenticated.push(key.id) });
    for (const options of [{ key: null }, { key: KEY.unknown }, { key: KEY.acme }, { key: KEY.acmeReadOnly }]) {
      const res = await send(fake, { ...request('POST', v1('orders/'), options), body: pendingBody({ status: 'too_large' }, []) });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    }
    expect(fake.events).toHaveLength(0);
    expect(authenticated).toEqual([]);
    expect(fake.dispatched).toHaveLength(0);
  });

  it('answers 503 with the budget Retry-After when the body cannot be held, and dispatches nothing', async () => {
    const fake = fakeDeps();
    const res = await send(fake, { ...request('POST', v1('orders/')), body: pendingBody({ status: 'over_budget', retryAfterSeconds: 5 }, []) });
    const body = expectError(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.headers['Retry-After']).toBe('5');
    expect(body.error.details).toEqual({ retry_after: 5 });
    expect(fake.dispatched).toHaveLength(0);
  });

  it('dispatches nothing when the client went away mid-body', async () => {
    const fake = fakeDeps();
    const res = await send(fake, { ...request('POST', v1('orders/')), body: pendingBody({ status: 'aborted' }, []) });
    expect(res.status).toBe(400);
    expect(fake.sent).toHaveLength(0);
  });
});

describe('OpenAPI document', () => {
  const doc = { openapi: '3.1.0', info: { title: 'Datamingle – Integrations' } };

  it('is served without key on any host', async () => {
    const fake = fakeDeps({ openApiDocument: () => doc });
    for (const host of ['whatever.example.com', null, 'localhost']) {
      const res = await send(fake, request('GET', v1('openapi.json'), { key: null, host }));
      expect(res.status).toBe(200);
      expect(json(res)).toEqual(doc);
      expect(res.headers['Content-Type']).toBe(JSON_TYPE);
    }
    expect(fake.lookups).toHaveLength(0);
    expect(fake.events).toHaveLength(0);
  });

  it('ignores an invalid key and accepts the trailing-slash form and a query', async () => {
    const fake = fakeDeps({ openApiDocument: () => JSON.stringify(doc) });
    const res = await send(fake, request('GET', `${v1('openapi.json/')}?x=1`, { key: 'garbage' }));
    expect(res.status).toBe(200);
    expect(res.body).toBe(JSON.stringify(doc));
  });

  it('answers HEAD without body', async () => {
    const fake = fakeDeps({ openApiDocument: () => doc });
    const res = await send(fake, request('HEAD', v1('openapi.json'), { key: null }));
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });

  it('authenticates other methods, then answers OPTIONS 204 and others 405', async () => {
    const fake = fakeDeps({ openApiDocument: () => doc });
    expectError(await send(fake, request('POST', v1('openapi.json'), { key: null })), 403, 'NOT_AUTHENTICATED');
    const options = await send(fake, request('OPTIONS', v1('openapi.json')));
    expect(options.status).toBe(204);
    expect(options.headers['Allow']).toBe('GET, HEAD, OPTIONS');
    const post = await send(fake, request('POST', v1('openapi.json')));
    expectError(post, 405, 'METHOD_NOT_ALLOWED', 'Method POST is not allowed on this endpoint.');
    expect(post.headers['Allow']).toBe('GET, HEAD, OPTIONS');
  });

  it('is an unknown route after authentication when no document is configured', async () => {
    const fake = fakeDeps();
    expectError(await send(fake, request('GET', v1('openapi.json'), { key: null })), 403, 'NOT_AUTHENTICATED');
    expectError(await send(fake, request('GET', v1('openapi.json'))), 404, 'NOT_FOUND', ROUTE_NOT_FOUND);
  });

  it('is still subject to the body-size check', async () => {
    const fake = fakeDeps({ openApiDocument: () => doc });
    expect((await send(fake, request('GET', v1('openapi.json'), { key: null, bodyTooLarge: true }))).status).toBe(413);
  });
});

describe('steps 2–5: authentication layer', () => {
  it('answers 403 NOT_AUTHENTICATED without a key, with detail and envelope and no WWW-Authenticate', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('GET', v1('orders/'), { key: null, headers: { 'x-request-id': 'r1' } }));
    expect(res.status).toBe(403);
    expect(json(res)).toEqual({
      detail: 'Authentication credentials were not provided.',
      success: false,
      error: { code: 'NOT_AUTHENTICATED', message: 'Authentication credentials were not provided.' },
      request_id: 'r1',
    });
    expect(res.headers).not.toHaveProperty('WWW-Authenticate');
  });

  it.each([
    ['an empty value', { key: '' }],
    ['a whitespace-only value', { key: '   ' }],
    ['only an Authorization header', { key: null, headers: { authorization: `Bearer ${KEY.acme}` } }],
    ['only a cookie', { key: null, headers: { cookie: `api_key=${KEY.acme}` } }],
  ])('treats %s as no key', async (_label, options) => {
    const fake = fakeDeps();
    expectError(await send(fake, request('GET', v1('orders/'), options)), 403, 'NOT_AUTHENTICATED');
  });

  it('treats a key in the query string as no key', async () => {
    const fake = fakeDeps();
    expectError(await send(fake, request('GET', `${v1('orders/')}?api_key=${KEY.acme}`, { key: null })), 403, 'NOT_AUTHENTICATED');
  });

  it('answers 403 NOT_AUTHENTICATED on any host, unknown routes included', async () => {
    const fake = fakeDeps();
    expectError(await send(fake, request('GET', v1('nope/'), { key: null, host: 'example.com' })), 403, 'NOT_AUTHENTICATED');
  });

  it('accepts a key with surrounding whitespace', async () => {
    const fake = fakeDeps();
    expect((await send(fake, request('GET', v1('orders/'), { key: `  ${KEY.acme} ` }))).status).toBe(200);
  });

  it('answers a malformed value with 401 and never looks it up', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('GET', v1('orders/'), { key: 'sk_live_short' }));
    expect(res.status).toBe(401);
    expect(res.headers['WWW-Authenticate']).toBe(WWW_AUTH);
    expect(json(res)).toMatchObject({ detail: 'Invalid API key', error: { code: 'AUTHENTICATION_FAILED', message: 'Invalid API key' } });
    expect(fake.lookups).toHaveLength(0);
  });

  it('treats a duplicated X-API-Key header as an invalid key', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('GET', v1('orders/'), { key: [KEY.acme, KEY.acme] }));
    expectError(res, 401, 'AUTHENTICATION_FAILED', 'Invalid API key');
    expect(res.headers['WWW-Authenticate']).toBe(WWW_AUTH);
  });

  it('gives indistinguishable answers for unknown, malformed, duplicated, revoked, foreign keys and unknown tenants', async () => {
    const fake = fakeDeps();
    const cases: RawRequest[] = [
      request('GET', v1('orders/'), { key: KEY.unknown }),
      request('GET', v1('orders/'), { key: 'not-a-key' }),
      request('GET', v1('orders/'), { key: [KEY.acme, KEY.unknown] }),
      request('GET', v1('orders/'), { key: KEY.acmeInactive }),
      request('GET', v1('orders/'), { key: KEY.acmeInactiveExpired }),
      request('GET', v1('orders/'), { key: KEY.globex }),
      request('GET', v1('orders/'), { key: KEY.acme, host: 'nosuchtenant.localhost' }),
      request('GET', v1('orders/'), { key: KEY.acme, host: 'localhost:8080' }),
      request('GET', v1('orders/'), { key: KEY.acme, host: 'acme.example.com' }),
      request('GET', v1('orders/'), { key: KEY.acme, host: 'eu.acme.localhost' }),
      request('GET', v1('orders/'), { key: KEY.acme, host: null }),
      request('GET', v1('nope/'), { key: KEY.unknown }),
    ];
    const responses = await Promise.all(cases.map((c) => send(fake, c)));
    const first = observable(responses[0]!);
    expect(first).toEqual({
      status: 401,
      headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': WWW_AUTH, 'Content-Type': JSON_TYPE },
      body: { detail: 'Invalid API key', success: false, error: { code: 'AUTHENTICATION_FAILED', message: 'Invalid API key' } },
    });
    for (const res of responses) expect(observable(res)).toEqual(first);
    expect(new Set(responses.map((r) => r.headers['X-Request-ID'])).size).toBe(cases.length);
    expect(fake.dispatched).toHaveLength(0);
  });

  it('looks a well-formed key up even when the host names no tenant (no observable shortcut)', async () => {
    const fake = fakeDeps();
    await send(fake, request('GET', v1('orders/'), { key: KEY.acme, host: 'localhost' }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.acme, host: 'nosuchtenant.localhost' }));
    expect(fake.lookups).toHaveLength(2);
  });

  it('resolves the tenant from a host with port, trailing dot and upper case', async () => {
    const fake = fakeDeps();
    for (const host of ['ACME.localhost:8080', 'acme.localhost.', 'acme.LOCALHOST.:1']) {
      expect((await send(fake, request('GET', v1('orders/'), { host }))).status).toBe(200);
    }
  });

  it('answers 401 KEY_EXPIRED when expires_at is at or before now', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('GET', v1('orders/'), { key: KEY.acmeExpired }));
    expect(observable(res)).toEqual({
      status: 401,
      headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': WWW_AUTH, 'Content-Type': JSON_TYPE },
      body: { detail: 'API key has expired', success: false, error: { code: 'KEY_EXPIRED', message: 'API key has expired' } },
    });
    const record = [...fake.keys.values()].find((k) => k.id === 'key-acme')!;
    record.expiresAt = NOW;
    expectError(await send(fake, request('GET', v1('orders/'))), 401, 'KEY_EXPIRED');
    record.expiresAt = new Date(NOW.getTime() + 60_000);
    expect((await send(fake, request('GET', v1('orders/')))).status).toBe(200);
  });

  it('answers 403 INTEGRATION_DISABLED whatever the route, method or scope', async () => {
    const fake = fakeDeps();
    for (const [method, path] of [
      ['GET', v1('orders/')],
      ['PATCH', v1('orders/')],
      ['GET', v1('nope/')],
      ['DELETE', v1('inventory/A/')],
    ] as const) {
      const res = await send(fake, request(method, path, { key: KEY.disabledTenant, host: 'off.localhost' }));
      expect(json(res)).toMatchObject({
        detail: 'Integration API access is disabled for this tenant.',
        error: { code: 'INTEGRATION_DISABLED', message: 'Integration API access is disabled for this tenant.' },
      });
      expect(res.status).toBe(403);
      expect(res.headers).not.toHaveProperty('WWW-Authenticate');
    }
  });

  it('answers expiry before the integration switch', async () => {
    const fake = fakeDeps();
    expectError(await send(fake, request('GET', v1('orders/'), { key: KEY.disabledTenantExpired, host: 'off.localhost' })), 401, 'KEY_EXPIRED');
  });

  it('puts authentication before routing: 401 and 403 beat 404 and 405', async () => {
    const fake = fakeDeps();
    expectError(await send(fake, request('GET', v1('nope/'), { key: KEY.unknown })), 401, 'AUTHENTICATION_FAILED');
    expectError(await send(fake, request('GET', '/api/integrations/v2/orders/', { key: null })), 403, 'NOT_AUTHENTICATED');
    expectError(await send(fake, request('PATCH', v1('orders/'), { key: KEY.acmeExpired })), 401, 'KEY_EXPIRED');
  });

  it('records security events without the key value or the query string', async () => {
    const fake = fakeDeps();
    await send(fake, request('GET', `${v1('orders/')}?api_key=${KEY.acme}`, { key: null, headers: { 'x-request-id': 'e1' } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.unknown, headers: { 'x-request-id': 'e2' } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.globex, headers: { 'x-request-id': 'e3' } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.acmeInactive, headers: { 'x-request-id': 'e4' } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.acmeExpired, headers: { 'x-request-id': 'e5' } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.disabledTenant, host: 'off.localhost', headers: { 'x-request-id': 'e6' } }));
    await send(fake, request('DELETE', v1('orders/X/'), { key: KEY.acmeReadOnly, headers: { 'x-request-id': 'e7' } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.acme, host: 'localhost', headers: { 'x-request-id': 'e8' } }));
    expect(fake.events.map((e) => [e.requestId, e.reason, e.keyId, e.tenantId, e.hostTenantSlug])).toEqual([
      ['e1', 'NOT_AUTHENTICATED', null, null, 'acme'],
      ['e2', 'AUTHENTICATION_FAILED', null, null, 'acme'],
      ['e3', 'AUTHENTICATION_FAILED', null, null, 'acme'],
      ['e4', 'AUTHENTICATION_FAILED', 'key-inactive', 'tenant-acme', 'acme'],
      ['e5', 'KEY_EXPIRED', 'key-expired', 'tenant-acme', 'acme'],
      ['e6', 'INTEGRATION_DISABLED', 'key-off', 'tenant-off', 'off'],
      ['e7', 'PERMISSION_DENIED', 'key-ro', 'tenant-acme', 'acme'],
      ['e8', 'AUTHENTICATION_FAILED', null, null, null],
    ]);
    expect(fake.events[0]).toMatchObject({ method: 'GET', path: v1('orders/'), clientIp: '203.0.113.7', occurredAt: NOW });
    expect(fake.events[6]).toMatchObject({ method: 'DELETE', path: v1('orders/X/'), keyName: 'ERP sync' });
    expect(JSON.stringify(fake.events)).not.toContain(KEY.acme.slice(8));
  });

  it('tells onKeyAuthenticated about keys that passed authentication, including switched-off tenants', async () => {
    const seen: string[] = [];
    const fake = fakeDeps({ onKeyAuthenticated: (key, requestId) => seen.push(`${key.id}@${requestId}`) });
    const ids = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    await send(fake, request('GET', v1('orders/'), { headers: { 'x-request-id': ids[0] } }));
    await send(fake, request('GET', v1('nope/'), { headers: { 'x-request-id': ids[1] } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.disabledTenant, host: 'off.localhost', headers: { 'x-request-id': ids[2] } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.acmeExpired, headers: { 'x-request-id': ids[3] } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.acmeInactive, headers: { 'x-request-id': ids[4] } }));
    await send(fake, request('GET', v1('orders/'), { key: KEY.globex, headers: { 'x-request-id': ids[5] } }));
    expect(seen).toEqual(['key-acme@k1', 'key-acme@k2', 'key-off@k3']);
  });

  it('keeps the answer when recording a security event fails', async () => {
    const fake = fakeDeps({
      onSecurityEvent: () => {
        throw new Error('log store down');
      },
    });
    expectError(await send(fake, request('GET', v1('orders/'), { key: null })), 403, 'NOT_AUTHENTICATED');
    expect(fake.unexpected).toHaveLength(1);
  });

  it('answers 503 when the key store is unavailable and 500 when it fails otherwise', async () => {
    const down = fakeDeps({
      findKeyByHash: async () => {
        throw new ServiceUnavailableError('db down');
      },
    });
    const res = await send(down, request('GET', v1('orders/')));
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.headers['Retry-After']).toBe('30');
    const broken = fakeDeps({
      findKeyByHash: async () => {
        throw new Error('relation "api_keys" does not exist');
      },
    });
    const res500 = await send(broken, request('GET', v1('orders/')));
    expectError(res500, 500, 'INTERNAL_ERROR');
    expect(res500.body).not.toContain('api_keys');
  });
});

describe('steps 8–9: routing', () => {
  it('treats paths with and without trailing slash alike, without redirects', async () => {
    const fake = fakeDeps();
    const a = await send(fake, request('GET', v1('orders/')));
    const b = await send(fake, request('GET', v1('orders')));
    const c = await send(fake, request('GET', v1('orders/ORD-1/')));
    const d = await send(fake, request('GET', v1('orders/ORD-1')));
    expect([a.status, b.status, c.status, d.status]).toEqual([200, 200, 200, 200]);
    expect(fake.dispatched.map((x) => x.op)).toEqual([
      { resource: 'orders', action: 'read', name: 'list' },
      { resource: 'orders', action: 'read', name: 'list' },
      { resource: 'orders', action: 'read', name: 'get', identifier: 'ORD-1' },
      { resource: 'orders', action: 'read', name: 'get', identifier: 'ORD-1' },
    ]);
  });

  it.each([
    ['the base path', v1('')],
    ['the base path without slash', '/api/integrations/v1'],
    ['the integrations root', '/api/integrations/'],
    ['another version', '/api/integrations/v2/orders/'],
    ['a wrong-case segment', v1('Orders/')],
    ['an empty segment', v1('orders//')],
    ['extra segments', v1('orders/ORD-1/items/')],
    ['an unknown resource', v1('widgets/')],
    ['the legacy inventorys name', v1('inventorys/')],
  ])('answers 404 for %s', async (_label, path) => {
    const fake = fakeDeps();
    expect(json(await send(fake, request('GET', path)))).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: ROUTE_NOT_FOUND },
      request_id: expect.any(String),
    });
    expect(fake.dispatched).toHaveLength(0);
  });

  it.each([
    ['PATCH', v1('orders/'), 'GET, HEAD, OPTIONS, POST'],
    ['PUT', v1('orders/'), 'GET, HEAD, OPTIONS, POST'],
    ['DELETE', v1('products/'), 'GET, HEAD, OPTIONS, POST'],
    ['POST', v1('orders/ORD-1/'), 'DELETE, GET, HEAD, OPTIONS, PUT'],
    ['PATCH', v1('locations/A-1/'), 'DELETE, GET, HEAD, OPTIONS, PUT'],
    ['DELETE', v1('inventory/A-101/'), 'GET, HEAD, OPTIONS'],
    ['PUT', v1('inventory/A-101/'), 'GET, HEAD, OPTIONS'],
    ['POST', v1('inventory/A-101/'), 'GET, HEAD, OPTIONS'],
    ['TRACE', v1('inventory/'), 'GET, HEAD, OPTIONS, POST'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const fake = fakeDeps();
    const res = await send(fake, request(method, path));
    const body = expectError(res, 405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed on this endpoint.`);
    expect(res.headers['Allow']).toBe(allow);
    expect(body.error.details).toEqual({ allowed_methods: allow.split(', ') });
    expect(body).not.toHaveProperty('detail');
    expect(fake.dispatched).toHaveLength(0);
  });

  it('decides 404 and 405 before the scope check', async () => {
    const fake = fakeDeps();
    // The read-only key holds only integrations.orders.read.
    expectError(await send(fake, request('PATCH', v1('orders/'), { key: KEY.acmeReadOnly })), 405, 'METHOD_NOT_ALLOWED');
    expectError(await send(fake, request('DELETE', v1('inventory/A/'), { key: KEY.acmeReadOnly })), 405, 'METHOD_NOT_ALLOWED');
    expectError(await send(fake, request('GET', v1('products/X/extra/'), { key: KEY.acmeReadOnly })), 404, 'NOT_FOUND', ROUTE_NOT_FOUND);
    expect(fake.events).toHaveLength(0);
  });

  it('decodes %2F inside an identifier instead of splitting on it', async () => {
    const fake = fakeDeps();
    expect((await send(fake, request('GET', v1('locations/WH%2FSHELF-01/')))).status).toBe(200);
    expect(fake.dispatched[0]!.op).toEqual({ resource: 'locations', action: 'read', name: 'get', identifier: 'WH/SHELF-01' });
    expect(fake.dispatched[0]!.request.identifier).toBe('WH/SHELF-01');
  });

  it.each([
    ['A%20101', 'A 101'],
    ['RUG%237', 'RUG#7'],
    ['%C3%87anta-01', 'Çanta-01'],
    ['RUG+7', 'RUG+7'],
    ['50%25', '50%'],
  ])('decodes identifier %s once to %p', async (raw, decoded) => {
    const fake = fakeDeps();
    await send(fake, request('PUT', v1(`products/${raw}/`), { body: '{}' }));
    expect(fake.dispatched[0]!.request.identifier).toBe(decoded);
  });

  it.each([
    ['%ZZ', v1('locations/%ZZ/'), "Location '%ZZ' not found."],
    ['a trailing %A', v1('orders/ORD%A'), "Order 'ORD%A' not found."],
    ['a trailing %', v1('products/SKU%/'), "Product 'SKU%' not found."],
    ['invalid UTF-8', v1('products/%FF%FE/'), "Product '%FF%FE' not found."],
    ['an encoded surrogate', v1('orders/%ED%A0%80/'), "Order '%ED%A0%80' not found."],
    ['U+0000', v1('orders/A%00B/'), "Order 'A%00B' not found."],
    ['an inventory location', v1('inventory/%ZZ/'), "Location '%ZZ' not found."],
    ['an inventory location (by=location)', `${v1('inventory/%ZZ/')}?by=location`, "Location '%ZZ' not found."],
    ['an inventory SKU', `${v1('inventory/%ZZ/')}?by=sku`, "Product '%ZZ' not found."],
  ])('answers an undecodable identifier (%s) with 404 NOT_FOUND after authentication', async (_label, url, message) => {
    const fake = fakeDeps();
    const res = await send(fake, request('GET', url));
    expect(json(res)).toEqual({ success: false, error: { code: 'NOT_FOUND', message }, request_id: res.headers['X-Request-ID'] });
    expect(res.status).toBe(404);
    expect(fake.dispatched).toHaveLength(0);
    expectError(await send(fake, request('GET', url, { key: null })), 403, 'NOT_AUTHENTICATED');
    expectError(await send(fake, request('GET', url, { key: KEY.unknown })), 401, 'AUTHENTICATION_FAILED');
  });

  it('cuts an undecodable identifier to 200 characters in the message', async () => {
    const fake = fakeDeps();
    const raw = `%ZZ${'x'.repeat(300)}`;
    const body = expectError(await send(fake, request('GET', v1(`orders/${raw}/`))), 404, 'NOT_FOUND');
    expect(body.error.message).toBe(`Order '${raw.slice(0, 200)}' not found.`);
  });

  it('lets an invalid by= win over an undecodable inventory identifier (step 11 before 15)', async () => {
    const fake = fakeDeps();
    const body = expectError(await send(fake, request('GET', `${v1('inventory/%ZZ/')}?by=SKU`)), 400, 'VALIDATION_ERROR');
    expect(body.error).toEqual({ code: 'VALIDATION_ERROR', message: 'by: "SKU" is not a valid choice.', details: { by: ['"SKU" is not a valid choice.'] } });
  });

  it('answers an undecodable identifier only after scope, media type and JSON checks', async () => {
    const fake = fakeDeps();
    const url = v1('orders/%ZZ/');
    expectError(await send(fake, request('PUT', url, { key: KEY.acmeReadOnly, body: '{}' })), 403, 'PERMISSION_DENIED');
    expectError(await send(fake, request('PUT', url, { body: '{}', headers: { 'content-type': 'text/plain' } })), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await send(fake, request('PUT', url, { body: '{"a":' })), 400, 'VALIDATION_ERROR');
    expectError(await send(fake, request('PUT', url, { body: '[]' })), 400, 'VALIDATION_ERROR');
    expectError(await send(fake, request('PUT', url, { body: '{"customer_name": 5}' })), 404, 'NOT_FOUND', "Order '%ZZ' not found.");
    expectError(await send(fake, request('DELETE', url)), 404, 'NOT_FOUND', "Order '%ZZ' not found.");
    expect(fake.dispatched).toHaveLength(0);
  });
});

describe('step 10: scopes', () => {
  it('answers 403 PERMISSION_DENIED naming the required scope', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('DELETE', v1('orders/ORD-1/'), { key: KEY.acmeReadOnly, headers: { 'x-request-id': 'p1' } }));
    expect(res.status).toBe(403);
    expect(json(res)).toEqual({
      detail: 'You do not have permission to perform this action.',
      success: false,
      error: {
        code: 'PERMISSION_DENIED',
        message: 'You do not have permission to perform this action.',
        details: { required_scope: 'integrations.orders.delete' },
      },
      request_id: 'p1',
    });
    expect(res.headers).not.toHaveProperty('WWW-Authenticate');
    expect(fake.dispatched).toHaveLength(0);
  });

  function withScopes(fake: FakeDeps, scopes: string[]) {
    [...fake.keys.values()].find((k) => k.id === 'key-acme')!.scopes = scopes;
  }

  it.each([
    [['integrations.*'], 'DELETE', 'products/S/', true],
    [['integrations.orders.*'], 'DELETE', 'orders/O/', true],
    [['integrations.orders.*'], 'GET', 'products/', false],
    [['integrations.orders.write'], 'POST', 'orders/', true],
    [['integrations.orders.write'], 'PUT', 'orders/O/', true],
    [['integrations.orders.write'], 'GET', 'orders/', false],
    [['integrations.orders.write'], 'DELETE', 'orders/O/', false],
    [['integrations.orders.read'], 'HEAD', 'orders/', true],
    [['integrations.inventory.*'], 'POST', 'inventory/', true],
    [['integrations.inventorys.*'], 'POST', 'inventory/', true],
    [['integrations.inventorys.*'], 'GET', 'inventory/A/', true],
    [['integrations.inventorys.read'], 'GET', 'inventory/', true],
    [['integrations.inventorys.read'], 'POST', 'inventory/', false],
    [['integrations.inventorys.write'], 'POST', 'inventory/', true],
    [['integrations.inventorys.*'], 'GET', 'locations/', false],
    [['integrations.products.read', 'integrations.locations.delete'], 'DELETE', 'locations/L/', true],
    [[], 'GET', 'orders/', false],
  ])('scopes %j → %s %s allowed: %s', async (scopes, method, path, allowed) => {
    const fake = fakeDeps();
    withScopes(fake, scopes);
    const res = await send(fake, request(method, v1(path), { body: method === 'POST' || method === 'PUT' ? '{}' : null }));
    if (allowed) expect(res.status).toBeLessThan(300);
    else expect(res.status).toBe(403);
  });

  it('requires read for OPTIONS', async () => {
    const fake = fakeDeps();
    withScopes(fake, ['integrations.orders.write']);
    const body = expectError(await send(fake, request('OPTIONS', v1('orders/'))), 403, 'PERMISSION_DENIED');
    expect(body.error.details).toEqual({ required_scope: 'integrations.orders.read' });
  });

  it('comes before the media type check: 403 beats 415', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('POST', v1('orders/'), { key: KEY.acmeReadOnly, body: 'a=b', headers: { 'content-type': 'text/plain' } }));
    expectError(res, 403, 'PERMISSION_DENIED');
  });
});

describe('OPTIONS and HEAD', () => {
  it.each([
    [v1('orders/'), 'GET, HEAD, OPTIONS, POST'],
    [v1('orders/ORD-1'), 'DELETE, GET, HEAD, OPTIONS, PUT'],
    [v1('inventory/A-101/'), 'GET, HEAD, OPTIONS'],
  ])('OPTIONS %s → 204 with Allow: %s and no body', async (path, allow) => {
    const fake = fakeDeps();
    const res = await send(fake, request('OPTIONS', path, { body: 'ignored garbage', headers: { 'content-type': 'text/plain' } }));
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(res.headers['Allow']).toBe(allow);
    expect(res.headers).not.toHaveProperty('Content-Type');
    expect(res.headers['X-Request-ID']).toBeDefined();
    expect(fake.dispatched).toHaveLength(0);
  });

  it('HEAD behaves like GET without a body', async () => {
    const fake = fakeDeps();
    fake.reply = async () => ({ ok: true, status: 200, data: [{ id: 1 }], pagination: { limit: 50, next_cursor: null } });
    const get = await send(fake, request('GET', `${v1('orders/')}?status=pending`, { headers: { 'x-request-id': 'same' } }));
    const head = await send(fake, request('HEAD', `${v1('orders/')}?status=pending`, { headers: { 'x-request-id': 'same' } }));
    expect(head.status).toBe(get.status);
    expect(head.headers).toEqual(get.headers);
    expect(head.body).toBeNull();
    expect(get.body).not.toBeNull();
    expect(fake.dispatched.map((d) => [d.op.name, d.request.query])).toEqual([
      ['list', { status: 'pending' }],
      ['list', { status: 'pending' }],
    ]);
  });

  it('HEAD errors carry the same status and headers but no body', async () => {
    const fake = fakeDeps();
    const res = await send(fake, request('HEAD', v1('orders/'), { key: KEY.unknown }));
    expect(res.status).toBe(401);
    expect(res.body).toBeNull();
    expect(res.headers['WWW-Authenticate']).toBe(WWW_AUTH);
    const notFound = await send(fake, request('HEAD', v1('orders/%ZZ/')));
    expect(notFound.status).toBe(404);
    expect(notFound.body).toBeNull();
  });
});

describe('step 11: query parameters', () => {
  it('passes the first occurrence of each parameter, URL-decoded with + as space', async () => {
    const fake = fakeDeps();
    await send(fake, request('GET', `${v1('orders/')}?status=pending&status=shipped&updated_since=2026-01-01T00%3A00%3A00%2B02%3A00&q=a+b&cursor=%ZZ`));
    expect(fake.dispatched[0]!.request.query).toEqual({
      status: 'pending',
      updated_since: '2026-01-01T00:00:00+02:00',
      q: 'a b',
      cursor: '%ZZ',
    });
  });

  it('ignores query parameters on POST, PUT and DELETE', async () => {
    const fake = fakeDeps();
    await send(fake, request('POST', `${v1('orders/')}?x=1`, { body: '{}' }));
    await send(fake, request('PUT', `${v1('orders/A/')}?x=1`, { body: '{}' }));
    await send(fake, request('DELETE', `${v1('orders/A/')}?x=1`));
    expect(fake.dispatched.map((d) => d.request.query)).toEqual([{}, {}, {}]);
  });

  it('never lets the query influence routing', async () => {
    const fake = fakeDeps();
    await send(fake, request('GET', `${v1('orders/A/')}?/extra/segments`));
    expect(fake.dispatched[0]!.op).toMatchObject({ name: 'get', identifier: 'A' });
  });
});

describe('step 12: media type', () => {
  it.each([
    ['charset=latin-1', { 'content-type': 'application/json; charset=latin-1' }, 'application/json; charset=latin-1'],
    ['a form content type', { 'content-type': 'application/x-www-form-urlencoded' }, 'application/x-www-form-urlencoded'],
    ['no content type', { 'content-type': undefined }, ''],
    ['Content-Encoding gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'application/json'],
  ])('answers 415 for %s', async (_label, headers, reported) => {
    const fake = fakeDeps();
    const res = await send(fake, request('POST', v1('orders/'), { body: '{"order_number":"A"}', headers }));
    const body = expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Request body must be sent as application/json.');
    expect(body.error.details).toEqual({ content_type: reported });
    expect(body).not.toHaveProperty('detail');
    expect(fake.dispatched).toHaveLength(0);
  });

  it.each(['application/json', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'Application/Json'])('accepts %p', async (ct) => {
    const fake = fakeDeps();
    const res = await send(fake, request('POST', v1('orders/'), { body: '{"a":1}', headers: { 'content-type': ct, 'content-encoding': 'identity' } }));
    expect(res.status).toBe(201);
    expect(fake.dispatched[0]!.request.body).toEqual({ a: 1 });
  });

  it('checks the media type before the JSON: 415 beats malformed JSON', async () => {
    const fake = fakeDeps();
    expectError(await send(fake, request('POST', v1('orders/'), { body: '{oops', headers: { 'content-type': 'text/plain' } })), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('ignores bodies of GET, HEAD and OPTIONS without looking at them', async () => {
    const fake = fakeDeps();
    const opts = { body: Buffer.from([0xff, 0x00, 0x7b]), headers: { 'content-type': 'image/png', 'content-encoding': 'br' } };
    expect((await send(fake, request('GET', v1('orders/'), opts))).status).toBe(200);
    expect((await send(fake, request('HEAD', v1('orders/A/'), opts))).status).toBe(200);
    expect((await send(fake, request('OPTIONS', v1('orders/'), opts))).status).toBe(204);
    expect(fake.dispatched.map((d) => d.request.body)).toEqual([{}, {}]);
  });

  it('treats an empty body as {} whatever the headers say', async () => {
    const fake = fakeDeps();
    await send(fake, request('POST', v1('orders/'), { body: '', headers: { 'content-type': undefined } }));
    await send(fake, request('POST', v1('orders/'), { body: null, headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } }));
    await send(fake, request('PUT', v1('orders/A/'), { body: Buffer.alloc(0), headers: { 'content-type': 'text/plain' } }));
    expect(fake.dispatched.map((d) => d.request.body)).toEqual([{}, {}, {}]);
  });

  it('parses and passes a DELETE body', async () => {
    const fake = fakeDeps();
    await send(fake, request('DELETE', v1('orders/A/'), { body: '{"reason":"customer request"}' }));
    expect(fake.dispatched[0]!.request.body).toEqual({ reason: 'customer request' });
  });
});

describe('step 13: JSON body', () => {
  const malformedDetails = { non_field_errors: ['Malformed JSON.'] };

  it('answers malformed JSON with 400 and the parser explanation, before dispatch', async () => {
    const fake = fakeDeps();
    const body = expectError(await send(fake, request('POST', v1('orders/'), { body: '{\n  "a": 1\n  "b": 2\n}' })), 400, 'VALIDATION_ERROR');
    expect(body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: "Malformed JSON: Expecting ',' delimiter at line 3 column 3",
      details: malformedDetails,
    });
    expect(fake.dispatched).toHaveLength(0);
  });

  it('answers a body that is not UTF-8 as malformed JSON', async () => {
    const fake = fakeDeps();
    const body = expectError(await send(fake, request('POST', v1('orders/'), { body: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) })), 400, 'VALIDATION_ERROR');
    expect(body.error.message).toMatch(/^Malformed JSON: /);
    expect(body.error.details).toEqual(malformedDetails);
  });

  it('accepts nesting depth 64 and rejects 65', async () => {
    const fake = fakeDeps();
    const nest = (levels: number) => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    expect((await send(fake, request('POST', v1('inventory/'), { body: nest(64) }))).status).toBe(201);
    const body = expectError(await send(fake, request('POST', v1('inventory/'), { body: nest(65) })), 400, 'VALIDATION_ERROR');
    expect(body.error).toEqual({ code: 'VALIDATION_ERROR', message: 'Malformed JSON: maximum nesting depth of 64 exceeded', details: malformedDetails });
  });

  it('rejects a deep body before any handler runs', async () => {
    const fake = fakeDeps();
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const body = expectError(await send(fake, request('POST', v1('orders/'), { body: deep })), 400, 'VALIDATION_ERROR');
    expect(body.error.message).toBe('Malformed JSON: maximum nesting depth of 64 exceeded');
    expect(fake.dispatched).toHaveLength(0);
  });

  it('forwards every body as its bytes, whatever its size, for the service to parse with the one parser', async () => {
    const fake = fakeDeps();
    const deep = `{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    await send(fake, request('POST', v1('orders/'), { body: deep }));
    await send(fake, request('POST', v1('orders/'), { body: '{"order_number": 12345678901234567}' }));
    expect(fake.sent.map((c) => Buffer.from(c.request.bodyUtf8 ?? []).toString('utf8'))).toEqual([deep, '{"order_number": 12345678901234567}']);
    expect(fake.sent.map((c) => c.request.body)).toEqual([{}, {}]);
    // The deep one was refused by the service's parse; the other reached the handler.
    expect(fake.dispatched).toHaveLength(1);
  });

  it('checks the media type and UTF-8 of a body at the gateway', async () => {
    const fake = fakeDeps();
    const big = `{"pad":"${'x'.repeat(1_100_000)}"}`;
    expectError(await send(fake, request('POST', v1('orders/'), { body: big, headers: { 'content-type': 'text/plain' } })), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const invalidUtf8 = Buffer.concat([Buffer.from('{"pad":"'), Buffer.alloc(1_100_000, 0xff), Buffer.from('"}')]);
    expectError(await send(fake, request('POST', v1('orders/'), { body: invalidUtf8 })), 400, 'VALIDATION_ERROR');
    expect(fake.dispatched).toHaveLength(0);
  });

  it.each(['[{"order_number":"A"}]', '"text"', '12', 'null'])('rejects a top-level %s', async (text) => {
    const fake = fakeDeps();
    const body = expectError(await send(fake, request('POST', v1('orders/'), { body: text })), 400, 'VALIDATION_ERROR');
    expect(body.error.details).toEqual({ non_field_errors: ['Expected a JSON object at the top level.'] });
    expect(fake.dispatched).toHaveLength(0);
  });

  it('lets the last duplicate key win', async () => {
    const fake = fakeDeps();
    await send(fake, request('POST', v1('products/'), { body: '{"sku":"A","sku":"B"}' }));
    expect(fake.dispatched[0]!.request.body).toEqual({ sku: 'B' });
  });
});

describe('steps 15+: dispatch and replies', () => {
  it('sends the service tenant, request id, valid traceparent, identifier, query and body', async () => {
    const fake = fakeDeps();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await send(fake, request('PUT', v1('orders/ERP-5001/'), { body: '{"notes":"x"}', headers: { traceparent, 'x-request-id': 'rq' } }));
    expect(fake.dispatched).toEqual([
      {
        op: { resource: 'orders', action: 'write', name: 'update', identifier: 'ERP-5001' },
        request: { tenantId: 'tenant-acme', tenantSlug: 'acme', requestId: 'rq', apiKey: { id: 'key-acme', name: 'ERP sync' }, traceparent, identifier: 'ERP-5001', query: {}, body: { notes: 'x' } },
      },
    ]);
  });

  it('drops an invalid traceparent and has no identifier on collection routes', async () => {
    const fake = fakeDeps();
    await send(fake, request('GET', v1('products/'), { headers: { traceparent: 'garbage' } }));
    const sent = fake.dispatched[0]!.request;
    expect(sent).not.toHaveProperty('traceparent');
    expect(sent).not.toHaveProperty('identifier');
  });

  it('wraps a 201 reply in the success envelope', async () => {
    const fake = fakeDeps();
    fake.reply = async () => ({ ok: true, status: 201, data: { id: 'x', name: 'Çanta – 😀' } });
    const res = await send(fake, request('POST', v1('products/'), { body: '{"sku":"A"}' }));
    expect(res.status).toBe(201);
    expect(res.headers['Content-Type']).toBe(JSON_TYPE);
    expect(res.body).toBe('{"success":true,"data":{"id":"x","name":"Çanta – 😀"}}');
  });

  it('includes pagination on lists', async () => {
    const fake = fakeDeps();
    fake.reply = async () => ({ ok: true, status: 200, data: [], pagination: { limit: 50, next_cursor: null } });
    expect(json(await send(fake, request('GET', v1('locations/'))))).toEqual({ success: true, data: [], pagination: { limit: 50, next_cursor: null } });
  });

  it('maps an error reply to its status with request_id and no detail', async () => {
    const fake = fakeDeps();
    const reply: ServiceReply = {
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: 'order_number: This field is required.', details: { order_number: ['This field is required.'] } },
    };
    fake.reply = async () => reply;
    const res = await send(fake, request('POST', v1('orders/'), { body: '{}', headers: { 'x-request-id': 'v1' } }));
    expect(res.status).toBe(400);
    expect(json(res)).toEqual({ success: false, error: reply.error, request_id: 'v1' });
  });

  it.each([
    ['DUPLICATE', 409],
    ['CONFLICT', 409],
    ['NOT_FOUND', 404],
    ['SERVICE_ERROR', 400],
    ['MAPPING_ERROR', 422],
  ] as const)('maps a %s reply to %d', async (code, status) => {
    const fake = fakeDeps();
    fake.reply = async () => ({ ok: false, error: { code, message: 'm' } });
    expect((await send(fake, request('GET', v1('orders/A/')))).status).toBe(status);
  });

  it('gives a SERVICE_UNAVAILABLE reply its Retry-After', async () => {
    const fake = fakeDeps();
    fake.reply = async () => ({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'm' } });
    const res = await send(fake, request('GET', v1('orders/')));
    expect(res.status).toBe(503);
    expect(res.headers['Retry-After']).toBe('30');
    expect(json(res).error.details).toEqual({ retry_after: 30 });
  });

  it('maps ServiceUnavailableError to 503 with Retry-After: 30', async () => {
    const fake = fakeDeps();
    fake.reply = async () => {
      throw new ServiceUnavailableError('connection refused to 10.0.0.7:5432');
    };
    const res = await send(fake, request('GET', v1('orders/')));
    expect(res.headers['Retry-After']).toBe('30');
    expect(json(res).error).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable. Retry after 30 seconds.',
      details: { retry_after: 30 },
    });
    expect(res.body).not.toContain('10.0.0.7');
    expect(res.status).toBe(503);
  });

  it('uses a better Retry-After estimate when the dispatcher has one', async () => {
    const fake = fakeDeps();
    fake.reply = async () => {
      throw new ServiceUnavailableError('maintenance', 120);
    };
    const res = await send(fake, request('GET', v1('orders/')));
    expect(res.headers['Retry-After']).toBe('120');
    expect(json(res).error.message).toBe('The service is temporarily unavailable. Retry after 120 seconds.');
  });

  it('maps ServiceTimeoutError to 504', async () => {
    const fake = fakeDeps();
    fake.reply = async () => {
      throw new ServiceTimeoutError();
    };
    const res = await send(fake, request('POST', v1('orders/'), { body: '{}' }));
    expect(res.status).toBe(504);
    expect(json(res).error).toEqual({
      code: 'GATEWAY_TIMEOUT',
      message: 'The request did not complete within 60 seconds. It may still be applied; check the record before retrying.',
    });
    expect(res.headers).not.toHaveProperty('Retry-After');
  });

  it('maps any other failure to 500 without leaking it, and reports it', async () => {
    const fake = fakeDeps();
    const failure = new Error('SELECT * FROM orders WHERE secret at db-internal-7.cluster.local');
    fake.reply = async () => {
      throw failure;
    };
    const res = await send(fake, request('GET', v1('orders/'), { headers: { 'x-request-id': 'r500' } }));
    expect(res.status).toBe(500);
    expect(json(res)).toEqual({
      success: false,
      error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the request_id when contacting support.' },
      request_id: 'r500',
    });
    expect(fake.unexpected).toEqual([failure]);
  });

  it('treats a reply that breaks the contract, or data JSON cannot carry, as 500', async () => {
    const fake = fakeDeps();
    fake.reply = async () => ({ ok: false, error: { code: 'TEAPOT', message: 'x' } }) as unknown as ServiceReply;
    expectError(await send(fake, request('GET', v1('orders/'))), 500, 'INTERNAL_ERROR');
    fake.reply = async () => undefined as unknown as ServiceReply;
    expectError(await send(fake, request('GET', v1('orders/'))), 500, 'INTERNAL_ERROR');
    fake.reply = async () => ({ ok: true, status: 200, data: { n: BigInt(1) } });
    expectError(await send(fake, request('GET', v1('orders/'))), 500, 'INTERNAL_ERROR');
    expect(fake.unexpected).toHaveLength(3);
  });

  it('survives an onUnexpectedError that throws', async () => {
    const fake = fakeDeps({
      onUnexpectedError: () => {
        throw new Error('logger down');
      },
    });
    fake.reply = async () => {
      throw new Error('x');
    };
    expectError(await send(fake, request('GET', v1('orders/'))), 500, 'INTERNAL_ERROR');
  });
});
