/**
 * `Idempotency-Key` through the gateway (history-feed-idempotency.md §3), against real services
 * and PostgreSQL: checklist items #89 and #90, concurrency (one record, one event), keys scoped
 * to their API key, and requests without the header unchanged.
 */
import type { ApiResponse, TestPlatform } from '@datamingle/testing';
import { apiClient, EventStoreReader, expectError, type ApiClient } from './testing-support/e2e-api';
import { aMinimalOrderBody, aProductBody, createRecord, startApiSuite, stopAll } from './testing-support/e2e-setup';

describe('Conformance: Idempotency-Key (#89, #90)', () => {
  let platform: TestPlatform;
  let api: ApiClient;
  let events: EventStoreReader;

  const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });
  const ordersCreated = (orderNumber: string) => events.count(`event_type = 'OrderCreated' AND data->>'order_number' = $1`, [orderNumber]);

  beforeAll(async () => {
    ({ platform, api, events } = await startApiSuite('idempotency'));
    await createRecord(api, 'products/', aProductBody('SKU-A', { name: 'Product A' }));
  }, 60_000);

  afterAll(() => stopAll(platform, events));

  it('#89 the same POST orders/ twice with one Idempotency-Key: the same 201 body twice, the second replayed; one order, one event', async () => {
    const body = aMinimalOrderBody('IDEM-89', 'SKU-A', {});
    const first = await api.post('orders/', body, withKey('erp-retry-89'));
    // The retry's body is the same JSON with its keys in another order.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await api.post('orders/', reordered, withKey('erp-retry-89'));
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, ...(first.body.request_id ? { request_id: again.body.request_id } : {}) });
    expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(await ordersCreated('IDEM-89')).toBe(1);
    const listed = await api.get('orders/IDEM-89/');
    expect(listed.body.data.id).toBe(first.body.data.id);
    // Without the header the same POST behaves as before: the duplicate order_number.
    const plain = await api.post('orders/', body);
    expectError(plain, 400, 'VALIDATION_ERROR');
    expect(plain.body.error.details.order_number).toEqual(['An order with this order_number already exists.']);
  });

  it('#90 reusing an Idempotency-Key with a different body gets 422 VALIDATION_ERROR and stores nothing', async () => {
    expect((await api.post('orders/', aMinimalOrderBody('IDEM-90', 'SKU-A', {}), withKey('erp-retry-90'))).status).toBe(201);
    const other = await api.post('orders/', aMinimalOrderBody('IDEM-90-B', 'SKU-A', {}), withKey('erp-retry-90'));
    expect(other.status).toBe(422);
    expect(other.body.success).toBe(false);
    expect(other.body.error.code).toBe('VALIDATION_ERROR');
    expect(other.body.error.message).toBe('Idempotency-Key was already used for a different request');
    expect(other.body.request_id).toBe(other.headers['x-request-id']);
    expect(await ordersCreated('IDEM-90-B')).toBe(0);
    // Another path with the key is another request too.
    expectError(await api.post('products/', aProductBody('SKU-IDEM-90'), withKey('erp-retry-90')), 422, 'VALIDATION_ERROR');
  });

  it('#90 ten simultaneous requests with one key store exactly one order and one event; every answer is the 201 or 409', async () => {
    const body = aMinimalOrderBody('IDEM-BURST', 'SKU-A', {});
    const answers: ApiResponse[] = await Promise.all(Array.from({ length: 10 }, () => api.post('orders/', body, withKey('erp-burst'))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(a.body.error).toEqual({ code: 'CONFLICT', message: 'A request with this Idempotency-Key is in progress' });
      expect(a.headers['retry-after']).toBe('1');
    }
    const created = answers.filter((a) => a.status === 201);
    expect(new Set(created.map((a) => a.body.data.id)).size).toBe(1);
    expect(created.filter((a) => a.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(await ordersCreated('IDEM-BURST')).toBe(1);
    // Once settled, a retry gets the stored 201.
    const retry = await api.post('orders/', body, withKey('erp-burst'));
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.data.id).toBe(created[0]!.body.data.id);
  });

  it('scopes keys to the API key that sent them; answers 400 for an unusable key; ignores the header on GET', async () => {
    const { key } = await platform.createKey('acme', { name: 'second ERP' });
    const second = apiClient(platform, key);
    expect((await api.post('orders/', aMinimalOrderBody('IDEM-SCOPE-1', 'SKU-A', {}), withKey('shared-key'))).status).toBe(201);
    const res = await second.post('orders/', aMinimalOrderBody('IDEM-SCOPE-2', 'SKU-A', {}), withKey('shared-key'));
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const bad = await api.post('orders/', aMinimalOrderBody('IDEM-BAD', 'SKU-A', {}), withKey('k'.repeat(256)));
    expectError(bad, 400, 'VALIDATION_ERROR');
    expect(bad.body.error.details).toEqual({ 'Idempotency-Key': ['Must be 1 to 255 printable ASCII characters.'] });
    expect(await ordersCreated('IDEM-BAD')).toBe(0);
    const read = await api.get('orders/IDEM-SCOPE-1/', withKey('shared-key'));
    expect(read.status).toBe(200);
    expect(read.headers['idempotent-replayed']).toBeUndefined();
  });

  it('stores a 4xx the service answered (an unknown SKU) and replays it', async () => {
    const invalid = aMinimalOrderBody('IDEM-4XX', 'SKU-NOPE', {});
    const first = await api.post('orders/', invalid, withKey('erp-4xx'));
    expectError(first, 400, 'SERVICE_ERROR');
    const again = await api.post('orders/', invalid, withKey('erp-4xx'));
    expect(again.status).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.error).toEqual(first.body.error);
  });
});
