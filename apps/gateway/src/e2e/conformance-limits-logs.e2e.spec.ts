/**
 * Per-key limits and integration logs through the real gateway (limits-and-versioning.md §3–§4,
 * integration-logs.md): checklist items #64–#66.
 *
 * - #64: a key's 51st concurrent request waits for a slot (it is answered once one frees), and a
 *   request still waiting after 30 s gets `503` with `Retry-After: 1`. Requests are held in flight
 *   by stopping the orders service (SIGSTOP) — they wait for its answer with their slot held.
 * - #65: `X-RateLimit-*` on the responses of a rate-limited key from step 6 on, `429` with
 *   `Retry-After` beyond the rate, none on authentication failures or for keys without a limit.
 * - #66: one integration-log entry per request of every outcome, with the §3 status; none for
 *   authentication failures, the scope refusal, `413` or `openapi.json`; no entry holds a key value.
 */
import { connect } from 'node:net';
import type { Client } from 'pg';
import { eventually, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { adminRequest, signIn, type AdminSession } from './testing-support/admin-client';
import { apiClient, type ApiClient } from './testing-support/e2e-api';
import { aMinimalOrderBody, aProductBody, connectDb, createRecord, startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A POST declaring a body over the limit (step 1, nothing sent): only the status matters. */
function declaredTooLarge(port: number, key: string, requestId: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nX-Request-ID: ${requestId}\r\nContent-Type: application/json\r\nContent-Length: 10485761\r\nConnection: close\r\n\r\n`);
    });
    let raw = '';
    socket.on('data', (c) => (raw += c.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0), headers: {}, text: raw, body: undefined }));
  });
}

describe('Conformance: per-key limits and integration logs (#64–#66)', () => {
  let started: PlatformWithKey;
  let platform: TestPlatform;
  let api: ApiClient;
  let db: Client;
  let admin: AdminSession;
  const secrets: string[] = [];

  const adminCall = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await adminRequest(platform, admin, method, path, body === undefined ? {} : { body });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.body?.data;
  };

  async function newKey(name: string, fields: Record<string, unknown> = {}): Promise<{ id: string; client: ApiClient }> {
    const key = await adminCall('POST', 'api-keys/', { name, ...fields });
    secrets.push(key.key);
    return { id: key.id, client: apiClient(platform, key.key) };
  }

  beforeAll(async () => {
    started = await startWithKey('limits and logs', { platform: { captureLogs: true, env: { LOG_LEVEL: 'debug' } } });
    platform = started.platform;
    secrets.push(started.key);
    api = apiClient(platform, started.key);
    await platform.createUser('acme', 'ops@acme.example', 'correct horse battery staple');
    admin = await signIn(platform, 'ops@acme.example');
    db = await connectDb(platform);
    await createRecord(api, 'products/', aProductBody('SKU-LL'));
    await createRecord(api, 'orders/', aMinimalOrderBody('ORD-LL-1', 'SKU-LL'));
  }, 180_000);

  afterAll(async () => {
    await stopAll(started?.platform, db);
  });

  describe('#64 per-key concurrency', () => {
    it('#64 the 51st concurrent request of a key waits for a slot and is answered once one frees; other keys are not held up', async () => {
      const { client } = await newKey('concurrency waits');
      const other = await newKey('another key');
      platform.signal('orders', 'SIGSTOP');
      let inFlight: Promise<ApiResponse>[] = [];
      try {
        inFlight = Array.from({ length: 50 }, () => client.get('orders/ORD-LL-1/'));
        await new Promise((r) => setTimeout(r, 1500));
        const started51 = Date.now();
        const fiftyFirst = client.get('products/SKU-LL/');
        // Another key's request to a running service is answered at once.
        const otherKey = await other.client.get('products/SKU-LL/');
        expect(otherKey.status).toBe(200);
        // The 51st (a catalog request that needs no stopped service) is still waiting for a slot.
        const early = await Promise.race([fiftyFirst.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 2000))]);
        expect(early).toBe('waiting');
        platform.signal('orders', 'SIGCONT');
        const res = await fiftyFirst;
        expect(res.status).toBe(200);
        expect(Date.now() - started51).toBeGreaterThanOrEqual(2000);
        expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual(Array(50).fill(200));
      } finally {
        platform.signal('orders', 'SIGCONT');
        await Promise.allSettled(inFlight);
      }
    }, 60_000);

    it('#64 a request still waiting after 30 seconds gets 503 SERVICE_UNAVAILABLE with Retry-After: 1', async () => {
      const { client } = await newKey('concurrency times out');
      platform.signal('orders', 'SIGSTOP');
      let inFlight: Promise<ApiResponse>[] = [];
      try {
        inFlight = Array.from({ length: 50 }, () => client.get('orders/ORD-LL-1/'));
        await new Promise((r) => setTimeout(r, 1500));
        const started51 = Date.now();
        const res = await client.get('products/SKU-LL/');
        const waited = Date.now() - started51;
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect(res.body.error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: 'Too many concurrent requests for this API key. Retry after 1 seconds.', details: { retry_after: 1 } });
        expect(waited).toBeGreaterThanOrEqual(29_000);
        expect(waited).toBeLessThan(40_000);
      } finally {
        platform.signal('orders', 'SIGCONT');
        await Promise.allSettled(inFlight);
      }
    }, 90_000);
  });

  describe('#65 per-key rate limit', () => {
    it('#65 carries X-RateLimit-* from step 6 on and answers 429 with Retry-After beyond the rate', async () => {
      const { client } = await newKey('rate limited', { rate_limit_per_second: 3 });
      const answers: ApiResponse[] = [];
      for (let i = 0; i < 6; i++) answers.push(await client.get('products/SKU-LL/'));
      const ok = answers.filter((r) => r.status === 200);
      const limited = answers.filter((r) => r.status === 429);
      expect(ok.length).toBeGreaterThanOrEqual(3);
      expect(ok.length).toBeLessThanOrEqual(4);
      expect(limited.length).toBeGreaterThanOrEqual(2);
      for (const r of answers) expect(r.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.map((r) => Number(r.headers['x-ratelimit-remaining']))).toEqual([...ok.map((r) => Number(r.headers['x-ratelimit-remaining']))].sort((a, b) => b - a));
      for (const r of limited) {
        expect(r.headers['x-ratelimit-remaining']).toBe('0');
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(r.body.error).toEqual({ code: 'RATE_LIMITED', message: 'Rate limit of 3 requests per second exceeded for this API key.', details: { limit_per_second: 3, retry_after: Number(r.headers['retry-after']) } });
      }
      // An unknown route after step 6 carries the headers too.
      await new Promise((r) => setTimeout(r, 1100));
      const unknown = await client.get('nothing/');
      expect(unknown.status).toBe(404);
      expect(unknown.headers['x-ratelimit-limit']).toBe('3');
    });

    it('#65 sends no X-RateLimit-* for authentication failures, a switched-off tenant, or a key without a rate limit', async () => {
      const limited = await newKey('limited but expired soon', { rate_limit_per_second: 100 });
      expect((await api.get('products/SKU-LL/')).headers['x-ratelimit-limit']).toBeUndefined();
      await adminCall('PATCH', `api-keys/${limited.id}/`, { is_active: false });
      const revoked = await limited.client.get('products/SKU-LL/');
      expect(revoked.status).toBe(401);
      expect(revoked.headers['x-ratelimit-limit']).toBeUndefined();
      await adminCall('PATCH', `api-keys/${limited.id}/`, { is_active: true });
      await adminCall('PATCH', 'settings/', { integration_enabled: false });
      try {
        const off = await limited.client.get('products/SKU-LL/');
        expect(off.status).toBe(403);
        expect(off.headers['x-ratelimit-limit']).toBeUndefined();
      } finally {
        await adminCall('PATCH', 'settings/', { integration_enabled: true });
      }
      expect((await limited.client.get('products/SKU-LL/')).headers['x-ratelimit-limit']).toBe('100');
    });
  });

  describe('#66 integration logs', () => {
    const entriesOf = async (requestId: string): Promise<any[]> => (await adminCall('GET', `integration-logs/?request_id=${encodeURIComponent(requestId)}`)) ?? [];

    it('#66 writes exactly one entry per request of every outcome with the status of integration-logs.md §3, none for refusals before it', async () => {
      const readOnly = await newKey('read only', { scopes: ['integrations.orders.read'] });
      const limited = await newKey('logged rate limit', { rate_limit_per_second: 1 });
      const cases: Array<{ id: string; send: (headers: Record<string, string>) => Promise<ApiResponse>; status: number; logged: string | null }> = [
        { id: 'log-success', send: (h) => api.get('orders/ORD-LL-1/', { headers: h }), status: 200, logged: 'success' },
        { id: 'log-validation', send: (h) => api.post('orders/', { items: [] }, { headers: h }), status: 400, logged: 'validation_error' },
        { id: 'log-service', send: (h) => api.post('orders/', aMinimalOrderBody('ORD-LL-X', 'NO-SUCH-SKU'), { headers: h }), status: 400, logged: 'service_error' },
        { id: 'log-not-found', send: (h) => api.get('orders/NOPE/', { headers: h }), status: 404, logged: 'not_found' },
        { id: 'log-route', send: (h) => api.get('nothing/', { headers: h }), status: 404, logged: 'not_found' },
        { id: 'log-405', send: (h) => api.request('PATCH', 'orders/', { headers: h }), status: 405, logged: 'error' },
        { id: 'log-415', send: (h) => api.request('POST', 'orders/', { rawBody: 'x', headers: { ...h, 'content-type': 'text/plain' } }), status: 415, logged: 'error' },
        { id: 'log-429-a', send: (h) => limited.client.get('products/SKU-LL/', { headers: h }), status: 200, logged: 'success' },
        { id: 'log-429-b', send: (h) => limited.client.get('products/SKU-LL/', { headers: h }), status: 429, logged: 'error' },
        { id: 'log-scope', send: (h) => readOnly.client.post('orders/', {}, { headers: h }), status: 403, logged: null },
        { id: 'log-auth', send: (h) => platform.request('GET', '/api/integrations/v1/orders/', { key: `sk_live_${'Z'.repeat(40)}`, headers: h }), status: 401, logged: null },
        { id: 'log-openapi', send: (h) => platform.request('GET', '/api/integrations/v1/openapi.json', { headers: h }), status: 200, logged: null },
        { id: 'log-413', send: (h) => declaredTooLarge(platform.gatewayPort, started.key, h['x-request-id']!), status: 413, logged: null },
      ];
      for (const c of cases) {
        const res = await c.send({ 'x-request-id': c.id });
        expect({ id: c.id, status: res.status }).toEqual({ id: c.id, status: c.status });
      }
      await eventually(async () => {
        for (const c of cases.filter((k) => k.logged !== null)) expect({ id: c.id, n: (await entriesOf(c.id)).length }).toEqual({ id: c.id, n: 1 });
      }, 5_000);
      for (const c of cases) {
        const entries = await entriesOf(c.id);
        expect({ id: c.id, statuses: entries.map((e) => e.status) }).toEqual({ id: c.id, statuses: c.logged === null ? [] : [c.logged] });
      }
      // The item holds the payloads and the response.
      const [listed] = await entriesOf('log-validation');
      const item = await adminCall('GET', `integration-logs/${listed.id}/`);
      expect(item).toMatchObject({ request_id: 'log-validation', http_status: 400, status: 'validation_error', raw_payload: { items: [] }, mapped_payload: { items: [] }, error_code: 'VALIDATION_ERROR', api_key: { name: 'limits and logs' } });
      expect(item.response_body.error.code).toBe('VALIDATION_ERROR');
    }, 60_000);

    it('#66 a 50,000-row bulk request gives one entry, its payloads stored shortened to 1 MiB', async () => {
      await createRecord(api, 'locations/', { code: 'LOC-LL' });
      const rows = Array.from({ length: 50_000 }, (_, i) => ({ location_code: 'LOC-LL', sku_code: 'SKU-LL', quantity: i }));
      const res = await api.post('inventory/', { inventory: rows }, { headers: { 'x-request-id': 'log-bulk-50k' } });
      expect(res.status).toBe(200);
      const [listed] = await eventually(async () => {
        const found = await entriesOf('log-bulk-50k');
        expect(found).toHaveLength(1);
        return found;
      }, 5_000);
      const item = await adminCall('GET', `integration-logs/${listed.id}/`);
      expect(item.shortened_fields).toEqual(['raw_payload', 'mapped_payload']);
      expect(typeof item.raw_payload).toBe('string');
      expect(Buffer.byteLength(item.raw_payload)).toBeLessThanOrEqual(1_048_576);
      expect(Buffer.byteLength(item.raw_payload)).toBeGreaterThan(1_048_000);
      expect(JSON.stringify({ inventory: rows }).startsWith(item.raw_payload)).toBe(true);
      expect(item.response_body).toEqual(res.body);
      expect(item).toMatchObject({ resource: 'inventory', action: 'create', status: 'success', http_status: 200 });
    }, 60_000);

    it('#66 no entry and no log line contains a key value', async () => {
      const stored = await db.query(`SELECT row_to_json(l)::text AS row FROM gateway.integration_logs l`);
      expect(stored.rows.length).toBeGreaterThan(5);
      const all = stored.rows.map((r) => r.row).join('\n');
      for (const secret of secrets) expect(all).not.toContain(secret);
      const lines = (['gateway', 'orders', 'catalog', 'inventory'] as const).flatMap((s) => platform.logs(s));
      expect(lines.length).toBeGreaterThan(10);
      for (const secret of secrets) expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    });
  });
});
