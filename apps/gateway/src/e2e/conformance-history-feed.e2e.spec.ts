/**
 * Record history and the change feed through the gateway (history-feed-idempotency.md §1–2),
 * against real services and PostgreSQL: checklist items #85–#88, the feed's records and cursors,
 * a burst of concurrent writes followed page by page, and tenants kept apart.
 */
import type { ApiResponse, TestPlatform } from '@datamingle/testing';
import { apiClient, EventStoreReader, expectError, type ApiClient } from './testing-support/e2e-api';
import { aMinimalOrderBody, aProductBody, createRecord, startApiSuite, stopAll } from './testing-support/e2e-setup';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Entry = any;

describe('Conformance: record history and the change feed (#85–#88)', () => {
  let platform: TestPlatform;
  let api: ApiClient;
  let events: EventStoreReader;
  let tenantId: string;
  let keyId: string;
  let other: ApiClient;

  /** Follows the feed from `after` until a page comes back empty; returns every entry and the last cursor. */
  async function follow(client: ApiClient, after: string | null, query = ''): Promise<{ entries: Entry[]; cursor: string }> {
    const entries: Entry[] = [];
    let cursor = after;
    for (;;) {
      const res = await client.get(`changes/?limit=7${query}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(typeof res.body.pagination.next_cursor).toBe('string');
      entries.push(...res.body.data);
      if (res.body.data.length === 0) {
        expect(res.body.pagination.next_cursor).toBe(cursor ?? res.body.pagination.next_cursor);
        return { entries, cursor: res.body.pagination.next_cursor };
      }
      cursor = res.body.pagination.next_cursor;
    }
  }

  /** The tenant's events as the store holds them, in its global order. */
  async function storedOrder(): Promise<Array<{ id: string; type: string; version: number }>> {
    const rows = await events.query(
      `SELECT metadata->>'aggregate_id' AS id, event_type AS type, stream_revision + 1 AS version FROM event_store.events
        WHERE metadata->>'tenant_id' = $1 ORDER BY transaction_id, global_position`,
      [tenantId],
    );
    return rows.map((r: { id: string; type: string; version: string }) => ({ id: r.id, type: r.type, version: Number(r.version) }));
  }

  beforeAll(async () => {
    let key: string;
    ({ platform, api, events, tenantId, keyId, key } = await startApiSuite('ERP sync'));
    void key;
    await platform.createTenant('globex');
    other = apiClient(platform, (await platform.createKey('globex', { name: 'globex key' })).key, 'globex.localhost');
    await createRecord(api, 'products/', aProductBody('SKU-H', { name: 'History product' }));
  }, 60_000);

  afterAll(() => stopAll(platform, events));

  it('#85 GET orders/{identifier}/history/ lists the events oldest first with version 1, 2, … and [before, after] changes; another tenant gets 404', async () => {
    const created = await createRecord(api, 'orders/', aMinimalOrderBody('ORD-H1', 'SKU-H', { external_order_id: 'ERP-H1' }));
    expect((await api.put('orders/ERP-H1/', { notes: 'Priority shipping' })).status).toBe(200);
    expect((await api.put('orders/ERP-H1/', { notes: 'Priority shipping' })).status).toBe(200); // no change: no event
    expect((await api.del('orders/ERP-H1/', { reason: 'customer request' })).status).toBe(200);

    const res = await api.get('orders/ERP-H1/history/');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.pagination).toEqual({ limit: 50, next_cursor: null });
    const history: Entry[] = res.body.data;
    expect(history.map((e) => [e.version, e.type])).toEqual([
      [1, 'OrderCreated'],
      [2, 'OrderUpdated'],
      [3, 'OrderCancelled'],
    ]);
    const [first, second, third] = history;
    expect(first.changes.order_number).toEqual([null, 'ORD-H1']);
    expect(first.changes.external_order_id).toEqual([null, 'ERP-H1']);
    expect(first.changes['items[0].quantity']).toEqual([null, 1]);
    expect(first.changes.id).toBeUndefined();
    expect(second.changes).toEqual({ notes: [null, 'Priority shipping'] });
    expect(third.changes.status?.[1]).toBe('cancelled');
    for (const entry of history) {
      expect(entry.api_key).toEqual({ id: keyId, name: 'ERP sync' });
      expect(typeof entry.request_id).toBe('string');
      expect(entry.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    }
    // `version` is the events' aggregate_version (the one Kafka carries).
    const stored = await events.query(`SELECT (metadata->>'aggregate_version')::int AS v FROM event_store.events WHERE metadata->>'aggregate_id' = $1 ORDER BY stream_revision`, [created.id]);
    expect(stored.map((r: { v: number }) => r.v)).toEqual([1, 2, 3]);
    // The same record by its order_number; page by page with the pagination rules.
    const page1 = await api.get('orders/ORD-H1/history/?limit=2');
    expect(page1.body.data.map((e: Entry) => e.version)).toEqual([1, 2]);
    const page2 = await api.get(`orders/ORD-H1/history/?limit=2&cursor=${page1.body.pagination.next_cursor}`);
    expect(page2.body.data.map((e: Entry) => e.version)).toEqual([3]);
    expect(page2.body.pagination.next_cursor).toBeNull();
    expectError(await api.get('orders/ORD-H1/history/?cursor=nope'), 400, 'VALIDATION_ERROR');
    // Another tenant's identifier, and an unknown one: 404 as the record's GET.
    expectError(await other.get('orders/ERP-H1/history/'), 404, 'NOT_FOUND');
    expectError(await api.get('orders/NOPE/history/'), 404, 'NOT_FOUND');
  });

  it('answers history for products and locations, and only GET/HEAD/OPTIONS on the history route', async () => {
    expect((await api.put('products/SKU-H/', { name: 'Renamed' })).status).toBe(200);
    const product = await api.get('products/SKU-H/history/');
    expect(product.body.data.map((e: Entry) => e.type)).toEqual(['ProductCreated', 'ProductUpdated']);
    expect(product.body.data[1].changes).toEqual({ name: ['History product', 'Renamed'] });
    await createRecord(api, 'locations/', { code: 'LOC-H', name: 'Shelf' });
    const location = await api.get('locations/LOC-H/history/');
    expect(location.body.data.map((e: Entry) => [e.version, e.type])).toEqual([[1, 'LocationCreated']]);
    const post = await api.post('orders/ORD-H1/history/', {});
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD, OPTIONS');
    expectError(await api.get('inventory/LOC-H/history/'), 404, 'NOT_FOUND');
  });

  it('#86 changes/ returns every change since the cursor exactly once, in storage order, with next_cursor always present; a concurrent burst loses and repeats nothing', async () => {
    const start = await follow(api, null);
    const before = await storedOrder();
    expect(start.entries.map((e: Entry) => [e.id, e.type, e.version])).toEqual(before.map((e) => [e.id, e.type, e.version]));
    // Each entry carries the record as GET answers it now.
    const order = start.entries.find((e: Entry) => e.resource === 'order')!;
    const now = await api.get(`orders/${order.identifier}/`);
    expect(order.record).toEqual(now.body.data);
    expect(order.identifier).toBe('ERP-H1');

    // A burst of concurrent writes across resources, followed page by page while it happens.
    const writes: Promise<ApiResponse>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(api.post('orders/', aMinimalOrderBody(`ORD-BURST-${i}`, 'SKU-H', {})));
      writes.push(api.post('products/', aProductBody(`SKU-BURST-${i}`)));
      writes.push(api.post('inventory/', { inventory: [{ location_code: 'LOC-H', sku_code: 'SKU-H', quantity: i + 1 }] }));
    }
    const seen: Entry[] = [];
    let cursor = start.cursor;
    const settled = Promise.all(writes);
    let done = false;
    void settled.then(() => (done = true));
    while (!done) {
      const page = await follow(api, cursor);
      seen.push(...page.entries);
      cursor = page.cursor;
    }
    expect((await settled).map((r) => r.status).filter((s) => s !== 201 && s !== 200)).toEqual([]);
    const rest = await follow(api, cursor);
    seen.push(...rest.entries);
    const after = (await storedOrder()).slice(before.length);
    expect(seen.map((e: Entry) => [e.id, e.type, e.version])).toEqual(after.map((e) => [e.id, e.type, e.version]));
    // Read again now, an inventory entry carries the pair's current inventory record.
    const inventory = (await follow(api, start.cursor, '&resources=inventory')).entries;
    expect(inventory.length).toBeGreaterThan(0);
    const level = await api.get('inventory/LOC-H/');
    for (const entry of inventory) {
      expect(entry.identifier).toBe('LOC-H');
      expect(entry.record).toEqual(level.body.data.find((r: Entry) => r.sku_code === 'SKU-H'));
    }
    // Nothing new: empty data and the same cursor.
    const idle = await api.get(`changes/?after=${encodeURIComponent(rest.cursor)}`);
    expect(idle.body).toEqual({ success: true, data: [], pagination: { limit: 100, next_cursor: rest.cursor } });
    // The resources filter.
    const onlyProducts = await follow(api, start.cursor, '&resources=products');
    expect(onlyProducts.entries.every((e: Entry) => e.resource === 'product')).toBe(true);
    expect(onlyProducts.entries).toHaveLength(20);
  });

  it('#87 changes/?wait=10 with nothing new answers empty within 10 s, and early when a write arrives', async () => {
    const { cursor } = await follow(api, null);
    const t0 = Date.now();
    const quiet = await api.get(`changes/?wait=2&after=${encodeURIComponent(cursor)}`);
    const quietMs = Date.now() - t0;
    expect(quiet.body.data).toEqual([]);
    expect(quiet.body.pagination.next_cursor).toBe(cursor);
    expect(quietMs).toBeGreaterThanOrEqual(1_900);
    expect(quietMs).toBeLessThan(10_000);

    const t1 = Date.now();
    const waiting = api.get(`changes/?wait=10&after=${encodeURIComponent(cursor)}`);
    await new Promise((r) => setTimeout(r, 500));
    await createRecord(api, 'products/', aProductBody('SKU-WAKE'));
    const woken = await waiting;
    const wokenMs = Date.now() - t1;
    expect(woken.status).toBe(200);
    expect(woken.body.data.map((e: Entry) => [e.resource, e.identifier, e.type])).toEqual([['product', 'SKU-WAKE', 'ProductCreated']]);
    expect(wokenMs).toBeLessThan(5_000);
    expectError(await api.get('changes/?wait=31'), 400, 'VALIDATION_ERROR');
  });

  it('answers HEAD and OPTIONS on the feed and history routes, 405 with Allow for other methods', async () => {
    const head = await api.request('HEAD', 'changes/');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const options = await api.request('OPTIONS', 'changes/');
    expect(options.status).toBe(204);
    expect(options.headers['allow']).toBe('GET, HEAD, OPTIONS');
    const del = await api.del('changes/');
    expect(del.status).toBe(405);
    expect(del.headers['allow']).toBe('GET, HEAD, OPTIONS');
    expect((await api.request('HEAD', 'orders/ERP-H1/history/')).status).toBe(200);
    expect((await api.request('OPTIONS', 'orders/ERP-H1/history/')).headers['allow']).toBe('GET, HEAD, OPTIONS');
    // The trailing slash is optional, as on every route.
    expect((await api.get('changes')).status).toBe(200);
    expect((await api.get('orders/ERP-H1/history')).status).toBe(200);
  });

  it('#88 another tenant’s cursor gets 400 VALIDATION_ERROR; a key without orders read scope asking for resources=orders gets 403 PERMISSION_DENIED', async () => {
    const theirs = (await other.get('changes/')).body.pagination.next_cursor as string;
    const res = await api.get(`changes/?after=${encodeURIComponent(theirs)}`);
    expectError(res, 400, 'VALIDATION_ERROR');
    expect(res.body.error.details).toEqual({ after: ['Invalid cursor.'] });
    expect(JSON.stringify(res.body)).not.toContain('ORD-H1');
    // A cursor altered by one character.
    const mine = (await api.get('changes/?limit=1')).body.pagination.next_cursor as string;
    const altered = `${mine.slice(0, 5)}${mine[5] === 'A' ? 'B' : 'A'}${mine.slice(6)}`;
    expectError(await api.get(`changes/?after=${encodeURIComponent(altered)}`), 400, 'VALIDATION_ERROR');

    const { key } = await platform.createKey('acme', { name: 'products only', scopes: ['integrations.products.read'] });
    const productsOnly = apiClient(platform, key);
    const denied = await productsOnly.get('changes/?resources=orders');
    expectError(denied, 403, 'PERMISSION_DENIED');
    expect(denied.body.error.details).toEqual({ required_scope: 'integrations.orders.read' });
    // Without `resources`: what the key can read.
    const readable = await follow(productsOnly, null);
    expect(readable.entries.length).toBeGreaterThan(0);
    expect(readable.entries.every((e: Entry) => e.resource === 'product')).toBe(true);
    expectError(await api.get('changes/?resources=orders,widgets'), 400, 'VALIDATION_ERROR');
    // The other tenant's feed holds none of acme's changes.
    expect((await follow(other, null)).entries).toEqual([]);
  });
});
