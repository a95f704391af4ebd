/**
 * Black-box conformance tests for the order endpoints through the gateway (real services, real
 * PostgreSQL): checklist items #24–#38 of the spec's conformance checklist plus the identifier rules
 * #31/#32 and the sub-rules of orders.md, identifiers.md, errors.md and conventions.md §6–7.
 *
 * Shipped orders cannot be produced through the integration API (status progress is driven by
 * warehouse operations) and these tests never write to the event store. The shipped variants of
 * #35 (PUT on a shipped order → 400 SERVICE_ERROR "Order has been shipped and can no longer be
 * updated.") and #37 (DELETE on a shipped order → 400 SERVICE_ERROR "Order has been shipped and
 * cannot be cancelled.") are covered by the decider unit tests in
 * libs/orders/domain/src/lib/order-decider.unit.spec.ts; here the cancelled variants are tested.
 */
import type { ApiResponse, TestPlatform } from '@datamingle/testing';
import {
  EventStoreReader,
  expectError,
  expectFieldError,
  instantKey,
  LINE_KEYS,
  listAll,
  ORDER_KEYS,
  RFC3339_UTC,
  UUID,
  withOffset,
  type ApiClient,
} from './testing-support/e2e-api';
import { aMinimalOrderBody, anOrderLine, aProductBody, createRecord, startApiSuite, stopAll } from './testing-support/e2e-setup';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('Conformance: orders (#24–#38) and order identifiers (#31, #32)', () => {
  let platform: TestPlatform;
  let api: ApiClient;
  let events: EventStoreReader;
  let counter = 0;
  const uniq = (prefix: string) => `${prefix}-${++counter}`;

  const line = (sku_code = 'SKU-A', quantity = 1) => anOrderLine(sku_code, quantity);

  const createOrder = (fields: Record<string, unknown> = {}) => createRecord(api, 'orders/', aMinimalOrderBody(uniq('ORD'), 'SKU-A', fields));

  async function getOrder(identifier: string): Promise<ApiResponse> {
    return api.get(`orders/${encodeURIComponent(identifier)}/`);
  }

  /** Reads the order back (by its internal id, through the list) and compares it with `order`. */
  async function expectOrderUnchanged(order: any): Promise<void> {
    const found = (await listAll(api, 'orders/')).filter((o) => o.id === order.id);
    expect(found).toEqual([order]);
  }

  async function expectNoOrder(orderNumber: string): Promise<void> {
    const res = await getOrder(orderNumber);
    expectError(res, 404, 'NOT_FOUND');
    expect(await events.count(`event_type = 'OrderCreated' AND data->>'order_number' = $1`, [orderNumber])).toBe(0);
  }

  function expectOrderShape(order: any): void {
    expect(Object.keys(order)).toEqual(ORDER_KEYS);
    for (const item of order.items) expect(Object.keys(item)).toEqual(LINE_KEYS);
  }

  beforeAll(async () => {
    ({ platform, api, events } = await startApiSuite('conformance orders'));
    for (const sku of ['SKU-A', 'SKU-B', 'SKU-OFF']) await createRecord(api, 'products/', aProductBody(sku, { name: `Product ${sku}` }));
    const off = await api.del('products/SKU-OFF/');
    if (off.status !== 200 || off.body.data.is_active !== false) throw new Error(`product deactivation failed: ${off.text}`);
  }, 60_000);

  afterAll(() => stopAll(platform, events));

  it('#24 POST orders/ with valid data returns 201 and the full pending order with pending lines', async () => {
    const body = {
      order_number: 'ORD-2026-024',
      external_order_id: 'ERP-5024',
      customer_name: 'Acme Corporation',
      customer_info: { address: '123 Main St, Springfield', phone: '+1-555-0100' },
      notes: 'Deliver to loading dock B',
      order_date: '2026-04-16T09:30:00Z',
      due_date: '2026-05-01',
      metadata: { channel: 'b2b', nested: { list: [1, 'two', null] } },
      items: [
        { sku_code: 'SKU-A', quantity: 10 },
        { sku_code: 'SKU-B', quantity: 5, notes: 'Fragile' },
        { sku_code: 'SKU-A', quantity: 2 },
      ],
      // read-only fields are ignored (conventions.md §6.2)
      id: '00000000-0000-4000-8000-000000000000',
      status: 'shipped',
      cancellation_reason: 'nope',
      created_at: '2000-01-01T00:00:00Z',
      updated_at: '2000-01-01T00:00:00Z',
    };
    const res = await api.post('orders/', body);
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    const order = res.body.data;
    expect(order).toEqual({
      id: expect.stringMatching(UUID),
      order_number: 'ORD-2026-024',
      external_order_id: 'ERP-5024',
      customer_name: 'Acme Corporation',
      customer_info: { address: '123 Main St, Springfield', phone: '+1-555-0100' },
      notes: 'Deliver to loading dock B',
      order_date: expect.stringMatching(RFC3339_UTC),
      due_date: expect.stringMatching(RFC3339_UTC),
      metadata: { channel: 'b2b', nested: { list: [1, 'two', null] } },
      status: 'pending',
      cancellation_reason: null,
      items: [
        { id: expect.stringMatching(UUID), sku: { sku: 'SKU-A' }, quantity: 10, verified_quantity: 0, verification_status: 'pending', notes: null },
        { id: expect.stringMatching(UUID), sku: { sku: 'SKU-B' }, quantity: 5, verified_quantity: 0, verification_status: 'pending', notes: 'Fragile' },
        { id: expect.stringMatching(UUID), sku: { sku: 'SKU-A' }, quantity: 2, verified_quantity: 0, verification_status: 'pending', notes: null },
      ],
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(Date.parse(order.order_date)).toBe(Date.parse('2026-04-16T09:30:00Z'));
    expect(Date.parse(order.due_date)).toBe(Date.parse('2026-05-01T00:00:00Z'));
    expect(order.id).not.toBe(body.id);
    expect(Date.parse(order.created_at)).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z'));
    expect(new Set(order.items.map((i: any) => i.id)).size).toBe(3);

    const fetched = await getOrder('ORD-2026-024');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ success: true, data: order });
  });

  it('#25 an order representation has exactly the spec keys in the spec order, and lines exactly theirs', async () => {
    const minimal = await api.post('orders/', { order_number: 'ORD-25', items: [line('SKU-B', 3)], customer_info: null, metadata: null });
    expect(minimal.status).toBe(201);
    expectOrderShape(minimal.body.data);
    expect(minimal.body.data).toMatchObject({
      external_order_id: null,
      customer_name: null,
      customer_info: {},
      notes: null,
      order_date: null,
      due_date: null,
      metadata: {},
      cancellation_reason: null,
    });
    expect(Object.keys(minimal.body)).toEqual(['success', 'data']);

    const got = await getOrder('ORD-25');
    expectOrderShape(got.body.data);
    const listed = (await listAll(api, 'orders/')).find((o) => o.order_number === 'ORD-25');
    expectOrderShape(listed);
    expect(listed).toEqual(got.body.data);
    const updated = await api.put('orders/ORD-25/', { notes: 'n' });
    expect(updated.status).toBe(200);
    expectOrderShape(updated.body.data);
    const cancelled = await api.del('orders/ORD-25/', { reason: 'r' });
    expect(cancelled.status).toBe(200);
    expectOrderShape(cancelled.body.data);
  });

  it('#26 a second order with the same order_number gets 400 VALIDATION_ERROR naming order_number', async () => {
    const first = await createOrder({ order_number: 'ORD-26', customer_name: 'first' });
    const second = await api.post('orders/', { order_number: 'ORD-26', customer_name: 'second', items: [line('SKU-B', 9)] });
    const error = expectError(second, 400, 'VALIDATION_ERROR');
    expect(error.message).toContain('order_number already exists');
    expect(error.message).toBe('order_number: An order with this order_number already exists.');
    expect(error.details).toEqual({ order_number: ['An order with this order_number already exists.'] });

    // leading/trailing whitespace is trimmed before the uniqueness check
    const padded = await api.post('orders/', { order_number: '  ORD-26\t', items: [line()] });
    expect(expectError(padded, 400, 'VALIDATION_ERROR').message).toContain('order_number already exists');

    // cancelled orders keep their order_number reserved
    expect((await api.del('orders/ORD-26/')).status).toBe(200);
    const afterCancel = await api.post('orders/', { order_number: 'ORD-26', items: [line()] });
    expect(expectError(afterCancel, 400, 'VALIDATION_ERROR').details).toHaveProperty('order_number');

    // the comparison is case-sensitive
    expect((await api.post('orders/', { order_number: 'ord-26', items: [line()] })).status).toBe(201);

    const all = (await listAll(api, 'orders/')).filter((o) => o.order_number === 'ORD-26');
    expect(all).toHaveLength(1);
    expect(all[0].id).toBe(first.id);
    expect(all[0].customer_name).toBe('first');
  });

  it('#27 a second order with the same non-null external_order_id gets 400 VALIDATION_ERROR', async () => {
    await createOrder({ order_number: 'ORD-27A', external_order_id: 'ERP-27' });
    const dup = await api.post('orders/', { order_number: 'ORD-27B', external_order_id: 'ERP-27', items: [line()] });
    const error = expectError(dup, 400, 'VALIDATION_ERROR');
    expect(error.message).toContain('external_order_id already exists');
    expect(error.details).toEqual({ external_order_id: ['An order with this external_order_id already exists.'] });
    await expectNoOrder('ORD-27B');

    // both natural keys taken: both reported, in document order
    const both = await api.post('orders/', { order_number: 'ORD-27A', external_order_id: ' ERP-27 ', items: [line()] });
    const bothError = expectError(both, 400, 'VALIDATION_ERROR');
    expect(Object.keys(bothError.details)).toEqual(['order_number', 'external_order_id']);
    expect(bothError.message).toBe('order_number: An order with this order_number already exists. (and 1 more)');

    // null / absent external_order_id is never a duplicate
    await createOrder({ order_number: 'ORD-27C', external_order_id: null });
    await createOrder({ order_number: 'ORD-27D' });

    // a cancelled order keeps its external_order_id reserved
    expect((await api.del('orders/ERP-27/')).status).toBe(200);
    const afterCancel = await api.post('orders/', { order_number: 'ORD-27E', external_order_id: 'ERP-27', items: [line()] });
    expect(expectError(afterCancel, 400, 'VALIDATION_ERROR').message).toContain('external_order_id already exists');
  });

  it('#28 of several concurrent creates with the same order_number exactly one returns 201', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.post('orders/', { order_number: 'ORD-28', external_order_id: `ERP-28-${i}`, customer_name: `writer ${i}`, items: [line('SKU-A', i + 1)] }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const res of responses.filter((r) => r.status !== 201)) {
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(error.message).toContain('order_number already exists');
    }
    const winner = responses.find((r) => r.status === 201)!.body.data;
    const got = await getOrder('ORD-28');
    expect(got.body.data).toEqual(winner);
    expect((await listAll(api, 'orders/')).filter((o) => o.order_number === 'ORD-28')).toHaveLength(1);
    // the losers' external_order_ids were not reserved
    for (let i = 0; i < 10; i++) {
      if (`ERP-28-${i}` === winner.external_order_id) continue;
      expect((await getOrder(`ERP-28-${i}`)).status).toBe(404);
    }
  });

  it('#29 an order line with an unknown or inactive sku_code gets 400 SERVICE_ERROR naming the SKUs, and no order is created', async () => {
    const res = await api.post('orders/', {
      order_number: 'ORD-29',
      items: [line('SKU-A'), line('NOPE-1'), line('SKU-OFF'), line('NOPE-1', 2)],
    });
    const error = expectError(res, 400, 'SERVICE_ERROR');
    expect(error.message).toBe('Products not found or inactive: NOPE-1, SKU-OFF');
    expect(error.details).toEqual({
      'items[1].sku_code': ["Product 'NOPE-1' does not exist or is inactive."],
      'items[2].sku_code': ["Product 'SKU-OFF' does not exist or is inactive."],
      'items[3].sku_code': ["Product 'NOPE-1' does not exist or is inactive."],
    });
    await expectNoOrder('ORD-29');

    // SKUs are matched case-sensitively and after trimming
    const lower = await api.post('orders/', { order_number: 'ORD-29', items: [line('sku-a')] });
    expect(expectError(lower, 400, 'SERVICE_ERROR').message).toBe('Products not found or inactive: sku-a');
    await expectNoOrder('ORD-29');

    // field validation runs before the SKU check
    const invalid = await api.post('orders/', { order_number: 'ORD-29', items: [line('NOPE-1', 0)] });
    expect(expectError(invalid, 400, 'VALIDATION_ERROR').details).toEqual({
      'items[0].quantity': ['Ensure this value is greater than or equal to 1.'],
    });

    // nothing was reserved: the same order_number can be created afterwards
    const ok = await api.post('orders/', { order_number: 'ORD-29', items: [line(' SKU-A ')] });
    expect(ok.status).toBe(201);
    expect(ok.body.data.items[0].sku).toEqual({ sku: 'SKU-A' });
  });

  it('#30 items empty or above 1,000 lines, or a quantity of 0, above 1,000,000 or not an integer, gets 400 VALIDATION_ERROR', async () => {
    const cases: Array<[unknown, string, string]> = [
      [[], 'items', 'This list may not be empty.'],
      [Array.from({ length: 1001 }, () => line()), 'items', 'Ensure this field has no more than 1000 elements.'],
      [[line('SKU-A', 0)], 'items[0].quantity', 'Ensure this value is greater than or equal to 1.'],
      [[line('SKU-A', -1)], 'items[0].quantity', 'Ensure this value is greater than or equal to 1.'],
      [[line('SKU-A', 1_000_001)], 'items[0].quantity', 'Ensure this value is less than or equal to 1000000.'],
      [[line('SKU-A', 1), line('SKU-A', 2.5)], 'items[1].quantity', 'A valid integer is required.'],
      [[line('SKU-A', '3' as unknown as number)], 'items[0].quantity', 'A valid integer is required.'],
      [[{ sku_code: 'SKU-A' }], 'items[0].quantity', 'This field is required.'],
      [[{ quantity: 1 }], 'items[0].sku_code', 'This field is required.'],
      [['SKU-A'], 'items[0]', 'Expected a JSON object.'],
      [{ sku_code: 'SKU-A', quantity: 1 }, 'items', 'Expected a list of items.'],
      [null, 'items', 'This field may not be null.'],
    ];
    for (const [items, path, message] of cases) {
      const res = await api.post('orders/', { order_number: 'ORD-30', items });
      expectFieldError(res, path, message);
    }
    const missing = await api.post('orders/', { order_number: 'ORD-30' });
    expectFieldError(missing, 'items', 'This field is required.');
    await expectNoOrder('ORD-30');

    // boundaries are accepted: 1,000 lines, quantity 1 and 1,000,000, integral numbers in any notation
    const max = await api.post('orders/', {
      order_number: 'ORD-30-MAX',
      items: Array.from({ length: 1000 }, (_, i) => line(i % 2 ? 'SKU-A' : 'SKU-B', i === 0 ? 1_000_000 : 1)),
    });
    expect(max.status).toBe(201);
    expect(max.body.data.items).toHaveLength(1000);
    expect(max.body.data.items[0]).toMatchObject({ sku: { sku: 'SKU-B' }, quantity: 1_000_000 });
    const notation = await api.request('POST', 'orders/', {
      rawBody: '{"order_number": "ORD-30-NOTATION", "items": [{"sku_code": "SKU-A", "quantity": 10.0}, {"sku_code": "SKU-A", "quantity": 1e3}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(notation.status).toBe(201);
    expect(notation.body.data.items.map((i: any) => i.quantity)).toEqual([10, 1000]);
  });

  it('#31 with a pass-through key an order is retrievable by external_order_id and by order_number; an external_order_id match wins', async () => {
    const order = await createOrder({ order_number: 'ORD-31', external_order_id: 'ERP-31' });
    for (const identifier of ['ORD-31', 'ERP-31']) {
      const res = await getOrder(identifier);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(order);
    }

    // A has external_order_id X-31, B has order_number X-31: /orders/X-31/ addresses A
    const a = await createOrder({ order_number: 'A-31', external_order_id: 'X-31' });
    const b = await createOrder({ order_number: 'X-31' });
    expect((await getOrder('X-31')).body.data.id).toBe(a.id);
    const put = await api.put('orders/X-31/', { notes: 'via X-31' });
    expect(put.status).toBe(200);
    expect(put.body.data.id).toBe(a.id);
    await expectOrderUnchanged(b);

    // once A no longer carries X-31, the order_number match (B) is found; A under its new id
    const moved = await api.put('orders/A-31/', { external_order_id: 'Y-31' });
    expect(moved.status).toBe(200);
    expect((await getOrder('X-31')).body.data.id).toBe(b.id);
    expect((await getOrder('Y-31')).body.data.id).toBe(a.id);
    const cancelled = await api.del('orders/X-31/');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.id).toBe(b.id);
    expect((await getOrder('A-31')).body.data.status).toBe('pending');
  });

  it('#31 percent-encoded identifiers are decoded once after splitting the path', async () => {
    const cases: Array<[string, string]> = [
      ['WH/ORD-31', 'WH%2FORD-31'],
      ['A 31', 'A%2031'],
      ['A+B-31', 'A+B-31'],
      ['RUG#31', 'RUG%2331'],
      ['Çanta-31', '%C3%87anta-31'],
    ];
    for (const [orderNumber, segment] of cases) {
      const order = await createOrder({ order_number: orderNumber });
      const res = await api.get(`orders/${segment}/`);
      expect({ segment, status: res.status }).toEqual({ segment, status: 200 });
      expect(res.body.data).toEqual(order);
      // the form without the trailing slash is the same route
      expect((await api.get(`orders/${segment}`)).body.data).toEqual(order);
    }
  });

  it('#32 an unknown order identifier gets 404 NOT_FOUND with message "Order \'X\' not found."', async () => {
    await createOrder({ order_number: 'ORD-32' });
    const res = await api.get('orders/NOPE-32/');
    const error = expectError(res, 404, 'NOT_FOUND');
    expect(error.message).toBe("Order 'NOPE-32' not found.");
    expect(error.details).toBeUndefined();

    // exact, case-sensitive matching; no trimming of the path segment
    expect(expectError(await api.get('orders/ord-32/'), 404, 'NOT_FOUND').message).toBe("Order 'ord-32' not found.");
    expect(expectError(await api.get('orders/ORD-32%20/'), 404, 'NOT_FOUND').message).toBe("Order 'ORD-32 ' not found.");

    // an identifier longer than 100 characters cannot match; the message is cut to 200 characters
    const long101 = 'L'.repeat(101);
    expect(expectError(await api.get(`orders/${long101}/`), 404, 'NOT_FOUND').message).toBe(`Order '${long101}' not found.`);
    const long250 = 'M'.repeat(250);
    expect(expectError(await api.get(`orders/${long250}/`), 404, 'NOT_FOUND').message).toBe(`Order '${'M'.repeat(200)}' not found.`);

    // the message names the decoded identifier, or the raw segment when it cannot be decoded
    expect(expectError(await api.get('orders/ORD%2F32/'), 404, 'NOT_FOUND').message).toBe("Order 'ORD/32' not found.");
    expect(expectError(await api.get('orders/ORD-32%ZZ/'), 404, 'NOT_FOUND').message).toBe("Order 'ORD-32%ZZ' not found.");
    expect(expectError(await api.get('orders/ORD-32%ED%A0%80/'), 404, 'NOT_FOUND').message).toBe("Order 'ORD-32%ED%A0%80' not found.");
    expectError(await api.get('orders/ORD-32%00/'), 404, 'NOT_FOUND');

    // the identifier is resolved before field validation, for PUT and DELETE too
    expect(expectError(await api.put('orders/NOPE-32/', { items: [], notes: true }), 404, 'NOT_FOUND').message).toBe("Order 'NOPE-32' not found.");
    expect(expectError(await api.del('orders/NOPE-32/', { reason: true }), 404, 'NOT_FOUND').message).toBe("Order 'NOPE-32' not found.");
    expectError(await api.put(`orders/${long101}/`, { notes: 'x' }), 404, 'NOT_FOUND');
    expectError(await api.del(`orders/${long101}/`), 404, 'NOT_FOUND');
  });

  it('#33 PUT {"notes": "x"} returns 200 with only notes changed; repeating it leaves updated_at unchanged', async () => {
    const before = await createOrder({
      order_number: 'ORD-33',
      external_order_id: 'ERP-33',
      customer_name: 'Globex',
      customer_info: { phone: '1' },
      notes: 'old',
      order_date: '2026-01-02T03:04:05Z',
      due_date: '2026-02-03',
      metadata: { k: 'v' },
      items: [line('SKU-A', 4), { sku_code: 'SKU-B', quantity: 1, notes: 'line' }],
    });
    const first = await api.put('orders/ERP-33/', { notes: 'x' });
    expect(first.status).toBe(200);
    expect(first.body.success).toBe(true);
    const after = first.body.data;
    expect({ ...after, updated_at: null }).toEqual({ ...before, notes: 'x', updated_at: null });
    expect(after.updated_at).toMatch(RFC3339_UTC);
    expect(instantKey(after.updated_at) >= instantKey(before.updated_at)).toBe(true);

    const second = await api.put('orders/ERP-33/', { notes: 'x' });
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(after);
    await expectOrderUnchanged(after);

    const stream = await events.streamOf(before.id);
    expect(await events.count(`stream_name = $1 AND event_type = 'OrderUpdated'`, [stream])).toBe(1);
  });

  it('#34 PUT with an items key, or with a different order_number, gets 400 VALIDATION_ERROR', async () => {
    const order = await createOrder({ order_number: 'ORD-34', notes: 'keep' });
    for (const items of [[], null, [line()], 'x']) {
      const res = await api.put('orders/ORD-34/', { items, notes: 'changed' });
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(error.details).toEqual({ items: ['Order lines cannot be changed with PUT.'] });
    }
    const renamed = await api.put('orders/ORD-34/', { order_number: 'ORD-34-NEW', notes: 'changed' });
    expect(expectError(renamed, 400, 'VALIDATION_ERROR').details).toEqual({ order_number: ['This field cannot be changed.'] });
    await expectOrderUnchanged(order);
    expect((await getOrder('ORD-34-NEW')).status).toBe(404);

    // the current value (after trimming) is accepted and changes nothing
    const same = await api.put('orders/ORD-34/', { order_number: '  ORD-34 ' });
    expect(same.status).toBe(200);
    expect(same.body.data).toEqual(order);
  });

  it('#35 PUT on a cancelled order: a valid body gets 400 SERVICE_ERROR, a body with field errors 400 VALIDATION_ERROR', async () => {
    // Shipped variant: see the file header (covered by libs/orders/domain decider unit tests).
    await createOrder({ order_number: 'ORD-35', notes: 'before' });
    const cancelled = (await api.del('orders/ORD-35/', { reason: 'gone' })).body.data;
    for (const body of [{}, { notes: 'after' }, { status: 'pending' }, { unknown_field: 1 }]) {
      const res = await api.put('orders/ORD-35/', body);
      const error = expectError(res, 400, 'SERVICE_ERROR');
      expect(error.message).toBe('Order is cancelled and can no longer be updated.');
      expect(error.details).toBeUndefined();
    }
    expectFieldError(await api.put('orders/ORD-35/', { notes: true }), 'notes', 'Not a valid string.');
    expectFieldError(await api.put('orders/ORD-35/', { items: [] }), 'items', 'Order lines cannot be changed with PUT.');
    expectFieldError(await api.put('orders/ORD-35/', { metadata: 'x' }), 'metadata', 'Expected a JSON object.');
    await expectOrderUnchanged(cancelled);
  });

  it('#36 DELETE with a reason returns 200 cancelled with cancellation_reason; repeating it returns 200 unchanged', async () => {
    const before = await createOrder({ order_number: 'ORD-36', external_order_id: 'ERP-36', notes: 'n' });
    const res = await api.del('orders/ERP-36/', { reason: 'Customer cancelled' });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const cancelled = res.body.data;
    expect({ ...cancelled, updated_at: null }).toEqual({ ...before, status: 'cancelled', cancellation_reason: 'Customer cancelled', updated_at: null });
    expect(instantKey(cancelled.updated_at) >= instantKey(before.updated_at)).toBe(true);

    const again = await api.del('orders/ORD-36/', { reason: 'another reason' });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(cancelled);
    const noBody = await api.del('orders/ORD-36/');
    expect(noBody.status).toBe(200);
    expect(noBody.body.data).toEqual(cancelled);
    await expectOrderUnchanged(cancelled);
    expect((await listAll(api, 'orders/')).find((o) => o.order_number === 'ORD-36')).toEqual(cancelled);
    const stream = await events.streamOf(before.id);
    expect(await events.count(`stream_name = $1 AND event_type = 'OrderCancelled'`, [stream])).toBe(1);

    // without a reason (absent, or null) cancellation_reason stays null
    await createOrder({ order_number: 'ORD-36-B' });
    const b = await api.del('orders/ORD-36-B/');
    expect(b.status).toBe(200);
    expect(b.body.data).toMatchObject({ status: 'cancelled', cancellation_reason: null });
    await createOrder({ order_number: 'ORD-36-C' });
    expect((await api.del('orders/ORD-36-C/', { reason: null })).body.data).toMatchObject({ status: 'cancelled', cancellation_reason: null });

    // reason validation: not a string, longer than 500 characters; 500 is accepted
    await createOrder({ order_number: 'ORD-36-D' });
    expectFieldError(await api.del('orders/ORD-36-D/', { reason: true }), 'reason', 'Not a valid string.');
    expectFieldError(await api.del('orders/ORD-36-D/', { reason: 'r'.repeat(501) }), 'reason', 'Ensure this field has no more than 500 characters.');
    expect((await getOrder('ORD-36-D')).body.data.status).toBe('pending');
    expect((await api.del('orders/ORD-36-D/', { reason: 'r'.repeat(500) })).body.data.cancellation_reason).toBe('r'.repeat(500));
  });

  it('#37 DELETE on an already cancelled order is not an error (200, unchanged, no event)', async () => {
    // Shipped variant (400 SERVICE_ERROR "Order has been shipped and cannot be cancelled."): shipped
    // orders cannot be produced through the API; covered by the decider unit tests (libs/orders/domain).
    const order = await createOrder({ order_number: 'ORD-37' });
    const cancelled = (await api.del('orders/ORD-37/', { reason: 'first' })).body.data;
    const stream = await events.streamOf(order.id);
    const before = await events.count('stream_name = $1', [stream]);
    const res = await api.del('orders/ORD-37/', { reason: 'second' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(cancelled);
    expect(res.body.data.cancellation_reason).toBe('first');
    expect(await events.count('stream_name = $1', [stream])).toBe(before);
  });

  describe('#38 list filters', () => {
    let all: any[];
    let p1: any;
    let c1: any;

    beforeAll(async () => {
      p1 = await createOrder({ order_number: 'ORD-38-P1' });
      await createOrder({ order_number: 'ORD-38-P2' });
      await createOrder({ order_number: 'ORD-38-C1' });
      c1 = (await api.del('orders/ORD-38-C1/', { reason: 'filter test' })).body.data;
      all = await listAll(api, 'orders/');
    });

    const ids = (orders: any[]) => orders.map((o) => o.id).sort();

    it('#38 status=cancelled returns only cancelled orders, status=bogus gets 400 VALIDATION_ERROR', async () => {
      const cancelled = await listAll(api, 'orders/', 'status=cancelled');
      expect(cancelled.length).toBeGreaterThan(0);
      expect(cancelled.every((o) => o.status === 'cancelled')).toBe(true);
      expect(ids(cancelled)).toEqual(ids(all.filter((o) => o.status === 'cancelled')));
      expect(ids(cancelled)).toContain(c1.id);

      const inProgress = await api.get('orders/?status=in_progress');
      expect(inProgress.status).toBe(200);
      expect(inProgress.body.data).toEqual([]);
      expect(inProgress.body.pagination).toEqual({ limit: 50, next_cursor: null });

      const bogus = await api.get('orders/?status=bogus');
      const error = expectError(bogus, 400, 'VALIDATION_ERROR');
      expect(error.details).toEqual({ status: ['"bogus" is not a valid choice.'] });
      expect(error.message).toBe('status: "bogus" is not a valid choice.');
      expectFieldError(await api.get('orders/?status=pending,bogus'), 'status', '"bogus" is not a valid choice.');
      expectFieldError(await api.get('orders/?status=Pending'), 'status', '"Pending" is not a valid choice.');

      // an empty value is no filter
      expect(ids(await listAll(api, 'orders/', 'status='))).toEqual(ids(all));
    });

    it('#38 status=pending,cancelled returns the orders of both statuses and no others', async () => {
      const both = await listAll(api, 'orders/', 'status=pending,cancelled');
      expect(ids(both)).toEqual(ids(all.filter((o) => o.status === 'pending' || o.status === 'cancelled')));
      expect(both.some((o) => o.status === 'pending')).toBe(true);
      expect(both.some((o) => o.status === 'cancelled')).toBe(true);
      const pending = await listAll(api, 'orders/', 'status=pending');
      expect(pending.every((o) => o.status === 'pending')).toBe(true);
      expect(ids(pending)).toContain(p1.id);
      expect(ids(pending)).not.toContain(c1.id);
    });

    it('#38 updated_since returns only orders with updated_at at or after the value', async () => {
      const since = c1.updated_at as string;
      const expected = ids(all.filter((o) => instantKey(o.updated_at) >= instantKey(since)));
      const got = await listAll(api, 'orders/', `updated_since=${encodeURIComponent(since)}`);
      expect(ids(got)).toEqual(expected);
      expect(ids(got)).toContain(c1.id);
      expect(ids(got)).not.toContain(p1.id);
      expect(got.every((o) => instantKey(o.updated_at) >= instantKey(since))).toBe(true);

      // filters combine
      const combined = await listAll(api, 'orders/', `status=pending&updated_since=${encodeURIComponent(since)}`);
      expect(ids(combined)).toEqual(ids(all.filter((o) => o.status === 'pending' && instantKey(o.updated_at) >= instantKey(since))));

      expect(ids(await listAll(api, 'orders/', 'updated_since=2000-01-01'))).toEqual(ids(all));
      expect(await listAll(api, 'orders/', 'updated_since=2999-01-01T00:00:00Z')).toEqual([]);
      expect(ids(await listAll(api, 'orders/', 'updated_since='))).toEqual(ids(all));
      expectFieldError(
        await api.get('orders/?updated_since=yesterday'),
        'updated_since',
        'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.',
      );
    });

    it('#38 updated_since with a %2B02:00 offset denotes the same instant', async () => {
      const since = c1.updated_at as string;
      const shifted = withOffset(since, 2); // e.g. 2026-…T12:00:00.123456+02:00 for …T10:00:00.123456Z
      expect(shifted).toMatch(/\+02:00$/);
      const path = `updated_since=${shifted.replace('+', '%2B')}`;
      const got = await listAll(api, 'orders/', path);
      const utc = await listAll(api, 'orders/', `updated_since=${encodeURIComponent(since)}`);
      expect(ids(got)).toEqual(ids(utc));
      expect(ids(got)).toContain(c1.id);
      expect(ids(got)).not.toContain(p1.id);
    });
  });

  it('summary message is "<first path>: <first message> (and N more)" and details follow document order, element-major', async () => {
    const res = await api.post('orders/', {
      customer_name: 'n'.repeat(256),
      notes: true,
      order_date: 'not-a-date',
      items: [{ quantity: 0 }, { sku_code: 'SKU-A' }],
      metadata: [],
    });
    const error = expectError(res, 400, 'VALIDATION_ERROR');
    expect(error.details).toEqual({
      order_number: ['This field is required.'],
      customer_name: ['Ensure this field has no more than 255 characters.'],
      notes: ['Not a valid string.'],
      order_date: ['Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'],
      metadata: ['Expected a JSON object.'],
      'items[0].sku_code': ['This field is required.'],
      'items[0].quantity': ['Ensure this value is greater than or equal to 1.'],
      'items[1].quantity': ['This field is required.'],
    });
    expect(Object.keys(error.details)).toEqual([
      'order_number',
      'customer_name',
      'notes',
      'order_date',
      'metadata',
      'items[0].sku_code',
      'items[0].quantity',
      'items[1].quantity',
    ]);
    expect(error.message).toBe('order_number: This field is required. (and 7 more)');
    for (const messages of Object.values(error.details)) {
      expect(Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'string')).toBe(true);
    }

    // a single error has no "(and N more)" suffix
    const single = await api.post('orders/', { order_number: 'ORD-SUMMARY', items: [line('SKU-A', 0)] });
    expect(expectError(single, 400, 'VALIDATION_ERROR').message).toBe('items[0].quantity: Ensure this value is greater than or equal to 1.');
  });

  it('PUT with another order\'s external_order_id gets 400 VALIDATION_ERROR and changes nothing', async () => {
    const a = await createOrder({ order_number: 'ORD-DUP-A', external_order_id: 'ERP-DUP-A' });
    const b = await createOrder({ order_number: 'ORD-DUP-B', external_order_id: 'ERP-DUP-B', notes: 'b' });
    const res = await api.put('orders/ORD-DUP-B/', { external_order_id: ' ERP-DUP-A ', notes: 'changed' });
    const error = expectError(res, 400, 'VALIDATION_ERROR');
    expect(error.message).toContain('external_order_id already exists');
    expect(error.details).toEqual({ external_order_id: ['An order with this external_order_id already exists.'] });
    await expectOrderUnchanged(a);
    await expectOrderUnchanged(b);

    // its own value is not a duplicate
    const own = await api.put('orders/ORD-DUP-B/', { external_order_id: 'ERP-DUP-B' });
    expect(own.status).toBe(200);
    expect(own.body.data).toEqual(b);

    // after A clears its external_order_id, B may take it; A is no longer reachable under it
    const cleared = await api.put('orders/ERP-DUP-A/', { external_order_id: '' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data.external_order_id).toBeNull();
    const taken = await api.put('orders/ORD-DUP-B/', { external_order_id: 'ERP-DUP-A' });
    expect(taken.status).toBe(200);
    expect((await getOrder('ERP-DUP-A')).body.data.id).toBe(b.id);
    expect((await getOrder('ERP-DUP-B')).status).toBe(404);
  });

  it('external_order_id "" (or whitespace only) is stored as null, also on PUT', async () => {
    const empty = await createOrder({ order_number: 'ORD-EXT-1', external_order_id: '' });
    expect(empty.external_order_id).toBeNull();
    const blank = await createOrder({ order_number: 'ORD-EXT-2', external_order_id: '   ' });
    expect(blank.external_order_id).toBeNull();
    expect((await getOrder('ORD-EXT-1')).body.data.external_order_id).toBeNull();
    // two orders without external_order_id are no duplicates of each other
    expect((await getOrder('ORD-EXT-2')).body.data.id).toBe(blank.id);

    const withId = await createOrder({ order_number: 'ORD-EXT-3', external_order_id: 'ERP-EXT-3' });
    const cleared = await api.put('orders/ERP-EXT-3/', { external_order_id: '  ' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ id: withId.id, external_order_id: null });
    const nulled = await api.put('orders/ORD-EXT-3/', { external_order_id: 'ERP-EXT-3b' });
    expect(nulled.body.data.external_order_id).toBe('ERP-EXT-3b');
    expect((await api.put('orders/ORD-EXT-3/', { external_order_id: null })).body.data.external_order_id).toBeNull();
    expect((await getOrder('ERP-EXT-3')).status).toBe(404);
    expect((await getOrder('ERP-EXT-3b')).status).toBe(404);
  });

  it('JSON input rules (conventions §6–7): last duplicate key wins, integers as strings, code-point lengths, datetime offsets, empty body', async () => {
    // the same key twice: the last occurrence wins
    const dupKey = await api.request('POST', 'orders/', {
      rawBody: '{"order_number": "ORD-JSON-FIRST", "notes": "a", "order_number": "ORD-JSON-1", "items": [{"sku_code": "SKU-A", "quantity": 1}], "notes": "b"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(dupKey.status).toBe(201);
    expect(dupKey.body.data).toMatchObject({ order_number: 'ORD-JSON-1', notes: 'b' });
    expect((await getOrder('ORD-JSON-FIRST')).status).toBe(404);

    // a JSON integer is accepted for a string field and converted to its decimal text
    const numeric = await api.post('orders/', { order_number: 4512, external_order_id: 77, customer_name: 123, items: [line()] });
    expect(numeric.status).toBe(201);
    expect(numeric.body.data).toMatchObject({ order_number: '4512', external_order_id: '77', customer_name: '123' });
    expect((await getOrder('4512')).body.data.id).toBe(numeric.body.data.id);

    // lengths are counted in code points; non-ASCII is returned as UTF-8, not escaped
    const emoji100 = '😀'.repeat(100);
    const wide = await api.post('orders/', { order_number: emoji100, customer_name: 'Ç'.repeat(255), items: [line()] });
    expect(wide.status).toBe(201);
    expect(wide.body.data.order_number).toBe(emoji100);
    expect(wide.text).toContain('ÇÇÇ');
    expectFieldError(
      await api.post('orders/', { order_number: '😀'.repeat(101), items: [line()] }),
      'order_number',
      'Ensure this field has no more than 100 characters.',
    );

    // datetimes: offsets are converted to UTC, no offset means UTC, date-only means midnight UTC
    const dated = await api.post('orders/', {
      order_number: 'ORD-JSON-DATES',
      order_date: '2026-05-01T10:00+02:00',
      due_date: '2026-05-02T23:30:15.250-0130',
      items: [line()],
    });
    expect(dated.status).toBe(201);
    expect(dated.body.data.order_date).toMatch(RFC3339_UTC);
    expect(Date.parse(dated.body.data.order_date)).toBe(Date.parse('2026-05-01T08:00:00Z'));
    expect(Date.parse(dated.body.data.due_date)).toBe(Date.parse('2026-05-03T01:00:15.250Z'));
    const naive = await api.put('orders/ORD-JSON-DATES/', { order_date: '2026-06-01T12:00:00', due_date: '2026-06-02' });
    expect(Date.parse(naive.body.data.order_date)).toBe(Date.parse('2026-06-01T12:00:00Z'));
    expect(Date.parse(naive.body.data.due_date)).toBe(Date.parse('2026-06-02T00:00:00Z'));
    const cleared = await api.put('orders/ORD-JSON-DATES/', { order_date: null, due_date: null, metadata: null, customer_info: null });
    expect(cleared.body.data).toMatchObject({ order_date: null, due_date: null, metadata: {}, customer_info: {} });

    // an empty body is {}: POST misses the required fields, PUT changes nothing
    const empty = await api.request('POST', 'orders/', { rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(expectError(empty, 400, 'VALIDATION_ERROR').details).toEqual({ order_number: ['This field is required.'], items: ['This field is required.'] });
    const emptyPut = await api.request('PUT', 'orders/ORD-JSON-DATES/', { rawBody: '' });
    expect(emptyPut.status).toBe(200);
    expect(emptyPut.body.data).toEqual(cleared.body.data);
  });

  it('order_number, external_order_id and sku_code are trimmed; blank order_number is refused', async () => {
    const order = await createOrder({ order_number: '  ORD-TRIM \n', external_order_id: '\tERP-TRIM  ', items: [line('  SKU-B  ', 2)] });
    expect(order.order_number).toBe('ORD-TRIM');
    expect(order.external_order_id).toBe('ERP-TRIM');
    expect(order.items[0].sku).toEqual({ sku: 'SKU-B' });
    expect((await getOrder('ORD-TRIM')).body.data).toEqual(order);
    expect((await getOrder('ERP-TRIM')).body.data).toEqual(order);

    expectFieldError(await api.post('orders/', { order_number: '   ', items: [line()] }), 'order_number', 'This field may not be blank.');
    expectFieldError(await api.post('orders/', { order_number: '', items: [line()] }), 'order_number', 'This field may not be blank.');
    expectFieldError(await api.post('orders/', { order_number: 'ORD-X', items: [line('  ')] }), 'items[0].sku_code', 'This field may not be blank.');
    // 100 characters after trimming are accepted, 101 are not
    const hundred = 'H'.repeat(100);
    expect((await api.post('orders/', { order_number: ` ${hundred} `, items: [line()] })).status).toBe(201);
    expectFieldError(
      await api.post('orders/', { order_number: 'H'.repeat(101), items: [line()] }),
      'order_number',
      'Ensure this field has no more than 100 characters.',
    );
  });
});
