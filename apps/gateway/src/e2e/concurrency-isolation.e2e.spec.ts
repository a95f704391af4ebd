/**
 * Black-box tests through the gateway (real services, real PostgreSQL) of
 * - concurrency: natural-key races on order create, concurrent PUTs without lost updates,
 *   read-your-writes (conventions.md §11–12, orders.md §2 rule 4);
 * - tenant isolation: one tenant's key can neither see nor change another tenant's data, and is
 *   refused on another tenant's host (conventions.md §1);
 * - bad input: malformed or hostile bodies and identifiers get the spec's 4xx, never a 5xx,
 *   and change nothing — verified through the API and by counting stored events.
 * The database is only read (to count events), never written.
 */
import type { ApiResponse, TestPlatform } from '@datamingle/testing';
import {
  apiClient,
  EventStoreReader,
  expectError,
  expectFieldError,
  listAll,
  nestedObject,
  ORDER_KEYS,
  PRODUCT_KEYS,
  type ApiClient,
} from './testing-support/e2e-api';
import { aMinimalOrderBody, createRecord as create, startApiSuite, stopAll } from './testing-support/e2e-setup';

/* eslint-disable @typescript-eslint/no-explicit-any */

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('Concurrency, tenant isolation and bad input', () => {
  let platform: TestPlatform;
  let api: ApiClient; // tenant acme
  let events: EventStoreReader;

  beforeAll(async () => {
    ({ platform, api, events } = await startApiSuite('concurrency'));
    await create(api, 'products/', { sku: 'RACE-SKU' });
  }, 60_000);

  afterAll(() => stopAll(platform, events));

  describe('concurrency', () => {
    it('20 concurrent POSTs with one order_number: exactly one 201, 19 × 400 VALIDATION_ERROR "order_number already exists"', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.post('orders/', { order_number: 'RACE-ORD', customer_name: `writer ${i}`, items: [{ sku_code: 'RACE-SKU', quantity: i + 1 }] }),
        ),
      );
      const created = responses.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      const losers = responses.filter((r) => r.status !== 201);
      expect(losers).toHaveLength(19);
      for (const res of losers) {
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.message).toContain('order_number already exists');
        expect(error.details).toEqual({ order_number: ['An order with this order_number already exists.'] });
      }
      const listed = (await listAll(api, 'orders/')).filter((o) => o.order_number === 'RACE-ORD');
      expect(listed).toEqual([created[0]!.body.data]);
      expect(await events.count(`event_type = 'OrderCreated' AND data->>'order_number' = 'RACE-ORD'`)).toBe(1);
    });

    it('20 concurrent creates of different orders sharing one external_order_id: exactly one 201', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.post('orders/', aMinimalOrderBody(`RACE-EXT-${i}`, 'RACE-SKU', { external_order_id: 'RACE-EXT' })),
        ),
      );
      const created = responses.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      for (const res of responses.filter((r) => r.status !== 201)) {
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.message).toContain('external_order_id already exists');
      }
      const winner = created[0]!.body.data;
      const all = await listAll(api, 'orders/');
      expect(all.filter((o) => o.external_order_id === 'RACE-EXT')).toEqual([winner]);
      expect(all.filter((o) => String(o.order_number).startsWith('RACE-EXT-'))).toEqual([winner]);
      expect((await api.get('orders/RACE-EXT/')).body.data).toEqual(winner);
      expect(await events.count(`event_type = 'OrderCreated' AND data->>'external_order_id' = 'RACE-EXT'`)).toBe(1);

      // the losers left nothing behind: their order_numbers are free
      for (let i = 0; i < 20; i++) {
        if (`RACE-EXT-${i}` === winner.order_number) continue;
        expectError(await api.get(`orders/RACE-EXT-${i}/`), 404, 'NOT_FOUND');
        expect((await api.post('orders/', aMinimalOrderBody(`RACE-EXT-${i}`, 'RACE-SKU'))).status).toBe(201);
      }
    });

    it('20 concurrent PUTs on one order: every answer 200 (or 409 CONFLICT changing nothing), no lost update', async () => {
      const order = await create(api, 'orders/', aMinimalOrderBody('RACE-PUT', 'RACE-SKU'));
      const stream = await events.streamOf(order.id);
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => api.put('orders/RACE-PUT/', { metadata: { writer: i } })));

      const ok: Array<{ writer: number; data: any }> = [];
      responses.forEach((res, writer) => {
        if (res.status === 409) {
          expectError(res, 409, 'CONFLICT');
          return;
        }
        expect({ writer, status: res.status, text: res.status === 200 ? '' : res.text }).toEqual({ writer, status: 200, text: '' });
        // each successful answer shows its own write
        expect(res.body.data.metadata).toEqual({ writer });
        expect(Object.keys(res.body.data)).toEqual(ORDER_KEYS);
        ok.push({ writer, data: res.body.data });
      });
      expect(ok.length).toBeGreaterThan(0);

      // every 200 stored exactly one event; the 409s stored none
      const updates = await events.query(
        `SELECT data FROM event_store.events
          WHERE stream_name = $1 AND event_type = 'OrderUpdated' AND data->'changes' ? 'metadata'
          ORDER BY stream_revision`,
        [stream],
      );
      expect(updates).toHaveLength(ok.length);
      const writers = updates.map((u) => u.data.changes.metadata.writer);
      expect(new Set(writers).size).toBe(ok.length);
      expect([...writers].sort((a, b) => a - b)).toEqual(ok.map((o) => o.writer).sort((a, b) => a - b));

      // the final state is the last applied write, exactly as its 200 answer showed it
      const final = await api.get('orders/RACE-PUT/');
      expect(final.status).toBe(200);
      expect(ok.map((o) => o.data)).toContainEqual(final.body.data);
      const lastWriter = writers[writers.length - 1];
      expect(final.body.data).toEqual(ok.find((o) => o.writer === lastWriter)!.data);
      expect({ ...final.body.data, metadata: null, updated_at: null }).toEqual({ ...order, metadata: null, updated_at: null });
    });

    it('concurrent PUTs and a create claiming one external_order_id: exactly one wins, the others get the duplicate error', async () => {
      const orders = [];
      for (let i = 0; i < 10; i++) orders.push(await create(api, 'orders/', aMinimalOrderBody(`CLAIM-${i}`, 'RACE-SKU')));
      const responses = await Promise.all([
        ...orders.map((o) => api.put(`orders/${o.order_number}/`, { external_order_id: 'CLAIMED-EXT' })),
        api.post('orders/', aMinimalOrderBody('CLAIM-NEW', 'RACE-SKU', { external_order_id: 'CLAIMED-EXT' })),
      ]);
      const winners = responses.filter((r) => r.status === 200 || r.status === 201);
      expect(winners).toHaveLength(1);
      for (const res of responses.filter((r) => r.status !== 200 && r.status !== 201)) {
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.message).toContain('external_order_id already exists');
      }
      const holders = (await listAll(api, 'orders/')).filter((o) => o.external_order_id === 'CLAIMED-EXT');
      expect(holders).toEqual([winners[0]!.body.data]);
      expect((await api.get('orders/CLAIMED-EXT/')).body.data).toEqual(winners[0]!.body.data);
    });

    it('concurrent PUTs racing a cancellation: every PUT that returned 200 was applied before the cancellation', async () => {
      const order = await create(api, 'orders/', aMinimalOrderBody('RACE-CANCEL', 'RACE-SKU'));
      const stream = await events.streamOf(order.id);
      const puts = Array.from({ length: 15 }, (_, i) => api.put('orders/RACE-CANCEL/', { metadata: { writer: i } }));
      const cancel = api.del('orders/RACE-CANCEL/', { reason: 'race' });
      const [cancelled, ...answers] = await Promise.all([cancel, ...puts]);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data).toMatchObject({ status: 'cancelled', cancellation_reason: 'race' });
      const ok: number[] = [];
      answers.forEach((res, writer) => {
        if (res.status === 200) {
          expect(res.body.data.metadata).toEqual({ writer });
          ok.push(writer);
        } else if (res.status === 409) {
          expectError(res, 409, 'CONFLICT');
        } else {
          expect(expectError(res, 400, 'SERVICE_ERROR').message).toBe('Order is cancelled and can no longer be updated.');
        }
      });
      const stored = await events.query(`SELECT event_type, data FROM event_store.events WHERE stream_name = $1 ORDER BY stream_revision`, [stream]);
      expect(stored.map((e) => e.event_type)).toEqual(['OrderCreated', ...ok.map(() => 'OrderUpdated'), 'OrderCancelled']);
      const final = (await api.get('orders/RACE-CANCEL/')).body.data;
      expect(final).toEqual(cancelled.body.data);
      const lastWriter = ok.length ? { writer: stored[stored.length - 2].data.changes.metadata.writer } : {};
      expect(final.metadata).toEqual(lastWriter);
    });

    it('read-your-writes: 30 × (create product, create an order with it, GET the order) all succeed', async () => {
      for (let i = 0; i < 30; i++) {
        const sku = `RYW-SKU-${i}`;
        const product = await api.post('products/', { sku });
        expect({ i, step: 'product', status: product.status }).toEqual({ i, step: 'product', status: 201 });
        const order = await api.post('orders/', aMinimalOrderBody(`RYW-ORD-${i}`, sku, { external_order_id: `RYW-EXT-${i}` }));
        expect({ i, step: 'order', status: order.status, text: order.status === 201 ? '' : order.text }).toEqual({ i, step: 'order', status: 201, text: '' });
        for (const identifier of [`RYW-EXT-${i}`, `RYW-ORD-${i}`]) {
          const got = await api.get(`orders/${identifier}/`);
          expect({ i, identifier, status: got.status }).toEqual({ i, identifier, status: 200 });
          expect(got.body.data).toEqual(order.body.data);
        }
        const got = await api.get(`products/${sku}/`);
        expect({ i, step: 'product GET', status: got.status }).toEqual({ i, step: 'product GET', status: 200 });
      }
    });
  });

  describe('tenant isolation', () => {
    let a: ApiClient;
    let b: ApiClient;
    let tenantA: { id: string };
    let tenantB: { id: string };
    const aData = { orders: [] as any[], products: [] as any[] };
    const bData = { orders: [] as any[], products: [] as any[] };

    async function seed(client: ApiClient, prefix: string, into: typeof aData): Promise<void> {
      into.products.push(await create(client, 'products/', { sku: `${prefix}-SKU`, name: `${prefix} product` }));
      into.products.push(await create(client, 'products/', { sku: 'SHARED-SKU', name: `${prefix} shared product`, custom_fields: { owner: prefix } }));
      into.orders.push(
        await create(client, 'orders/', {
          order_number: `${prefix}-ORD`,
          external_order_id: `${prefix}-EXT`,
          customer_name: `${prefix} customer`,
          items: [{ sku_code: `${prefix}-SKU`, quantity: 1 }],
        }),
      );
      into.orders.push(
        await create(client, 'orders/', {
          order_number: 'SHARED-ORD',
          external_order_id: 'SHARED-EXT',
          customer_name: `${prefix} shared customer`,
          items: [{ sku_code: 'SHARED-SKU', quantity: 2 }],
        }),
      );
    }

    /** B's records as B sees them, and the number of events in B's streams. */
    async function bState() {
      return {
        orders: await listAll(b, 'orders/'),
        products: await listAll(b, 'products/'),
        order: (await b.get('orders/B-ORD/')).body,
        product: (await b.get('products/B-SKU/')).body,
        events: await events.count(`stream_name LIKE '%' || $1 || '%'`, [tenantB.id]),
      };
    }

    beforeAll(async () => {
      tenantA = await platform.createTenant('tenant-a');
      tenantB = await platform.createTenant('tenant-b');
      a = apiClient(platform, (await platform.createKey('tenant-a', { name: 'tenant a' })).key, 'tenant-a.localhost');
      b = apiClient(platform, (await platform.createKey('tenant-b', { name: 'tenant b' })).key, 'tenant-b.localhost');
      await seed(a, 'A', aData);
      await seed(b, 'B', bData);
    }, 30_000);

    it('the same order_number and sku exist independently in both tenants', async () => {
      const orderA = (await a.get('orders/SHARED-ORD/')).body.data;
      const orderB = (await b.get('orders/SHARED-ORD/')).body.data;
      expect(orderA.customer_name).toBe('A shared customer');
      expect(orderB.customer_name).toBe('B shared customer');
      expect(orderA.id).not.toBe(orderB.id);
      expect((await a.get('orders/SHARED-EXT/')).body.data.id).toBe(orderA.id);
      expect((await b.get('orders/SHARED-EXT/')).body.data.id).toBe(orderB.id);
      const productA = (await a.get('products/SHARED-SKU/')).body.data;
      const productB = (await b.get('products/SHARED-SKU/')).body.data;
      expect(productA.custom_fields).toEqual({ owner: 'A' });
      expect(productB.custom_fields).toEqual({ owner: 'B' });
      expect(productA.id).not.toBe(productB.id);
      // acme (a third tenant) can use the same keys too
      expect((await api.post('products/', { sku: 'SHARED-SKU' })).status).toBe(201);
    });

    it("A's key on A's host cannot read B's records: item GET/HEAD → 404, lists show only A's", async () => {
      for (const path of ['orders/B-ORD/', 'orders/B-EXT/', 'products/B-SKU/']) {
        const res = await a.get(path);
        expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
        expect((await a.request('HEAD', path)).status).toBe(404);
      }
      const orders = await listAll(a, 'orders/');
      expect(orders.map((o) => o.id).sort()).toEqual(aData.orders.map((o) => o.id).sort());
      const products = await listAll(a, 'products/');
      expect(products.map((p) => p.id).sort()).toEqual(aData.products.map((p) => p.id).sort());
      for (const id of [...bData.orders, ...bData.products].map((r) => r.id)) {
        expect(JSON.stringify(orders) + JSON.stringify(products)).not.toContain(id);
      }
      // filters do not widen the scope either
      const filtered = await listAll(a, 'orders/', 'status=pending,cancelled&updated_since=2000-01-01');
      expect(filtered.map((o) => o.id).sort()).toEqual(aData.orders.map((o) => o.id).sort());
    });

    it("A's key on A's host cannot change or cancel B's records: PUT/DELETE → 404 and B's records unchanged", async () => {
      const before = await bState();
      const attempts: Array<[string, string, unknown]> = [
        ['PUT', 'orders/B-ORD/', { notes: 'hacked by A' }],
        ['PUT', 'orders/B-EXT/', { metadata: { hacked: true } }],
        ['DELETE', 'orders/B-ORD/', { reason: 'hacked by A' }],
        ['DELETE', 'orders/B-EXT/', undefined],
        ['PUT', 'products/B-SKU/', { name: 'hacked by A', is_active: false }],
        ['DELETE', 'products/B-SKU/', undefined],
      ];
      for (const [method, path, body] of attempts) {
        const res = await a.request(method, path, body === undefined ? {} : { body });
        expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({ method, path, status: 404, code: 'NOT_FOUND' });
      }
      // B's product cannot be used by A either
      const order = await a.post('orders/', aMinimalOrderBody('A-USES-B', 'B-SKU'));
      expect(expectError(order, 400, 'SERVICE_ERROR').message).toBe('Products not found or inactive: B-SKU');
      // A's create with B's natural keys is not a duplicate of B's records
      expect((await a.post('orders/', aMinimalOrderBody('B-ORD', 'A-SKU', { external_order_id: 'B-EXT' }))).status).toBe(201);
      expect((await a.post('products/', { sku: 'B-SKU', name: 'A owns this one' })).status).toBe(201);
      expect(await bState()).toEqual(before);

      // changes through A's key to the shared keys only touch A's records
      expect((await a.put('orders/SHARED-ORD/', { notes: 'A only' })).status).toBe(200);
      expect((await a.del('orders/SHARED-EXT/', { reason: 'A only' })).status).toBe(200);
      expect((await a.del('products/SHARED-SKU/')).status).toBe(200);
      const after = await bState();
      expect(after).toEqual(before);
      const sharedB = (await b.get('orders/SHARED-ORD/')).body.data;
      expect(sharedB).toMatchObject({ status: 'pending', notes: null });
      expect((await b.get('products/SHARED-SKU/')).body.data.is_active).toBe(true);
      expect((await b.post('orders/', aMinimalOrderBody('B-ORD-2', 'SHARED-SKU'))).status).toBe(201);
    });

    it("A's key used with B's host (or an unknown tenant's host) gets 401 AUTHENTICATION_FAILED on every route and method", async () => {
      const before = await bState();
      const routes: Array<[string, string, unknown]> = [
        ['GET', 'orders/', undefined],
        ['HEAD', 'orders/', undefined],
        ['OPTIONS', 'orders/', undefined],
        ['POST', 'orders/', aMinimalOrderBody('A-ON-B', 'B-SKU')],
        ['GET', 'orders/B-ORD/', undefined],
        ['GET', 'orders/A-ORD/', undefined],
        ['HEAD', 'orders/B-ORD/', undefined],
        ['PUT', 'orders/B-ORD/', { notes: 'hacked by A' }],
        ['DELETE', 'orders/B-ORD/', { reason: 'hacked by A' }],
        ['GET', 'products/', undefined],
        ['POST', 'products/', { sku: 'A-ON-B' }],
        ['GET', 'products/B-SKU/', undefined],
        ['PUT', 'products/B-SKU/', { name: 'hacked by A' }],
        ['DELETE', 'products/B-SKU/', undefined],
      ];
      for (const host of ['tenant-b.localhost', 'tenant-b.localhost:8080', 'TENANT-B.localhost', 'tenant-c.localhost']) {
        for (const [method, path, body] of routes) {
          const res = await platform.request(method, `/api/integrations/v1/${path}`, { key: a.key, host, ...(body === undefined ? {} : { body }) });
          expect({ host, method, path, status: res.status }).toEqual({ host, method, path, status: 401 });
          expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
          if (method === 'HEAD') continue;
          expect(res.body).toEqual({
            detail: 'Invalid API key',
            success: false,
            error: { code: 'AUTHENTICATION_FAILED', message: 'Invalid API key' },
            request_id: res.headers['x-request-id'],
          });
        }
      }
      // an untrusted X-Forwarded-Host does not change the tenant
      const forwarded = await platform.request('GET', '/api/integrations/v1/orders/B-ORD/', {
        key: a.key,
        host: 'tenant-b.localhost',
        headers: { 'x-forwarded-host': 'tenant-a.localhost' },
      });
      expect(forwarded.status).toBe(401);
      const forwardedToB = await platform.request('GET', '/api/integrations/v1/orders/', {
        key: a.key,
        host: 'tenant-a.localhost',
        headers: { 'x-forwarded-host': 'tenant-b.localhost' },
      });
      expect(forwardedToB.status).toBe(200);
      expect(forwardedToB.body.data.some((o: any) => o.order_number === 'B-ORD-2')).toBe(false);
      // the host is lower-cased and a trailing dot and port are removed
      const normalised = await platform.request('GET', '/api/integrations/v1/orders/A-ORD/', { key: a.key, host: 'Tenant-A.LOCALHOST.:8080' });
      expect(normalised.status).toBe(200);
      expect(normalised.body.data.customer_name).toBe('A customer');

      expect(await bState()).toEqual(before);
      expect((await listAll(a, 'orders/')).some((o) => o.order_number === 'A-ON-B')).toBe(false);
      expect((await a.get('products/A-ON-B/')).status).toBe(404);
    });
  });

  describe('bad input changes nothing', () => {
    let order: any;
    let product: any;

    async function snapshot() {
      return {
        orders: await listAll(api, 'orders/'),
        products: await listAll(api, 'products/'),
        order: (await api.get('orders/BAD-ORD/')).body,
        product: (await api.get('products/BAD-SKU/')).body,
        events: await events.count(),
      };
    }

    /** Runs `body`, then proves through the API and the event store that nothing changed. */
    async function expectNothingChanged(body: () => Promise<void>): Promise<void> {
      const before = await snapshot();
      await body();
      const after = await snapshot();
      expect(after.events).toBe(before.events);
      expect(after).toEqual(before);
    }

    function expect4xx(res: ApiResponse, label: string, status: number, code: string): any {
      expect({ label, status: res.status, code: res.body?.error?.code }).toEqual({ label, status, code });
      return res.body.error;
    }

    /** 400 VALIDATION_ERROR with `message` under `path` (or, when `nested`, under `path` or a path inside it). */
    function expectInvalid(res: ApiResponse, label: string, path: string, message: string, nested = false): void {
      const error = expect4xx(res, label, 400, 'VALIDATION_ERROR');
      const keys = Object.keys(error.details ?? {}).filter((k) => k === path || (nested && (k.startsWith(`${path}.`) || k.startsWith(`${path}[`))));
      expect({ label, keys: keys.length > 0, details: error.details }).toEqual({ label, keys: true, details: error.details });
      expect({ label, message: keys.some((k) => error.details[k].includes(message)), details: error.details }).toEqual({
        label,
        message: true,
        details: error.details,
      });
    }

    const validOrder = () => aMinimalOrderBody('BAD-NEW', 'BAD-SKU');
    const targets = () => [
      { label: 'POST orders/', method: 'POST', path: 'orders/', base: validOrder() as Record<string, unknown> },
      { label: 'PUT orders/BAD-ORD/', method: 'PUT', path: 'orders/BAD-ORD/', base: {} as Record<string, unknown> },
      { label: 'POST products/', method: 'POST', path: 'products/', base: { sku: 'BAD-NEW-SKU' } as Record<string, unknown> },
      { label: 'PUT products/BAD-SKU/', method: 'PUT', path: 'products/BAD-SKU/', base: {} as Record<string, unknown> },
    ];

    beforeAll(async () => {
      product = await create(api, 'products/', { sku: 'BAD-SKU', name: 'bad input target', quantity: 1, cost: '1.25', custom_fields: { k: 'v' } });
      order = await create(api, 'orders/', {
        order_number: 'BAD-ORD',
        external_order_id: 'BAD-EXT',
        customer_name: 'target',
        customer_info: { a: 1 },
        notes: 'keep me',
        metadata: { m: 1 },
        items: [{ sku_code: 'BAD-SKU', quantity: 3 }],
      });
    });

    it('malformed JSON and non-object bodies get 400 VALIDATION_ERROR', async () => {
      await expectNothingChanged(async () => {
        const malformed: Array<string | Buffer> = [
          '{',
          '{"order_number": "BAD-NEW",}',
          "{'sku': 'BAD-NEW'}",
          '{"a": 1} {"b": 2}',
          '{"a": tru}',
          '{"a": "unterminated}',
          '{"a": NaN}',
          Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"a":"<invalid UTF-8>"}
        ];
        for (const { label, method, path } of targets()) {
          for (const rawBody of malformed) {
            const res = await api.request(method, path, { rawBody, headers: JSON_HEADERS });
            const error = expect4xx(res, `${label} ${rawBody.toString()}`, 400, 'VALIDATION_ERROR');
            expect(error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
            expect(error.message).toMatch(/^Malformed JSON: /);
          }
          for (const rawBody of ['[]', '"x"', '1', 'null', 'true', JSON.stringify(Array.from({ length: 1001 }, () => validOrder()))]) {
            const res = await api.request(method, path, { rawBody, headers: JSON_HEADERS });
            const error = expect4xx(res, `${label} ${rawBody.slice(0, 20)}`, 400, 'VALIDATION_ERROR');
            expect(error.details).toEqual({ non_field_errors: ['Expected a JSON object at the top level.'] });
          }
        }
        // DELETE bodies are parsed the same way
        for (const path of ['orders/BAD-ORD/', 'products/BAD-SKU/']) {
          expect4xx(await api.request('DELETE', path, { rawBody: '{', headers: JSON_HEADERS }), `DELETE ${path}`, 400, 'VALIDATION_ERROR');
          expect4xx(await api.request('DELETE', path, { rawBody: '[]', headers: JSON_HEADERS }), `DELETE ${path}`, 400, 'VALIDATION_ERROR');
        }
      });
    });

    it('bodies not declared as JSON get 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      await expectNothingChanged(async () => {
        for (const { label, method, path, base } of targets()) {
          const rawBody = JSON.stringify({ ...base, notes: 'x', name: 'x' });
          for (const headers of [
            { 'content-type': 'text/plain' },
            { 'content-type': 'application/x-www-form-urlencoded' },
            { 'content-type': 'application/json; charset=latin1' },
            { 'content-type': 'application/json', 'content-encoding': 'gzip' },
            {},
          ] as Array<Record<string, string>>) {
            const res = await api.request(method, path, { rawBody, headers });
            const error = expect4xx(res, `${label} ${JSON.stringify(headers)}`, 415, 'UNSUPPORTED_MEDIA_TYPE');
            expect(error.details).toEqual({ content_type: headers['content-type'] ?? '' });
          }
        }
      });
    });

    it('wrong types for every field get 400 VALIDATION_ERROR naming the field', async () => {
      const NOT_STRING = 'Not a valid string.';
      const NOT_OBJECT = 'Expected a JSON object.';
      const NOT_DATETIME = 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.';
      const NOT_INTEGER = 'A valid integer is required.';
      const orderHeader: Array<[string, unknown[], string]> = [
        ['customer_name', [true, [], {}, 1.5], NOT_STRING],
        ['customer_info', ['x', [], 5, true], NOT_OBJECT],
        ['notes', [false, ['n'], { n: 1 }, 2.5], NOT_STRING],
        ['order_date', [true, 'not a date', {}, [], '2026-13-45', 20260101], NOT_DATETIME],
        ['due_date', [false, 'tomorrow', {}, '2026-02-30'], NOT_DATETIME],
        ['metadata', ['x', [1], 7, false], NOT_OBJECT],
        ['external_order_id', [true, [], {}, 1.5], NOT_STRING],
      ];
      await expectNothingChanged(async () => {
        for (const [field, values, message] of orderHeader) {
          for (const value of values) {
            expectInvalid(await api.post('orders/', { ...validOrder(), [field]: value }), `POST orders/ ${field}=${JSON.stringify(value)}`, field, message);
            expectInvalid(await api.put('orders/BAD-ORD/', { [field]: value }), `PUT orders/ ${field}=${JSON.stringify(value)}`, field, message);
          }
        }
        for (const value of [true, [], {}, 1.5, null]) {
          const message = value === null ? 'This field may not be null.' : NOT_STRING;
          expectInvalid(await api.post('orders/', { ...validOrder(), order_number: value }), `POST order_number=${JSON.stringify(value)}`, 'order_number', message);
        }
        for (const value of [true, [], {}]) {
          expectInvalid(await api.put('orders/BAD-ORD/', { order_number: value }), `PUT order_number=${JSON.stringify(value)}`, 'order_number', NOT_STRING);
        }
        const lines: Array<[string, unknown, string, string]> = [
          ['items', 'x', 'items', 'Expected a list of items.'],
          ['items', { sku_code: 'BAD-SKU', quantity: 1 }, 'items', 'Expected a list of items.'],
          ['items', 5, 'items', 'Expected a list of items.'],
          ['items[0]', ['x'], 'items[0]', NOT_OBJECT],
          ['items[0]', [5], 'items[0]', NOT_OBJECT],
          ['items[0]', [[]], 'items[0]', NOT_OBJECT],
          ['items[0].sku_code', [{ sku_code: true, quantity: 1 }], 'items[0].sku_code', NOT_STRING],
          ['items[0].sku_code', [{ sku_code: {}, quantity: 1 }], 'items[0].sku_code', NOT_STRING],
          ['items[0].sku_code', [{ sku_code: null, quantity: 1 }], 'items[0].sku_code', 'This field may not be null.'],
          ['items[0].quantity', [{ sku_code: 'BAD-SKU', quantity: '1' }], 'items[0].quantity', NOT_INTEGER],
          ['items[0].quantity', [{ sku_code: 'BAD-SKU', quantity: true }], 'items[0].quantity', NOT_INTEGER],
          ['items[0].quantity', [{ sku_code: 'BAD-SKU', quantity: {} }], 'items[0].quantity', NOT_INTEGER],
          ['items[0].quantity', [{ sku_code: 'BAD-SKU', quantity: 1e300 }], 'items[0].quantity', NOT_INTEGER],
          ['items[0].quantity', [{ sku_code: 'BAD-SKU', quantity: null }], 'items[0].quantity', 'This field may not be null.'],
          ['items[0].notes', [{ sku_code: 'BAD-SKU', quantity: 1, notes: [] }], 'items[0].notes', NOT_STRING],
          ['items[0].notes', [{ sku_code: 'BAD-SKU', quantity: 1, notes: false }], 'items[0].notes', NOT_STRING],
        ];
        for (const [label, items, path, message] of lines) {
          expectInvalid(await api.post('orders/', { ...validOrder(), items }), `POST orders/ ${label}=${JSON.stringify(items)}`, path, message);
        }
        // integral numbers whose magnitude exceeds 2^53 are not valid integers (not a range error)
        for (const number of ['9007199254740994', '-9007199254740994', '18014398509481984', '1e20']) {
          const huge = await api.request('POST', 'orders/', {
            rawBody: `{"order_number": "BAD-NEW", "items": [{"sku_code": "BAD-SKU", "quantity": ${number}}]}`,
            headers: JSON_HEADERS,
          });
          expectInvalid(huge, `quantity ${number}`, 'items[0].quantity', NOT_INTEGER);
        }
        // DELETE orders: reason
        for (const reason of [true, [], {}]) {
          expectInvalid(await api.del('orders/BAD-ORD/', { reason }), `DELETE reason=${JSON.stringify(reason)}`, 'reason', NOT_STRING);
        }

        const productFields: Array<[string, unknown[], string]> = [
          ['name', [true, [], {}, 1.5], NOT_STRING],
          ['quantity', ['5', true, 1.5, {}, [], 1e300], NOT_INTEGER],
          ['is_active', ['true', 1, 0, 'yes', {}], 'Must be a valid boolean.'],
          ['cost', [true, [], {}, 'abc', '1,5', '1e3x'], 'A valid number is required.'],
          ['custom_fields', ['x', [], 3, true], NOT_OBJECT],
        ];
        for (const [field, values, message] of productFields) {
          for (const value of values) {
            expectInvalid(await api.post('products/', { sku: 'BAD-NEW-SKU', [field]: value }), `POST products/ ${field}=${JSON.stringify(value)}`, field, message);
            expectInvalid(await api.put('products/BAD-SKU/', { [field]: value }), `PUT products/ ${field}=${JSON.stringify(value)}`, field, message);
          }
        }
        for (const field of ['quantity', 'is_active']) {
          expectInvalid(await api.post('products/', { sku: 'BAD-NEW-SKU', [field]: null }), `POST products/ ${field}=null`, field, 'This field may not be null.');
          expectInvalid(await api.put('products/BAD-SKU/', { [field]: null }), `PUT products/ ${field}=null`, field, 'This field may not be null.');
        }
        for (const value of [true, [], {}, 1.5]) {
          expectInvalid(await api.post('products/', { sku: value }), `POST products/ sku=${JSON.stringify(value)}`, 'sku', NOT_STRING);
          expectInvalid(await api.put('products/BAD-SKU/', { sku: value }), `PUT products/ sku=${JSON.stringify(value)}`, 'sku', NOT_STRING);
        }
      });
    });

    it('an integral number just above 2^53 (9007199254740993) is not a valid integer', async () => {
      // conventions.md §7: numbers whose magnitude exceeds 2^53 are rejected with "A valid integer is required."
      await expectNothingChanged(async () => {
        const order = await api.request('POST', 'orders/', {
          rawBody: '{"order_number": "BAD-NEW", "items": [{"sku_code": "BAD-SKU", "quantity": 9007199254740993}]}',
          headers: JSON_HEADERS,
        });
        const product = await api.request('PUT', 'products/BAD-SKU/', { rawBody: '{"quantity": 9007199254740993}', headers: JSON_HEADERS });
        expect({ order: [order.status, order.body?.error?.details], product: [product.status, product.body?.error?.details] }).toEqual({
          order: [400, { 'items[0].quantity': ['A valid integer is required.'] }],
          product: [400, { quantity: ['A valid integer is required.'] }],
        });
      });
    });

    it('arrays of 1,001 items get 400 VALIDATION_ERROR', async () => {
      const lines = Array.from({ length: 1001 }, () => ({ sku_code: 'BAD-SKU', quantity: 1 }));
      const array = Array.from({ length: 1001 }, (_, i) => i);
      await expectNothingChanged(async () => {
        expectInvalid(await api.post('orders/', { ...validOrder(), items: lines }), 'POST items×1001', 'items', 'Ensure this field has no more than 1000 elements.');
        expectInvalid(await api.put('orders/BAD-ORD/', { items: lines }), 'PUT items×1001', 'items', 'Order lines cannot be changed with PUT.');
        expectInvalid(await api.post('orders/', { ...validOrder(), metadata: array }), 'POST metadata=array', 'metadata', 'Expected a JSON object.');
        expectInvalid(await api.put('orders/BAD-ORD/', { customer_info: array }), 'PUT customer_info=array', 'customer_info', 'Expected a JSON object.');
        expectInvalid(await api.post('products/', { sku: 'BAD-NEW-SKU', custom_fields: array }), 'POST custom_fields=array', 'custom_fields', 'Expected a JSON object.');
        expectInvalid(await api.put('products/BAD-SKU/', { custom_fields: array }), 'PUT custom_fields=array', 'custom_fields', 'Expected a JSON object.');
      });
    });

    it('unknown fields are ignored and not stored', async () => {
      const MARK = 'zz-unknown-field-marker';
      const created = await api.post('orders/', {
        order_number: 'UNKNOWN-FIELDS',
        [MARK]: MARK,
        items: [{ sku_code: 'BAD-SKU', quantity: 1, [MARK]: MARK, id: MARK, verified_quantity: 5, verification_status: 'verified', sku: { sku: 'X' } }],
      });
      expect(created.status).toBe(201);
      expect(Object.keys(created.body.data)).toEqual(ORDER_KEYS);
      expect(created.body.data.items[0]).toMatchObject({ sku: { sku: 'BAD-SKU' }, verified_quantity: 0, verification_status: 'pending' });
      expect(created.body.data.items[0].id).not.toBe(MARK);
      const createdProduct = await api.post('products/', { sku: 'UNKNOWN-FIELDS', [MARK]: MARK });
      expect(createdProduct.status).toBe(201);
      expect(Object.keys(createdProduct.body.data).sort()).toEqual([...PRODUCT_KEYS].sort());
      expect(createdProduct.text).not.toContain(MARK);
      expect(created.text).not.toContain(MARK);

      await expectNothingChanged(async () => {
        for (const [path, expected] of [
          ['orders/BAD-ORD/', order],
          ['products/BAD-SKU/', product],
        ] as const) {
          const res = await api.put(path, { [MARK]: MARK, id: MARK, created_at: '2000-01-01T00:00:00Z', updated_at: '2000-01-01T00:00:00Z', status: 'shipped' });
          expect(res.status).toBe(200);
          expect(res.body.data).toEqual(expected);
        }
      });
      expect(await events.count(`data::text LIKE '%' || $1 || '%'`, [MARK])).toBe(0);
      expect((await api.get('orders/UNKNOWN-FIELDS/')).text).not.toContain(MARK);
    });

    it('undecodable, NUL-containing, %2F-containing and over-long identifiers get 404 on GET, PUT and DELETE', async () => {
      const identifiers = (base: string) => [
        '%2F',
        `${base}%2F`,
        `%2F${base}`,
        '%ZZ',
        `${base}%ZZ`,
        `${base}%`,
        `${base}%A`,
        '%00',
        `${base}%00`,
        `%00${base}`,
        '%ED%A0%80',
        `${base}%ED%A0%80`,
        `${base}%FF`,
        'X'.repeat(101),
        `${base}${'X'.repeat(101 - base.length)}`,
        `${base}%20`,
      ];
      await expectNothingChanged(async () => {
        for (const [collection, base, body] of [
          ['orders', 'BAD-ORD', { notes: 'changed' }],
          ['products', 'BAD-SKU', { name: 'changed', is_active: false }],
        ] as const) {
          for (const identifier of identifiers(base)) {
            for (const method of ['GET', 'PUT', 'DELETE']) {
              const res = await api.request(method, `${collection}/${identifier}/`, method === 'PUT' ? { body } : {});
              expect4xx(res, `${method} ${collection}/${identifier}/`, 404, 'NOT_FOUND');
            }
          }
        }
      });
    });

    it('strings of 100,001 characters get 400 VALIDATION_ERROR', async () => {
      const long = 'x'.repeat(100_001);
      const tooLong = (n: number) => `Ensure this field has no more than ${n} characters.`;
      await expectNothingChanged(async () => {
        const orderFields: Array<[string, number]> = [
          ['order_number', 100],
          ['external_order_id', 100],
          ['customer_name', 255],
          ['notes', 5000],
        ];
        for (const [field, n] of orderFields) {
          expectInvalid(await api.post('orders/', { ...validOrder(), [field]: long }), `POST orders/ ${field}`, field, tooLong(n));
          if (field !== 'order_number') expectInvalid(await api.put('orders/BAD-ORD/', { [field]: long }), `PUT orders/ ${field}`, field, tooLong(n));
        }
        expect4xx(await api.put('orders/BAD-ORD/', { order_number: long }), 'PUT orders/ order_number', 400, 'VALIDATION_ERROR');
        expectInvalid(
          await api.post('orders/', { ...validOrder(), items: [{ sku_code: long, quantity: 1 }] }),
          'POST items[0].sku_code',
          'items[0].sku_code',
          tooLong(100),
        );
        expectInvalid(
          await api.post('orders/', { ...validOrder(), items: [{ sku_code: 'BAD-SKU', quantity: 1, notes: long }] }),
          'POST items[0].notes',
          'items[0].notes',
          tooLong(5000),
        );
        expectInvalid(await api.del('orders/BAD-ORD/', { reason: long }), 'DELETE reason', 'reason', tooLong(500));
        expectInvalid(await api.post('products/', { sku: long }), 'POST products/ sku', 'sku', tooLong(100));
        expectInvalid(await api.post('products/', { sku: 'BAD-NEW-SKU', name: long }), 'POST products/ name', 'name', tooLong(255));
        expectInvalid(await api.put('products/BAD-SKU/', { name: long }), 'PUT products/ name', 'name', tooLong(255));
        expect4xx(await api.put('products/BAD-SKU/', { sku: long }), 'PUT products/ sku', 400, 'VALIDATION_ERROR');
        expect4xx(await api.post('products/', { sku: 'BAD-NEW-SKU', cost: `1${'0'.repeat(100_000)}` }), 'POST products/ cost', 400, 'VALIDATION_ERROR');
      });
    });

    it('bodies nested deeper than 64 levels get 400 VALIDATION_ERROR (malformed JSON)', async () => {
      // the top-level object is level 1, so a 64-level object inside a field makes 65 levels
      const deepObject = nestedObject(64);
      let deepArray: unknown = [];
      for (let i = 1; i < 64; i++) deepArray = [deepArray];
      await expectNothingChanged(async () => {
        for (const { label, method, path, base } of targets()) {
          const field = path.startsWith('orders') ? 'metadata' : 'custom_fields';
          for (const [kind, deep] of [
            ['object', deepObject],
            ['array', { a: deepArray }],
          ] as const) {
            const res = await api.request(method, path, { body: { ...base, [field]: deep } });
            const error = expect4xx(res, `${label} ${kind} 65 deep`, 400, 'VALIDATION_ERROR');
            expect(error.message).toBe('Malformed JSON: maximum nesting depth of 64 exceeded');
            expect(error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
          }
        }
        // very deep nesting (10,000 levels) is refused the same way
        const veryDeep = `{"metadata": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
        const res = await api.request('PUT', 'orders/BAD-ORD/', { rawBody: veryDeep, headers: JSON_HEADERS });
        expect(expect4xx(res, 'PUT 10,000 deep', 400, 'VALIDATION_ERROR').message).toBe('Malformed JSON: maximum nesting depth of 64 exceeded');
      });
      // 64 levels in total are accepted
      const ok = await api.post('orders/', { order_number: 'DEPTH-64', metadata: nestedObject(63), items: [{ sku_code: 'BAD-SKU', quantity: 1 }] });
      expect(ok.status).toBe(201);
      expect(ok.body.data.metadata).toEqual(nestedObject(63));
    });

    it('a metadata / customer_info / custom_fields of 70,000 bytes gets 400 VALIDATION_ERROR', async () => {
      const big = { blob: 'x'.repeat(70_000) };
      const message = 'Ensure this object is no larger than 65536 bytes when serialized.';
      await expectNothingChanged(async () => {
        for (const field of ['metadata', 'customer_info']) {
          expectInvalid(await api.post('orders/', { ...validOrder(), [field]: big }), `POST orders/ ${field}`, field, message);
          expectInvalid(await api.put('orders/BAD-ORD/', { [field]: big }), `PUT orders/ ${field}`, field, message);
        }
        expectInvalid(await api.post('products/', { sku: 'BAD-NEW-SKU', custom_fields: big }), 'POST products/ custom_fields', 'custom_fields', message);
        expectInvalid(await api.put('products/BAD-SKU/', { custom_fields: big }), 'PUT products/ custom_fields', 'custom_fields', message);
        // the size is counted in UTF-8 bytes: 40,000 × "ç" is 40,000 characters but 80,000 bytes
        expectInvalid(await api.put('orders/BAD-ORD/', { metadata: { s: 'ç'.repeat(40_000) } }), 'PUT metadata multibyte', 'metadata', message);
        // one byte above the limit as compact JSON: {"s":"…"} is 8 bytes plus the string
        expectInvalid(await api.put('orders/BAD-ORD/', { metadata: { s: 'x'.repeat(65_529) } }), 'PUT metadata 65,537 bytes', 'metadata', message);
        expectInvalid(await api.put('orders/BAD-ORD/', { customer_info: { s: 'ç'.repeat(32_765) } }), 'PUT customer_info 65,538 bytes', 'customer_info', message);
        expectInvalid(await api.put('products/BAD-SKU/', { custom_fields: { s: 'x'.repeat(65_529) } }), 'PUT custom_fields 65,537 bytes', 'custom_fields', message);
      });
      // exactly 65,536 bytes are accepted (sent with extra whitespace, which does not count)
      const exact = { s: 'x'.repeat(65_528) };
      const exactWide = { s: 'ç'.repeat(32_764) };
      const boundary = await api.request('POST', 'orders/', {
        rawBody: JSON.stringify({ order_number: 'SIZE-65536', metadata: exact, customer_info: exactWide, items: [{ sku_code: 'BAD-SKU', quantity: 1 }] }, null, 4),
        headers: JSON_HEADERS,
      });
      expect(boundary.status).toBe(201);
      expect(boundary.body.data.metadata).toEqual(exact);
      expect(boundary.body.data.customer_info).toEqual(exactWide);
      expect((await api.post('products/', { sku: 'SIZE-65536', custom_fields: exact })).status).toBe(201);
    });

    it('U+0000 or a lone surrogate inside a string or inside an object field gets 400 "Not a valid string."', async () => {
      const NOT_STRING = 'Not a valid string.';
      // JSON.stringify writes these as the escapes \u0000, \ud800 and \udc00
      const bad = ['a\u0000b', '\u0000', '\ud800', 'x\udc00y', '\ud800\ud800'];
      await expectNothingChanged(async () => {
        for (const value of bad) {
          const v = JSON.stringify(value);
          for (const field of ['order_number', 'external_order_id', 'customer_name', 'notes']) {
            expectInvalid(await api.post('orders/', { ...validOrder(), [field]: value }), `POST orders/ ${field}=${v}`, field, NOT_STRING);
            if (field !== 'order_number') expectInvalid(await api.put('orders/BAD-ORD/', { [field]: value }), `PUT orders/ ${field}=${v}`, field, NOT_STRING);
          }
          expectInvalid(
            await api.post('orders/', { ...validOrder(), items: [{ sku_code: value, quantity: 1 }] }),
            `POST items[0].sku_code=${v}`,
            'items[0].sku_code',
            NOT_STRING,
          );
          expectInvalid(
            await api.post('orders/', { ...validOrder(), items: [{ sku_code: 'BAD-SKU', quantity: 1, notes: value }] }),
            `POST items[0].notes=${v}`,
            'items[0].notes',
            NOT_STRING,
          );
          expectInvalid(await api.del('orders/BAD-ORD/', { reason: value }), `DELETE reason=${v}`, 'reason', NOT_STRING);
          for (const field of ['metadata', 'customer_info']) {
            for (const object of [{ k: value }, { nested: { list: ['ok', value] } }, { [`key${value}`]: 1 }]) {
              expectInvalid(await api.post('orders/', { ...validOrder(), [field]: object }), `POST orders/ ${field}=${JSON.stringify(object)}`, field, NOT_STRING, true);
              expectInvalid(await api.put('orders/BAD-ORD/', { [field]: object }), `PUT orders/ ${field}=${JSON.stringify(object)}`, field, NOT_STRING, true);
            }
          }
          expectInvalid(await api.post('products/', { sku: value }), `POST products/ sku=${v}`, 'sku', NOT_STRING);
          expectInvalid(await api.post('products/', { sku: 'BAD-NEW-SKU', name: value }), `POST products/ name=${v}`, 'name', NOT_STRING);
          expectInvalid(await api.put('products/BAD-SKU/', { name: value }), `PUT products/ name=${v}`, 'name', NOT_STRING);
          const cost = expect4xx(await api.post('products/', { sku: 'BAD-NEW-SKU', cost: value }), `POST products/ cost=${v}`, 400, 'VALIDATION_ERROR');
          expect(Object.keys(cost.details)).toEqual(['cost']);
          for (const object of [{ k: value }, { [`key${value}`]: 'v' }]) {
            expectInvalid(await api.post('products/', { sku: 'BAD-NEW-SKU', custom_fields: object }), `POST custom_fields=${JSON.stringify(object)}`, 'custom_fields', NOT_STRING, true);
            expectInvalid(await api.put('products/BAD-SKU/', { custom_fields: object }), `PUT custom_fields=${JSON.stringify(object)}`, 'custom_fields', NOT_STRING, true);
          }
        }
      });
      // a valid surrogate pair is fine
      const emoji = await api.put('orders/BAD-ORD/', { notes: 'ok \ud83d\ude00' });
      expect(emoji.status).toBe(200);
      expect(emoji.body.data.notes).toBe('ok 😀');
    });
  });
});
