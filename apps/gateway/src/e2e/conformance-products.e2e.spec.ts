/**
 * Black-box conformance tests for the product endpoints through the gateway (real services,
 * real PostgreSQL): checklist items #43–#47 of the spec's conformance checklist and the rules of
 * products.md (cost handling, custom_fields replacement, no-op updates, idempotent deactivation,
 * reactivation, inactive products on orders, concurrent creates).
 */
import type { TestPlatform } from '@datamingle/testing';
import {
  EventStoreReader,
  expectError,
  expectFieldError,
  instantKey,
  listAll,
  PRODUCT_KEYS,
  RFC3339_UTC,
  UUID,
  type ApiClient,
} from './testing-support/e2e-api';
import { createRecord, startApiSuite, stopAll } from './testing-support/e2e-setup';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('Conformance: products (#43–#47)', () => {
  let platform: TestPlatform;
  let api: ApiClient;
  let events: EventStoreReader;

  const createProduct = (fields: Record<string, unknown>) => createRecord(api, 'products/', fields);

  async function getProduct(sku: string): Promise<any> {
    const res = await api.get(`products/${encodeURIComponent(sku)}/`);
    expect(res.status).toBe(200);
    return res.body.data;
  }

  async function productEvents(product: any): Promise<number> {
    return events.count('stream_name = $1', [await events.streamOf(product.id)]);
  }

  const activeSkus = async () => (await listAll(api, 'products/')).map((p) => p.sku);

  beforeAll(async () => {
    ({ platform, api, events } = await startApiSuite('conformance products'));
  }, 60_000);

  afterAll(() => stopAll(platform, events));

  it('#43 POST products/ returns 201 with every field and its default', async () => {
    const res = await api.post('products/', { sku: 'P43-MIN' });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(Object.keys(res.body.data).sort()).toEqual([...PRODUCT_KEYS].sort());
    expect(res.body.data).toEqual({
      id: expect.stringMatching(UUID),
      sku: 'P43-MIN',
      name: null,
      quantity: 0,
      is_active: true,
      cost: null,
      custom_fields: {},
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(await getProduct('P43-MIN')).toEqual(res.body.data);

    const full = await api.post('products/', {
      sku: '  P43-FULL ',
      name: 'Wool rug 5x7, blue',
      quantity: 100,
      is_active: true,
      cost: 42.5,
      custom_fields: { color: 'blue', size: '5x7', nested: { a: [1, 2] } },
      id: '00000000-0000-4000-8000-000000000000',
      created_at: '2000-01-01T00:00:00Z',
      unknown_field: 'ignored',
    });
    expect(full.status).toBe(201);
    expect(full.body.data).toEqual({
      id: expect.stringMatching(UUID),
      sku: 'P43-FULL',
      name: 'Wool rug 5x7, blue',
      quantity: 100,
      is_active: true,
      cost: 42.5,
      custom_fields: { color: 'blue', size: '5x7', nested: { a: [1, 2] } },
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(full.body.data.id).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(Date.parse(full.body.data.created_at)).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z'));

    // a product may be created inactive; null objects become {}
    const inactive = await createProduct({ sku: 'P43-OFF', is_active: false, custom_fields: null, cost: null });
    expect(inactive).toMatchObject({ is_active: false, custom_fields: {}, cost: null });
    expect(await activeSkus()).not.toContain('P43-OFF');
  });

  it('#43 cost is input as a number or decimal string and output as a JSON number', async () => {
    expect((await createProduct({ sku: 'P43-C1', cost: '12.50' })).cost).toBe(12.5);
    expect((await createProduct({ sku: 'P43-C2', cost: 12.5 })).cost).toBe(12.5);
    expect((await createProduct({ sku: 'P43-C3', cost: '0' })).cost).toBe(0);
    expect((await createProduct({ sku: 'P43-C4', cost: '123456789012.1234' })).cost).toBe(123456789012.1234);
    expect((await createProduct({ sku: 'P43-C5', cost: 7 })).cost).toBe(7);
    const raw = await api.get('products/P43-C1/');
    expect(raw.text).toMatch(/"cost":\s*12\.5[,}]/);

    const invalid: Array<[unknown, string]> = [
      ['1.12345', 'Ensure that there are no more than 4 decimal places.'],
      [1.12345, 'Ensure that there are no more than 4 decimal places.'],
      ['1234567890123', 'Ensure that there are no more than 12 digits before the decimal point.'],
      [-1, 'Ensure this value is greater than or equal to 0.'],
      ['-0.5', 'Ensure this value is greater than or equal to 0.'],
      ['abc', 'A valid number is required.'],
      [true, 'A valid number is required.'],
      [{}, 'A valid number is required.'],
    ];
    for (const [cost, message] of invalid) {
      expectFieldError(await api.post('products/', { sku: 'P43-BAD-COST', cost }), 'cost', message);
    }
    expectError(await api.get('products/P43-BAD-COST/'), 404, 'NOT_FOUND');

    // on PUT: the same rules, null clears
    expectFieldError(await api.put('products/P43-C1/', { cost: '0.00001' }), 'cost', 'Ensure that there are no more than 4 decimal places.');
    expect((await getProduct('P43-C1')).cost).toBe(12.5);
    const cleared = await api.put('products/P43-C1/', { cost: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data.cost).toBeNull();
    expect((await api.put('products/P43-C1/', { cost: '3.1400' })).body.data.cost).toBe(3.14);
  });

  it('#44 creating a product whose sku exists (active or inactive) gets 409 DUPLICATE', async () => {
    const original = await createProduct({ sku: 'P44', name: 'original' });
    const dup = await api.post('products/', { sku: 'P44', name: 'second' });
    const error = expectError(dup, 409, 'DUPLICATE');
    expect(error.message).toBe('sku: A product with this sku already exists.');
    expect(error.details).toEqual({ sku: ['A product with this sku already exists.'] });
    expectError(await api.post('products/', { sku: ' P44  ' }), 409, 'DUPLICATE');

    expect((await api.del('products/P44/')).status).toBe(200);
    expectError(await api.post('products/', { sku: 'P44', name: 'third' }), 409, 'DUPLICATE');
    expect(await getProduct('P44')).toMatchObject({ id: original.id, name: 'original', is_active: false });

    // SKUs are case-sensitive
    expect((await api.post('products/', { sku: 'p44' })).status).toBe(201);
  });

  it('#44 of concurrent creates with one sku exactly one returns 201, the others 409 DUPLICATE', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => api.post('products/', { sku: 'P44-RACE', name: `writer ${i}`, quantity: i })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    for (const res of responses.filter((r) => r.status !== 201)) {
      const error = expectError(res, 409, 'DUPLICATE');
      expect(error.details).toEqual({ sku: ['A product with this sku already exists.'] });
    }
    const winner = responses.find((r) => r.status === 201)!.body.data;
    expect(await getProduct('P44-RACE')).toEqual(winner);
    expect((await activeSkus()).filter((s) => s === 'P44-RACE')).toHaveLength(1);
    expect(await events.count(`event_type = 'ProductCreated' AND data->>'sku' = 'P44-RACE'`)).toBe(1);
  });

  it('#45 a product created with 201 can be used in an order created immediately afterwards', async () => {
    for (let i = 0; i < 10; i++) {
      const sku = `P45-${i}`;
      expect((await api.post('products/', { sku })).status).toBe(201);
      const order = await api.post('orders/', { order_number: `ORD-P45-${i}`, items: [{ sku_code: sku, quantity: 1 }] });
      expect({ i, status: order.status, text: order.status === 201 ? '' : order.text }).toEqual({ i, status: 201, text: '' });
      expect(order.body.data.items[0].sku).toEqual({ sku });
    }
  });

  it('#46 PUT products/{sku}/ with a different sku gets 400 VALIDATION_ERROR', async () => {
    const product = await createProduct({ sku: 'P46-SKU', name: 'n', quantity: 5 });
    const res = await api.put('products/P46-SKU/', { sku: 'P46-OTHER', name: 'changed' });
    const error = expectError(res, 400, 'VALIDATION_ERROR');
    expect(error.details).toEqual({ sku: ['This field cannot be changed.'] });
    expect(error.message).toBe('sku: This field cannot be changed.');
    expect(await getProduct('P46-SKU')).toEqual(product);
    expectError(await api.get('products/P46-OTHER/'), 404, 'NOT_FOUND');

    // the current value (after trimming) is accepted
    const same = await api.put('products/P46-SKU/', { sku: ' P46-SKU ', quantity: 6 });
    expect(same.status).toBe(200);
    expect(same.body.data).toMatchObject({ sku: 'P46-SKU', quantity: 6, name: 'n' });
  });

  it('#46 custom_fields in a PUT replaces the stored object entirely; other fields are kept', async () => {
    const product = await createProduct({ sku: 'P46-CF', name: 'rug', quantity: 3, cost: '1.5', custom_fields: { color: 'blue', size: '5x7', collection: '2026' } });
    const res = await api.put('products/P46-CF/', { custom_fields: { color: 'navy', extra: { deep: true } } });
    expect(res.status).toBe(200);
    expect({ ...res.body.data, updated_at: null }).toEqual({ ...product, custom_fields: { color: 'navy', extra: { deep: true } }, updated_at: null });
    expect((await getProduct('P46-CF')).custom_fields).toEqual({ color: 'navy', extra: { deep: true } });
    expect((await api.put('products/P46-CF/', { custom_fields: {} })).body.data.custom_fields).toEqual({});
    await api.put('products/P46-CF/', { custom_fields: { a: 1 } });
    expect((await api.put('products/P46-CF/', { custom_fields: null })).body.data.custom_fields).toEqual({});
    expect(await getProduct('P46-CF')).toMatchObject({ name: 'rug', quantity: 3, cost: 1.5, custom_fields: {} });
  });

  it('#46 a repeated identical PUT leaves updated_at unchanged and stores no event', async () => {
    await createProduct({ sku: 'P46-NOOP', name: 'a' });
    const first = await api.put('products/P46-NOOP/', { name: 'b', quantity: 9, custom_fields: { x: [1, { y: 2 }] }, cost: '2.50' });
    expect(first.status).toBe(200);
    const count = await productEvents(first.body.data);
    const second = await api.put('products/P46-NOOP/', { name: 'b', quantity: 9, custom_fields: { x: [1, { y: 2 }] }, cost: 2.5 });
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(first.body.data);
    const empty = await api.put('products/P46-NOOP/', {});
    expect(empty.body.data).toEqual(first.body.data);
    expect(await productEvents(first.body.data)).toBe(count);
    expect(await getProduct('P46-NOOP')).toEqual(first.body.data);
  });

  it('#47 DELETE returns 200 with is_active false, is idempotent (updated_at unchanged), hides the product from the list but not from GET', async () => {
    const product = await createProduct({ sku: 'P47', name: 'to deactivate', quantity: 4 });
    expect(await activeSkus()).toContain('P47');
    const res = await api.del('products/P47/');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const inactive = res.body.data;
    expect({ ...inactive, updated_at: null }).toEqual({ ...product, is_active: false, updated_at: null });
    expect(instantKey(inactive.updated_at) >= instantKey(product.updated_at)).toBe(true);

    const count = await productEvents(product);
    const again = await api.del('products/P47/');
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(inactive);
    // a body, if sent, must be JSON and is ignored
    const withBody = await api.del('products/P47/', { reason: 'ignored' });
    expect(withBody.status).toBe(200);
    expect(withBody.body.data).toEqual(inactive);
    expect(await productEvents(product)).toBe(count);

    expect(await activeSkus()).not.toContain('P47');
    expect(await getProduct('P47')).toEqual(inactive);
    expectError(await api.del('products/P47-NOPE/'), 404, 'NOT_FOUND');
    expect(expectError(await api.get('products/P47-NOPE/'), 404, 'NOT_FOUND').message).toBe("Product 'P47-NOPE' not found.");
  });

  it('an inactive product cannot be used in an order: 400 SERVICE_ERROR naming the SKU', async () => {
    await createProduct({ sku: 'P-INACTIVE' });
    await api.del('products/P-INACTIVE/');
    const res = await api.post('orders/', { order_number: 'ORD-P-INACTIVE', items: [{ sku_code: 'P-INACTIVE', quantity: 1 }] });
    const error = expectError(res, 400, 'SERVICE_ERROR');
    expect(error.message).toBe('Products not found or inactive: P-INACTIVE');
    expect(error.details).toEqual({ 'items[0].sku_code': ["Product 'P-INACTIVE' does not exist or is inactive."] });
    expectError(await api.get('orders/ORD-P-INACTIVE/'), 404, 'NOT_FOUND');
  });

  it('PUT {"is_active": true} reactivates a product: listed again and usable in orders', async () => {
    const product = await createProduct({ sku: 'P-REACT', name: 'back', custom_fields: { k: 'v' } });
    const inactive = (await api.del('products/P-REACT/')).body.data;
    expect(inactive.is_active).toBe(false);
    const res = await api.put('products/P-REACT/', { is_active: true });
    expect(res.status).toBe(200);
    expect({ ...res.body.data, updated_at: null }).toEqual({ ...product, is_active: true, updated_at: null });
    expect(instantKey(res.body.data.updated_at) >= instantKey(inactive.updated_at)).toBe(true);
    expect(await activeSkus()).toContain('P-REACT');
    const order = await api.post('orders/', { order_number: 'ORD-P-REACT', items: [{ sku_code: 'P-REACT', quantity: 2 }] });
    expect(order.status).toBe(201);

    // PUT {"is_active": false} deactivates as well
    const off = await api.put('products/P-REACT/', { is_active: false });
    expect(off.body.data.is_active).toBe(false);
    expect(await activeSkus()).not.toContain('P-REACT');
    // existing order lines keep referencing the product
    expect((await api.get('orders/ORD-P-REACT/')).body.data.items[0].sku).toEqual({ sku: 'P-REACT' });
  });

  it('field validation of POST and PUT products', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{}, 'sku', 'This field is required.'],
      [{ sku: null }, 'sku', 'This field may not be null.'],
      [{ sku: '  ' }, 'sku', 'This field may not be blank.'],
      [{ sku: 'S'.repeat(101) }, 'sku', 'Ensure this field has no more than 100 characters.'],
      [{ sku: 'P-V', name: 'n'.repeat(256) }, 'name', 'Ensure this field has no more than 255 characters.'],
      [{ sku: 'P-V', quantity: -1 }, 'quantity', 'Ensure this value is greater than or equal to 0.'],
      [{ sku: 'P-V', quantity: 1_000_000_001 }, 'quantity', 'Ensure this value is less than or equal to 1000000000.'],
      [{ sku: 'P-V', quantity: 1.5 }, 'quantity', 'A valid integer is required.'],
      [{ sku: 'P-V', is_active: 'yes' }, 'is_active', 'Must be a valid boolean.'],
      [{ sku: 'P-V', custom_fields: [] }, 'custom_fields', 'Expected a JSON object.'],
    ];
    for (const [body, path, message] of cases) {
      expectFieldError(await api.post('products/', body), path, message);
    }
    expectError(await api.get('products/P-V/'), 404, 'NOT_FOUND');
    const product = await createProduct({ sku: 'P-V', quantity: 1_000_000_000, name: 'n'.repeat(255) });
    expect(product.quantity).toBe(1_000_000_000);

    const putCases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: 'n'.repeat(256) }, 'name', 'Ensure this field has no more than 255 characters.'],
      [{ quantity: -1 }, 'quantity', 'Ensure this value is greater than or equal to 0.'],
      [{ quantity: '7' }, 'quantity', 'A valid integer is required.'],
      [{ quantity: null }, 'quantity', 'This field may not be null.'],
      [{ is_active: 0 }, 'is_active', 'Must be a valid boolean.'],
      [{ is_active: null }, 'is_active', 'This field may not be null.'],
      [{ custom_fields: 'x' }, 'custom_fields', 'Expected a JSON object.'],
      [{ cost: 'x' }, 'cost', 'A valid number is required.'],
    ];
    for (const [body, path, message] of putCases) {
      expectFieldError(await api.put('products/P-V/', body), path, message);
    }
    expect(await getProduct('P-V')).toEqual(product);
  });
});
