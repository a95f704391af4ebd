/**
 * Black-box conformance tests for the inventory endpoints through the gateway (real services,
 * real PostgreSQL): checklist items #51–#59 of the spec's conformance checklist and the rules of
 * inventory.md they summarise: the bulk summary (both spec examples reproduced exactly), row
 * errors (zero-based rows, fixed keys, identifiers echoed by the string rules, contractual
 * messages), partial application, repeated pairs (one event per changed pair), unchanged rows
 * (counted as updated, no event), whole-request validation (including 50,000 / 50,001 rows),
 * the record representation, the per-location / per-SKU reads with `by`, pagination, 405s and
 * tenant isolation. Events are counted read-only in event_store.events.
 */
import { startTestPlatform, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { apiClient, EventStoreReader, expectError, instantKey, listAll, RFC3339_UTC, type ApiClient } from './testing-support/e2e-api';
import { aLocationBody, aProductBody, stopAll } from './testing-support/e2e-setup';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Keys of an inventory record, in the order inventory.md §1 shows them. */
const RECORD_KEYS = ['location_code', 'sku_code', 'quantity', 'updated_at'];
const SUMMARY_KEYS = ['total', 'created', 'updated', 'failed', 'errors'];
const ERROR_ENTRY_KEYS = ['row', 'location_id', 'product_id', 'errors'];

type Row = Record<string, unknown>;

jest.setTimeout(30_000);

/** Runs `fn` over `items` with at most `n` calls in flight. */
async function inParallel<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** The summary of a bulk response, after asserting the 200 envelope and the summary invariants. */
function summary(res: ApiResponse): any {
  expect({ status: res.status, text: res.status === 200 ? '' : res.text.slice(0, 800) }).toEqual({ status: 200, text: '' });
  expect(Object.keys(res.body)).toEqual(['success', 'data']);
  expect(res.body.success).toBe(true);
  const data = res.body.data;
  expect(Object.keys(data)).toEqual(SUMMARY_KEYS);
  expect(data.total).toBe(data.created + data.updated + data.failed);
  expect(data.errors).toHaveLength(data.failed);
  for (const e of data.errors) expect(Object.keys(e)).toEqual(ERROR_ENTRY_KEYS);
  return data;
}

describe('Conformance: inventory (#51–#59)', () => {
  let platform: TestPlatform;
  let events: EventStoreReader;
  /** Clients per tenant: acme (main), globex (isolation), spec1 / spec2 (the spec examples), pages (pagination), bulk (50,000 rows). */
  const clients: Record<string, ApiClient> = {};
  let api: ApiClient;

  async function createLocations(codes: string[], client = api, fields: Record<string, unknown> = {}): Promise<void> {
    await inParallel(codes, 8, async (code) => {
      const res = await client.post('locations/', aLocationBody(code, fields));
      if (res.status !== 201) throw new Error(`location ${code}: ${res.status} ${res.text}`);
    });
  }

  async function createProducts(skus: string[], client = api, fields: Record<string, unknown> = {}): Promise<void> {
    await inParallel(skus, 8, async (sku) => {
      const res = await client.post('products/', aProductBody(sku, fields));
      if (res.status !== 201) throw new Error(`product ${sku}: ${res.status} ${res.text}`);
    });
  }

  const bulk = (rows: unknown, extra: Record<string, unknown> = {}, client = api) => client.post('inventory/', { inventory: rows, ...extra });

  /** Every record at a location (all pages). */
  const atLocation = (code: string, client = api) => listAll(client, `inventory/${encodeURIComponent(code)}/`);
  /** Every record of a product (all pages). */
  const ofSku = (sku: string, client = api) => listAll(client, `inventory/${encodeURIComponent(sku)}/`, 'by=sku');

  /** location_code/sku_code → quantity for every record at the given locations. */
  async function quantities(codes: string[], client = api): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const code of codes) for (const r of await atLocation(code, client)) out[`${r.location_code}/${r.sku_code}`] = r.quantity;
    return out;
  }

  /** InventoryLevelSet events whose location_code is one of `codes`. */
  const levelEvents = (codes: string[]) => events.count(`event_type = 'InventoryLevelSet' AND data->>'location_code' = ANY($1)`, [codes]);
  const levelEventData = (code: string, sku: string) =>
    events.query(
      `SELECT data FROM event_store.events WHERE event_type = 'InventoryLevelSet' AND data->>'location_code' = $1 AND data->>'sku_code' = $2 ORDER BY global_position`,
      [code, sku],
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
    const tenants = ['acme', 'globex', 'spec1', 'spec2', 'pages', 'bulk'];
    await Promise.all(tenants.map((t) => platform.createTenant(t)));
    const keys = await Promise.all(tenants.map((t) => platform.createKey(t, { name: `conformance inventory ${t}` })));
    tenants.forEach((t, i) => (clients[t] = apiClient(platform, keys[i]!.key, `${t}.localhost`)));
    api = clients['acme']!;
    events = new EventStoreReader(platform.databaseUrl);
  }, 60_000);

  afterAll(() => stopAll(platform, events));

  it('#51 POST inventory/ returns 200 with data keys total, created, updated, failed, errors and total = created + updated + failed (spec example, all rows applied)', async () => {
    const c = clients['spec1']!;
    await createLocations(['A-101', 'B-201'], c);
    await createProducts(['RUG-5X7-BLU', 'RUG-8X10-RED'], c);
    // A-101 / RUG-5X7-BLU already exists.
    expect(summary(await bulk([{ location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 120 }], {}, c))).toEqual({ total: 1, created: 1, updated: 0, failed: 0, errors: [] });

    // The spec's example request (inventory.md §2), byte for byte the documented answer.
    const res = await c.post('inventory/', {
      inventory: [
        { location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 },
        { location_code: 'A-101', sku_code: 'RUG-8X10-RED', quantity: 75 },
        { location_code: 'B-201', sku_code: 'RUG-5X7-BLU', quantity: 200 },
      ],
      source: 'erp_sync',
      notes: 'Daily inventory sync',
    });
    summary(res);
    const expected = { success: true, data: { total: 3, created: 2, updated: 1, failed: 0, errors: [] } };
    expect(res.body).toEqual(expected);
    expect(JSON.stringify(res.body)).toBe(JSON.stringify(expected));

    // The list examples (inventory.md §3, §4) for the resulting state: newest first. The two records
    // created by the same request may share a creation time, so their relative order is not asserted.
    const list = await c.get('inventory/?limit=3');
    expect(list.status).toBe(200);
    expect(list.body.pagination).toEqual({ limit: 3, next_cursor: null });
    const strip = (r: any) => ({ location_code: r.location_code, sku_code: r.sku_code, quantity: r.quantity });
    expect(list.body.data.slice(0, 2).map(strip)).toEqual(
      expect.arrayContaining([
        { location_code: 'B-201', sku_code: 'RUG-5X7-BLU', quantity: 200 },
        { location_code: 'A-101', sku_code: 'RUG-8X10-RED', quantity: 75 },
      ]),
    );
    expect(strip(list.body.data[2])).toEqual({ location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 });
    const byLocation = await c.get('inventory/A-101/');
    expect(byLocation.body.data.map(strip)).toEqual([
      { location_code: 'A-101', sku_code: 'RUG-8X10-RED', quantity: 75 },
      { location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 },
    ]);
    expect(byLocation.body.pagination).toEqual({ limit: 50, next_cursor: null });
    const bySku = await c.get('inventory/RUG-5X7-BLU/?by=sku');
    expect(bySku.body.data.map(strip)).toEqual([
      { location_code: 'B-201', sku_code: 'RUG-5X7-BLU', quantity: 200 },
      { location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 },
    ]);
    expect(bySku.body.pagination).toEqual({ limit: 50, next_cursor: null });

    // Writing inventory does not change the products' own quantity.
    expect((await c.get('products/RUG-5X7-BLU/')).body.data.quantity).toBe(0);
  });

  it('#51 the summary invariant holds for mixed batches; row-level problems are never request errors', async () => {
    await createLocations(['I51-L1']);
    await createProducts(['I51-P1', 'I51-P2']);
    const data = summary(
      await bulk([
        { location_code: 'I51-L1', sku_code: 'I51-P1', quantity: 1 },
        { location_code: 'I51-L1', sku_code: 'I51-P1', quantity: 2 },
        { location_code: 'I51-L1', sku_code: 'I51-P2', quantity: 3 },
        { location_code: 'I51-NOPE', sku_code: 'I51-P2', quantity: 4 },
        'not an object',
        {},
      ]),
    );
    expect({ ...data, errors: data.errors.map((e: any) => e.row) }).toEqual({ total: 6, created: 2, updated: 1, failed: 3, errors: [3, 4, 5] });
    // Every row failing is still 200 with success: true.
    const allFailed = summary(await bulk([{ location_code: 'I51-NOPE', sku_code: 'I51-P1', quantity: 1 }, 7]));
    expect({ ...allFailed, errors: allFailed.errors.length }).toEqual({ total: 2, created: 0, updated: 0, failed: 2, errors: 2 });
  });

  it('#52 row errors carry a zero-based row, location_id, product_id and errors (spec example with rejected rows, exactly)', async () => {
    const c = clients['spec2']!; // a tenant without inventory records
    await createLocations(['A-101', 'A-103'], c);
    await createProducts(['RUG-5X7-BLU', 'RUG-8X10-RED'], c);
    expect((await c.del('locations/A-103/')).status).toBe(200);
    expect((await c.get('inventory/')).body.data).toEqual([]);

    const res = await c.post('inventory/', {
      inventory: [
        { location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 },
        { location_code: 'A-101', sku_code: 'RUG-8X10-RED', quantity: 75 },
        { location_code: 'INVALID-LOC', sku_code: 'RUG-5X7-BLU', quantity: 200 },
        { location_code: 'A-103', sku_code: 'RUG-0000', quantity: -4 },
      ],
    });
    summary(res);
    const expected = {
      success: true,
      data: {
        total: 4,
        created: 2,
        updated: 0,
        failed: 2,
        errors: [
          {
            row: 2,
            location_id: 'INVALID-LOC',
            product_id: 'RUG-5X7-BLU',
            errors: { location_id: ['Location not found'] },
          },
          {
            row: 3,
            location_id: 'A-103',
            product_id: 'RUG-0000',
            errors: {
              location_id: ['Location is inactive'],
              product_id: ['Product not found'],
              quantity: ['Ensure this value is greater than or equal to 0.'],
            },
          },
        ],
      },
    };
    expect(res.body).toEqual(expected);
    expect(JSON.stringify(res.body)).toBe(JSON.stringify(expected));
    // Only the valid rows were applied.
    const records = await listAll(c, 'inventory/');
    expect(records.map((r) => `${r.location_code}/${r.sku_code}=${r.quantity}`).sort()).toEqual(['A-101/RUG-5X7-BLU=150', 'A-101/RUG-8X10-RED=75']);
  });

  it('#52 unknown location → "Location not found", inactive → "Location is inactive", unknown product → "Product not found", inactive product → "Product is inactive"', async () => {
    await createLocations(['I52-LOC', 'I52-OFF']);
    await createProducts(['I52-SKU', 'I52-SKU-OFF']);
    expect((await api.del('locations/I52-OFF/')).status).toBe(200);
    expect((await api.del('products/I52-SKU-OFF/')).status).toBe(200);
    const data = summary(
      await bulk([
        { location_code: 'I52-NOPE', sku_code: 'I52-SKU', quantity: 1 },
        { location_code: 'I52-OFF', sku_code: 'I52-SKU', quantity: 1 },
        { location_code: 'I52-LOC', sku_code: 'I52-NOPE', quantity: 1 },
        { location_code: 'I52-LOC', sku_code: 'I52-SKU-OFF', quantity: 1 },
        { location_code: 'I52-OFF', sku_code: 'I52-SKU-OFF', quantity: 1 },
        { location_code: 'I52-NOPE', sku_code: 'I52-NOPE', quantity: 1 },
        { location_code: 'I52-LOC', sku_code: 'I52-SKU', quantity: 1 },
      ]),
    );
    expect(data).toEqual({
      total: 7,
      created: 1,
      updated: 0,
      failed: 6,
      errors: [
        { row: 0, location_id: 'I52-NOPE', product_id: 'I52-SKU', errors: { location_id: ['Location not found'] } },
        { row: 1, location_id: 'I52-OFF', product_id: 'I52-SKU', errors: { location_id: ['Location is inactive'] } },
        { row: 2, location_id: 'I52-LOC', product_id: 'I52-NOPE', errors: { product_id: ['Product not found'] } },
        { row: 3, location_id: 'I52-LOC', product_id: 'I52-SKU-OFF', errors: { product_id: ['Product is inactive'] } },
        { row: 4, location_id: 'I52-OFF', product_id: 'I52-SKU-OFF', errors: { location_id: ['Location is inactive'], product_id: ['Product is inactive'] } },
        { row: 5, location_id: 'I52-NOPE', product_id: 'I52-NOPE', errors: { location_id: ['Location not found'], product_id: ['Product not found'] } },
      ],
    });
    // Codes and SKUs are case-sensitive.
    const cased = summary(await bulk([{ location_code: 'i52-loc', sku_code: 'i52-sku', quantity: 1 }]));
    expect(cased.errors).toEqual([{ row: 0, location_id: 'i52-loc', product_id: 'i52-sku', errors: { location_id: ['Location not found'], product_id: ['Product not found'] } }]);
    // Reactivating the location makes it accept rows again.
    expect((await api.put('locations/I52-OFF/', { is_active: true })).status).toBe(200);
    expect(summary(await bulk([{ location_code: 'I52-OFF', sku_code: 'I52-SKU', quantity: 2 }]))).toMatchObject({ created: 1, failed: 0 });
  });

  it('#52 row validation: non-object rows, identifiers converted by the string rules (4512 → "4512", floats/booleans → null), field messages, trimming', async () => {
    await createLocations(['4512', 'I52V-LOC']);
    await createProducts(['77', 'I52V-SKU']);
    const long = 'L'.repeat(101);
    const rows: unknown[] = [
      /* 0 */ 5,
      /* 1 */ 'I52V-LOC',
      /* 2 */ null,
      /* 3 */ [{ location_code: 'I52V-LOC', sku_code: 'I52V-SKU', quantity: 1 }],
      /* 4 */ { location_code: 4512, sku_code: 77, quantity: 3 }, // integers are strings: valid, created
      /* 5 */ { location_code: 4513, sku_code: 78, quantity: 3 },
      /* 6 */ { location_code: 45.5, sku_code: true, quantity: 1 },
      /* 7 */ { location_code: { code: 'I52V-LOC' }, sku_code: ['I52V-SKU'], quantity: 1 },
      /* 8 */ { location_code: null, sku_code: null, quantity: null },
      /* 9 */ {},
      /* 10 */ { location_code: '   ', sku_code: '', quantity: 1 },
      /* 11 */ { location_code: long, sku_code: ` ${'S'.repeat(100)} `, quantity: 1 },
      /* 12 */ { location_code: '  I52V-LOC ', sku_code: '\tI52V-SKU ', quantity: 1_000_000_001 },
      /* 13 */ { location_code: 'I52V-LOC', sku_code: 'I52V-SKU', quantity: 1.5 },
      /* 14 */ { location_code: 'I52V-LOC', sku_code: 'I52V-SKU', quantity: '5' },
      /* 15 */ { location_code: 'I52V-LOC', sku_code: 'I52V-SKU', quantity: true },
      /* 16 */ { location_code: 'I52V-LOC', sku_code: 'I52V-SKU', quantity: -1 },
      /* 17 */ { quantity: 'x', sku_code: 'I52V-NOPE', location_code: 'I52V-NOPE' }, // key order of the row does not matter
      /* 18 */ { location_code: ' I52V-LOC ', sku_code: ' I52V-SKU ', quantity: 1_000_000_000, id: 'ignored', extra: { a: 1 } },
    ];
    const data = summary(await bulk(rows));
    const err = (row: number, location_id: string | null, product_id: string | null, errors: Record<string, string[]>) => ({ row, location_id, product_id, errors });
    const notObject = { non_field_errors: ['Expected a JSON object.'] };
    expect(data.errors).toEqual([
      err(0, null, null, notObject),
      err(1, null, null, notObject),
      err(2, null, null, notObject),
      err(3, null, null, notObject),
      err(5, '4513', '78', { location_id: ['Location not found'], product_id: ['Product not found'] }),
      err(6, null, null, { location_id: ['Not a valid string.'], product_id: ['Not a valid string.'] }),
      err(7, null, null, { location_id: ['Not a valid string.'], product_id: ['Not a valid string.'] }),
      err(8, null, null, { location_id: ['This field may not be null.'], product_id: ['This field may not be null.'], quantity: ['This field may not be null.'] }),
      err(9, null, null, { location_id: ['This field is required.'], product_id: ['This field is required.'], quantity: ['This field is required.'] }),
      err(10, '', '', { location_id: ['This field may not be blank.'], product_id: ['This field may not be blank.'] }),
      err(11, long, 'S'.repeat(100), { location_id: ['Ensure this field has no more than 100 characters.'], product_id: ['Product not found'] }),
      err(12, 'I52V-LOC', 'I52V-SKU', { quantity: ['Ensure this value is less than or equal to 1000000000.'] }),
      err(13, 'I52V-LOC', 'I52V-SKU', { quantity: ['A valid integer is required.'] }),
      err(14, 'I52V-LOC', 'I52V-SKU', { quantity: ['A valid integer is required.'] }),
      err(15, 'I52V-LOC', 'I52V-SKU', { quantity: ['A valid integer is required.'] }),
      err(16, 'I52V-LOC', 'I52V-SKU', { quantity: ['Ensure this value is greater than or equal to 0.'] }),
      err(17, 'I52V-NOPE', 'I52V-NOPE', { location_id: ['Location not found'], product_id: ['Product not found'], quantity: ['A valid integer is required.'] }),
    ]);
    // Field keys inside errors are in document order whatever the row's key order.
    expect(Object.keys(data.errors[16].errors)).toEqual(['location_id', 'product_id', 'quantity']);
    expect(Object.keys(data.errors[7].errors)).toEqual(['location_id', 'product_id', 'quantity']);
    expect({ total: data.total, created: data.created, updated: data.updated, failed: data.failed }).toEqual({ total: 19, created: 2, updated: 0, failed: 17 });
    expect(await quantities(['4512', 'I52V-LOC'])).toEqual({ '4512/77': 3, 'I52V-LOC/I52V-SKU': 1_000_000_000 });

    // Integral numbers in any notation are integers (1e3, 10.0, -0).
    const raw = await api.request('POST', 'inventory/', {
      rawBody: '{"inventory": [{"location_code": "I52V-LOC", "sku_code": "I52V-SKU", "quantity": 1e3}, {"location_code": "4512", "sku_code": "77", "quantity": 10.0}, {"location_code": "I52V-LOC", "sku_code": "77", "quantity": -0}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(summary(raw)).toEqual({ total: 3, created: 1, updated: 2, failed: 0, errors: [] });
    expect(await quantities(['4512', 'I52V-LOC'])).toEqual({ '4512/77': 10, 'I52V-LOC/I52V-SKU': 1000, 'I52V-LOC/77': 0 });
  });

  it('#53 valid rows are applied even when other rows of the same request fail, and the response still has success: true', async () => {
    await createLocations(['I53-L1', 'I53-L2']);
    await createProducts(['I53-P1', 'I53-P2']);
    const res = await bulk([
      { location_code: 'I53-L1', sku_code: 'I53-P1', quantity: 10 },
      { location_code: 'I53-L1', sku_code: 'I53-NOPE', quantity: 11 },
      { location_code: 'I53-L2', sku_code: 'I53-P2', quantity: 12 },
      { location_code: 'I53-L2', sku_code: 'I53-P1', quantity: -12 },
      { location_code: 'I53-L2', sku_code: 'I53-P1', quantity: 13 },
    ]);
    const data = summary(res);
    expect(res.body.success).toBe(true);
    expect({ ...data, errors: data.errors.map((e: any) => e.row) }).toEqual({ total: 5, created: 3, updated: 0, failed: 2, errors: [1, 3] });
    expect(await quantities(['I53-L1', 'I53-L2'])).toEqual({ 'I53-L1/I53-P1': 10, 'I53-L2/I53-P2': 12, 'I53-L2/I53-P1': 13 });
    expect(await levelEvents(['I53-L1', 'I53-L2'])).toBe(3);
  });

  it('#53 a product or location created with 201 is usable in the very next bulk request', async () => {
    for (let i = 0; i < 10; i++) {
      const loc = await api.post('locations/', { code: `I53-NEW-L${i}` });
      const sku = await api.post('products/', { sku: `I53-NEW-P${i}` });
      expect({ i, loc: loc.status, sku: sku.status }).toEqual({ i, loc: 201, sku: 201 });
      const data = summary(await bulk([{ location_code: `I53-NEW-L${i}`, sku_code: `I53-NEW-P${i}`, quantity: i }]));
      expect({ i, data }).toEqual({ i, data: { total: 1, created: 1, updated: 0, failed: 0, errors: [] } });
    }
  });

  it('#54 the same (location, SKU) pair twice in one batch ends with the later quantity, counted as one created and one updated for a new pair', async () => {
    await createLocations(['I54-L']);
    await createProducts(['I54-A', 'I54-B', 'I54-C']);
    const data = summary(
      await bulk([
        { location_code: 'I54-L', sku_code: 'I54-A', quantity: 5 },
        { location_code: 'I54-L', sku_code: 'I54-A', quantity: 8 },
      ]),
    );
    expect(data).toEqual({ total: 2, created: 1, updated: 1, failed: 0, errors: [] });
    expect(await quantities(['I54-L'])).toEqual({ 'I54-L/I54-A': 8 });
    // One event for the pair, with the final quantity.
    const evA = await levelEventData('I54-L', 'I54-A');
    expect(evA.map((e) => e.data.quantity)).toEqual([8]);

    // The last VALID occurrence decides; an invalid occurrence neither counts nor applies.
    const mixed = summary(
      await bulk([
        { location_code: 'I54-L', sku_code: 'I54-B', quantity: -1 },
        { location_code: 'I54-L', sku_code: 'I54-B', quantity: 4 },
        { location_code: 'I54-L', sku_code: 'I54-B', quantity: 'x' },
      ]),
    );
    expect({ ...mixed, errors: mixed.errors.map((e: any) => e.row) }).toEqual({ total: 3, created: 1, updated: 0, failed: 2, errors: [0, 2] });
    expect((await quantities(['I54-L']))['I54-L/I54-B']).toBe(4);
  });

  it('#54 exactly one event per changed pair per request: a pair repeated 3 times stores one event with the final quantity and previous_quantity of the stored value', async () => {
    await createLocations(['I54E-L']);
    await createProducts(['I54E-A', 'I54E-B']);
    summary(await bulk([{ location_code: 'I54E-L', sku_code: 'I54E-A', quantity: 3 }]));
    expect(await levelEvents(['I54E-L'])).toBe(1);

    const data = summary(
      await bulk(
        [
          { location_code: 'I54E-L', sku_code: 'I54E-A', quantity: 5 },
          { location_code: 'I54E-L', sku_code: 'I54E-B', quantity: 1 },
          { location_code: 'I54E-L', sku_code: 'I54E-A', quantity: 7 },
          { location_code: 'I54E-L', sku_code: 'I54E-B', quantity: 2 },
          { location_code: 'I54E-L', sku_code: 'I54E-A', quantity: 9 },
          { location_code: 'I54E-L', sku_code: 'I54E-B', quantity: 3 },
        ],
        { source: 'manual_adjustment', notes: 'recount' },
      ),
    );
    expect(data).toEqual({ total: 6, created: 1, updated: 5, failed: 0, errors: [] });
    expect(await quantities(['I54E-L'])).toEqual({ 'I54E-L/I54E-A': 9, 'I54E-L/I54E-B': 3 });
    expect(await levelEvents(['I54E-L'])).toBe(3);
    const evA = await levelEventData('I54E-L', 'I54E-A');
    expect(evA).toHaveLength(2);
    expect(evA[1].data).toMatchObject({ location_code: 'I54E-L', sku_code: 'I54E-A', quantity: 9, previous_quantity: 3, source: 'manual_adjustment', notes: 'recount' });
    const evB = await levelEventData('I54E-L', 'I54E-B');
    expect(evB).toHaveLength(1);
    expect(evB[0].data).toMatchObject({ location_code: 'I54E-L', sku_code: 'I54E-B', quantity: 3, source: 'manual_adjustment', notes: 'recount' });
  });

  it('#55 a row whose quantity equals the stored quantity counts as updated; the record is untouched (updated_at unchanged, no event)', async () => {
    await createLocations(['I55-L']);
    await createProducts(['I55-A', 'I55-B']);
    summary(await bulk([{ location_code: 'I55-L', sku_code: 'I55-A', quantity: 10 }, { location_code: 'I55-L', sku_code: 'I55-B', quantity: 0 }]));
    const before = await atLocation('I55-L');
    const count = await levelEvents(['I55-L']);
    expect(count).toBe(2);

    const same = summary(await bulk([{ location_code: 'I55-L', sku_code: 'I55-A', quantity: 10 }]));
    expect(same).toEqual({ total: 1, created: 0, updated: 1, failed: 0, errors: [] });
    expect(await atLocation('I55-L')).toEqual(before);
    expect(await levelEvents(['I55-L'])).toBe(count);

    // One changed row next to an unchanged one: only the changed record moves.
    const changed = summary(await bulk([{ location_code: 'I55-L', sku_code: 'I55-A', quantity: 10 }, { location_code: 'I55-L', sku_code: 'I55-B', quantity: 1 }]));
    expect(changed).toEqual({ total: 2, created: 0, updated: 2, failed: 0, errors: [] });
    const after = await atLocation('I55-L');
    const find = (rows: any[], sku: string) => rows.find((r) => r.sku_code === sku);
    expect(find(after, 'I55-A')).toEqual(find(before, 'I55-A'));
    expect(find(after, 'I55-B').quantity).toBe(1);
    expect(instantKey(find(after, 'I55-B').updated_at) >= instantKey(find(before, 'I55-B').updated_at)).toBe(true);
    expect(await levelEvents(['I55-L'])).toBe(count + 1);
  });

  it('#55 repeating an identical batch counts every row as updated and stores no new events', async () => {
    const codes = ['I55R-L1', 'I55R-L2'];
    await createLocations(codes);
    await createProducts(['I55R-A', 'I55R-B', 'I55R-C']);
    const rows = codes.flatMap((l, i) => ['I55R-A', 'I55R-B', 'I55R-C'].map((s, j) => ({ location_code: l, sku_code: s, quantity: i * 10 + j })));
    expect(summary(await bulk(rows, { source: 'erp_sync' }))).toEqual({ total: 6, created: 6, updated: 0, failed: 0, errors: [] });
    const state = await quantities(codes);
    const records = [...(await atLocation(codes[0]!)), ...(await atLocation(codes[1]!))];
    const count = await levelEvents(codes);
    expect(count).toBe(6);
    for (let i = 0; i < 2; i++) {
      expect(summary(await bulk(rows, { source: 'erp_sync' }))).toEqual({ total: 6, created: 0, updated: 6, failed: 0, errors: [] });
    }
    expect(await levelEvents(codes)).toBe(count);
    expect(await quantities(codes)).toEqual(state);
    expect([...(await atLocation(codes[0]!)), ...(await atLocation(codes[1]!))]).toEqual(records);
  });

  it('#56 inventory missing, empty, not a list or longer than 50,000 rows, or an invalid source, gets 400 VALIDATION_ERROR and nothing is applied', async () => {
    await createLocations(['I56-L']);
    await createProducts(['I56-P']);
    const good = { location_code: 'I56-L', sku_code: 'I56-P', quantity: 5 };
    const cases: Array<[Record<string, unknown>, Record<string, string[]>]> = [
      [{}, { inventory: ['This field is required.'] }],
      [{ source: 'erp_sync' }, { inventory: ['This field is required.'] }],
      [{ inventory: [] }, { inventory: ['This list may not be empty.'] }],
      [{ inventory: good }, { inventory: ['Expected a list of items.'] }],
      [{ inventory: 'rows' }, { inventory: ['Expected a list of items.'] }],
      [{ inventory: 3 }, { inventory: ['Expected a list of items.'] }],
      [{ inventory: [good], source: 'bogus' }, { source: ['"bogus" is not a valid choice.'] }],
      [{ inventory: [good], source: 'ERP_SYNC' }, { source: ['"ERP_SYNC" is not a valid choice.'] }],
      [{ inventory: [good], source: '' }, { source: ['"" is not a valid choice.'] }],
      [{ inventory: [good], source: null }, { source: ['This field may not be null.'] }],
      [{ inventory: [good], notes: 'n'.repeat(5001) }, { notes: ['Ensure this field has no more than 5000 characters.'] }],
      [{ inventory: [good], notes: true }, { notes: ['Not a valid string.'] }],
      [{ inventory: [good], notes: { text: 'x' } }, { notes: ['Not a valid string.'] }],
      [{ source: 'nope', notes: false }, { inventory: ['This field is required.'], source: ['"nope" is not a valid choice.'], notes: ['Not a valid string.'] }],
    ];
    for (const [body, details] of cases) {
      const res = await api.post('inventory/', body);
      const label = JSON.stringify(body).slice(0, 100);
      expect({ label, status: res.status, code: res.body?.error?.code, details: res.body?.error?.details }).toEqual({ label, status: 400, code: 'VALIDATION_ERROR', details });
      expect(Object.keys(res.body.error.details)).toEqual(Object.keys(details));
      const [firstKey, firstMessages] = Object.entries(details)[0]!;
      const more = Object.values(details).flat().length - 1;
      expect(res.body.error.message).toBe(`${firstKey}: ${firstMessages[0]}${more ? ` (and ${more} more)` : ''}`);
    }
    // inventory: null is not a list either.
    const nullRows = expectError(await api.post('inventory/', { inventory: null }), 400, 'VALIDATION_ERROR');
    expect(Object.keys(nullRows.details)).toEqual(['inventory']);
    // Non-object bodies, malformed JSON, wrong media type.
    expect(expectError(await api.request('POST', 'inventory/', { rawBody: JSON.stringify([good]), headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR').details).toEqual({
      non_field_errors: ['Expected a JSON object at the top level.'],
    });
    expectError(await api.request('POST', 'inventory/', { rawBody: '{"inventory": [', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR');
    expectError(await api.request('POST', 'inventory/', { rawBody: JSON.stringify({ inventory: [good] }), headers: { 'content-type': 'text/csv' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');

    // Nothing was applied by any of them.
    expect(await atLocation('I56-L')).toEqual([]);
    expect(await levelEvents(['I56-L'])).toBe(0);

    // The limits themselves are accepted: 5,000-character notes, null notes, every source value.
    for (const [i, source] of ['bulk_import', 'manual_adjustment', 'erp_sync', 'initial_load'].entries()) {
      const notes = i === 0 ? 'n'.repeat(5000) : i === 1 ? null : `note ${i}`;
      expect(summary(await bulk([{ ...good, quantity: i + 1 }], { source, notes }))).toMatchObject({ total: 1, failed: 0 });
      const last = (await levelEventData('I56-L', 'I56-P')).pop();
      expect({ source: last.data.source, notes: last.data.notes }).toEqual({ source, notes });
    }
    // notes follows the string rules: a JSON integer is converted to its decimal text.
    expect(summary(await bulk([{ ...good, quantity: 99 }], { notes: 4512 }))).toMatchObject({ updated: 1, failed: 0 });
    expect((await levelEventData('I56-L', 'I56-P')).pop().data.notes).toBe('4512');
  });

  it('#56 source defaults to bulk_import and notes to null; unknown body fields are ignored', async () => {
    await createLocations(['I56D-L']);
    await createProducts(['I56D-P']);
    expect(summary(await bulk([{ location_code: 'I56D-L', sku_code: 'I56D-P', quantity: 1 }], { unknown: 'ignored', inventorys: [] }))).toMatchObject({ created: 1 });
    const [event] = await levelEventData('I56D-L', 'I56D-P');
    expect(event.data).toMatchObject({ quantity: 1, source: 'bulk_import', notes: null });
  });

  it('#56 50,000 rows are accepted; 50,001 rows get 400 VALIDATION_ERROR and nothing is applied', async () => {
    const c = clients['bulk']!;
    // 50 locations × 1,000 products = 50,000 distinct pairs.
    const locations = Array.from({ length: 50 }, (_, i) => `BULK-L${String(i).padStart(2, '0')}`);
    const products = Array.from({ length: 1000 }, (_, i) => `BULK-P${String(i).padStart(4, '0')}`);
    await createLocations(locations, c);
    await createProducts(products, c);
    const rows = locations.flatMap((l, i) => products.map((p, j) => ({ location_code: l, sku_code: p, quantity: (i * 7 + j) % 1000 })));
    expect(rows).toHaveLength(50_000);

    // 50,001 rows: rejected as a whole, nothing applied.
    const tooMany = await bulk([...rows, rows[0]], {}, c);
    const error = expectError(tooMany, 400, 'VALIDATION_ERROR');
    expect(error.details).toEqual({ inventory: ['Ensure this field has no more than 50000 elements.'] });
    expect((await c.get('inventory/?limit=1')).body.data).toEqual([]);
    expect(await levelEvents(locations)).toBe(0);

    const started = Date.now();
    const ok = summary(await bulk(rows, { source: 'initial_load' }, c));
    expect(ok).toEqual({ total: 50_000, created: 50_000, updated: 0, failed: 0, errors: [] });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await levelEvents(locations)).toBe(50_000);
    // Spot checks: the first, a middle and the last location hold exactly their 1,000 records.
    for (const [i, l] of [[0, locations[0]!], [27, locations[27]!], [49, locations[49]!]] as Array<[number, string]>) {
      const records = await atLocation(l, c);
      expect(records).toHaveLength(1000);
      const expected = Object.fromEntries(products.map((p, j) => [p, (i * 7 + j) % 1000]));
      expect(Object.fromEntries(records.map((r) => [r.sku_code, r.quantity]))).toEqual(expected);
    }
    expect(await ofSku(products[999]!, c)).toHaveLength(50);

    // 50,001 rows against existing records: still nothing applied.
    const changed = rows.map((r) => ({ ...r, quantity: r.quantity + 1 }));
    expectError(await bulk([...changed, changed[0]], {}, c), 400, 'VALIDATION_ERROR');
    expect(await levelEvents(locations)).toBe(50_000);
    expect((await atLocation(locations[0]!, c)).find((r) => r.sku_code === products[0])!.quantity).toBe(0);
  }, 120_000);

  it('#57 inventory records have exactly location_code, sku_code, quantity, updated_at', async () => {
    await createLocations(['I57-L']);
    await createProducts(['I57-P']);
    summary(await bulk([{ location_code: 'I57-L', sku_code: 'I57-P', quantity: 42 }]));
    const checks: Array<[string, ApiResponse]> = [
      ['inventory/', await api.get('inventory/')],
      ['inventory/I57-L/', await api.get('inventory/I57-L/')],
      ['inventory/I57-P/?by=sku', await api.get('inventory/I57-P/?by=sku')],
    ];
    for (const [path, res] of checks) {
      expect({ path, status: res.status, top: Object.keys(res.body) }).toEqual({ path, status: 200, top: ['success', 'data', 'pagination'] });
      expect(res.body.data.length).toBeGreaterThan(0);
      for (const r of res.body.data) {
        expect({ path, keys: Object.keys(r) }).toEqual({ path, keys: RECORD_KEYS });
        expect(r.updated_at).toMatch(RFC3339_UTC);
        expect(Number.isInteger(r.quantity)).toBe(true);
      }
      expect(res.body.data.find((r: any) => r.location_code === 'I57-L')).toEqual({
        location_code: 'I57-L',
        sku_code: 'I57-P',
        quantity: 42,
        updated_at: expect.stringMatching(RFC3339_UTC),
      });
    }
  });

  it('#58 GET inventory/{code}/ and GET inventory/{sku}/?by=sku return data arrays with pagination; an unknown location or SKU gets 404; by=foo gets 400 VALIDATION_ERROR', async () => {
    await createLocations(['I58-L1', 'I58-L2', 'I58-EMPTY', 'I58/SLASH', 'I58 Süd']);
    await createProducts(['I58-A', 'I58-B', 'I58-UNUSED']);
    summary(await bulk([{ location_code: 'I58-L1', sku_code: 'I58-A', quantity: 1 }, { location_code: 'I58-L1', sku_code: 'I58-B', quantity: 2 }]));
    summary(await bulk([{ location_code: 'I58-L2', sku_code: 'I58-A', quantity: 3 }, { location_code: 'I58/SLASH', sku_code: 'I58-A', quantity: 4 }, { location_code: 'I58 Süd', sku_code: 'I58-B', quantity: 5 }]));
    const view = (res: ApiResponse) => ({ status: res.status, rows: res.body?.data?.map((r: any) => `${r.location_code}/${r.sku_code}=${r.quantity}`).sort(), pagination: res.body?.pagination });
    const page = { limit: 50, next_cursor: null };

    // by=location: default, explicit, empty.
    for (const p of ['inventory/I58-L1/', 'inventory/I58-L1', 'inventory/I58-L1/?by=location', 'inventory/I58-L1/?by=', 'inventory/I58-L1/?by']) {
      expect({ p, ...view(await api.get(p)) }).toEqual({ p, status: 200, rows: ['I58-L1/I58-A=1', 'I58-L1/I58-B=2'], pagination: page });
    }
    // by=sku, across locations.
    expect(view(await api.get('inventory/I58-A/?by=sku'))).toEqual({ status: 200, rows: ['I58-L1/I58-A=1', 'I58-L2/I58-A=3', 'I58/SLASH/I58-A=4'].sort(), pagination: page });
    expect(view(await api.get('inventory/I58-B/?by=sku&limit=5'))).toEqual({ status: 200, rows: ['I58 Süd/I58-B=5', 'I58-L1/I58-B=2'], pagination: { limit: 5, next_cursor: null } });
    // Percent-encoded identifiers.
    expect(view(await api.get('inventory/I58%2FSLASH/'))).toEqual({ status: 200, rows: ['I58/SLASH/I58-A=4'], pagination: page });
    expect(view(await api.get('inventory/I58%20S%C3%BCd/'))).toEqual({ status: 200, rows: ['I58 Süd/I58-B=5'], pagination: page });
    // Existing location / product without records: 200 with an empty list.
    expect((await api.get('inventory/I58-EMPTY/')).body).toEqual({ success: true, data: [], pagination: page });
    expect((await api.get('inventory/I58-UNUSED/?by=sku')).body).toEqual({ success: true, data: [], pagination: page });

    // Unknown location / SKU: 404 with the documented messages.
    expect(expectError(await api.get('inventory/I58-NOPE/'), 404, 'NOT_FOUND').message).toBe("Location 'I58-NOPE' not found.");
    expect(expectError(await api.get('inventory/I58-NOPE/?by=location'), 404, 'NOT_FOUND').message).toBe("Location 'I58-NOPE' not found.");
    expect(expectError(await api.get('inventory/I58-NOPE/?by=sku'), 404, 'NOT_FOUND').message).toBe("Product 'I58-NOPE' not found.");
    // A SKU without by=sku is looked up as a location code, and vice versa.
    expect(expectError(await api.get('inventory/I58-A/'), 404, 'NOT_FOUND').message).toBe("Location 'I58-A' not found.");
    expect(expectError(await api.get('inventory/I58-L1/?by=sku'), 404, 'NOT_FOUND').message).toBe("Product 'I58-L1' not found.");
    expect(expectError(await api.get('inventory/I58%2FNOPE/'), 404, 'NOT_FOUND').message).toBe("Location 'I58/NOPE' not found.");
    expect(expectError(await api.get(`inventory/${'L'.repeat(101)}/`), 404, 'NOT_FOUND').message).toBe(`Location '${'L'.repeat(101)}' not found.`);
    const head = await api.request('HEAD', 'inventory/I58-NOPE/');
    expect({ status: head.status, text: head.text }).toEqual({ status: 404, text: '' });

    // by other than location/sku (including a different case): 400, before identifier resolution.
    for (const by of ['foo', 'SKU', 'Location', 'sku ', 'product']) {
      const res = await api.get(`inventory/I58-L1/?by=${encodeURIComponent(by)}`);
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect({ by, details: error.details, message: error.message }).toEqual({ by, details: { by: [`"${by}" is not a valid choice.`] }, message: `by: "${by}" is not a valid choice.` });
    }
    expect(expectError(await api.get('inventory/I58-NOPE/?by=foo'), 400, 'VALIDATION_ERROR').details).toEqual({ by: ['"foo" is not a valid choice.'] });
    // The first occurrence of a repeated parameter is used; by is ignored on the collection.
    expect(view(await api.get('inventory/I58-A/?by=sku&by=location')).rows).toHaveLength(3);
    expect((await api.get('inventory/?by=foo')).status).toBe(200);
    // An invalid cursor on the item route.
    expect(expectError(await api.get('inventory/I58-L1/?cursor=nope'), 400, 'VALIDATION_ERROR').message).toBe("Invalid cursor: 'nope'");
  });

  it('#58 records of inactive locations and inactive products are still listed', async () => {
    await createLocations(['I58I-L']);
    await createProducts(['I58I-P', 'I58I-Q']);
    summary(await bulk([{ location_code: 'I58I-L', sku_code: 'I58I-P', quantity: 6 }, { location_code: 'I58I-L', sku_code: 'I58I-Q', quantity: 0 }]));
    expect((await api.del('locations/I58I-L/')).status).toBe(200);
    expect((await api.del('products/I58I-P/')).status).toBe(200);
    const rows = (records: any[]) => records.filter((r) => r.location_code === 'I58I-L').map((r) => `${r.sku_code}=${r.quantity}`).sort();
    expect(rows(await atLocation('I58I-L'))).toEqual(['I58I-P=6', 'I58I-Q=0']);
    expect(rows(await ofSku('I58I-P'))).toEqual(['I58I-P=6']);
    expect(rows(await listAll(api, 'inventory/'))).toEqual(['I58I-P=6', 'I58I-Q=0']);
    // ... but they reject new rows.
    const data = summary(await bulk([{ location_code: 'I58I-L', sku_code: 'I58I-Q', quantity: 1 }]));
    expect(data.errors).toEqual([{ row: 0, location_id: 'I58I-L', product_id: 'I58I-Q', errors: { location_id: ['Location is inactive'] } }]);
  });

  it('#58 pagination of GET inventory/ and GET inventory/{identifier}/ (both modes): every record exactly once, newest first', async () => {
    const c = clients['pages']!;
    const products = Array.from({ length: 12 }, (_, i) => `PG-P${String(i).padStart(2, '0')}`);
    await createLocations(['PG-L1', 'PG-L2'], c);
    await createProducts(products, c);
    // Six requests, each creating four records: (batch, record) → creation order across requests.
    const batchOf = new Map<string, number>();
    for (let b = 0; b < 6; b++) {
      const rows = [0, 1, 2, 3].map((k) => {
        const n = b * 4 + k; // 0..23
        return { location_code: n % 2 === 0 ? 'PG-L1' : 'PG-L2', sku_code: products[Math.floor(n / 2)]!, quantity: n };
      });
      for (const r of rows) batchOf.set(`${r.location_code}/${r.sku_code}`, b);
      expect(summary(await bulk(rows, {}, c))).toMatchObject({ created: 4, failed: 0 });
    }
    // Updating old records does not move them in the ordering (it is by creation time).
    summary(await bulk([{ location_code: 'PG-L1', sku_code: products[0]!, quantity: 999 }], {}, c));

    async function walk(path: string, query: string, limit: number): Promise<any[][]> {
      const pages: any[][] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 50; i++) {
        const q = [`limit=${limit}`, query, cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&');
        const res = await c.get(`${path}?${q}`);
        expect({ path, q, status: res.status }).toEqual({ path, q, status: 200 });
        expect(Object.keys(res.body.pagination)).toEqual(['limit', 'next_cursor']);
        expect(res.body.pagination.limit).toBe(limit);
        pages.push(res.body.data);
        cursor = res.body.pagination.next_cursor;
        if (cursor === null) return pages;
        expect(res.body.data).toHaveLength(limit);
      }
      throw new Error('too many pages');
    }
    const key = (r: any) => `${r.location_code}/${r.sku_code}`;
    const check = async (path: string, query: string, limit: number, expectedKeys: string[]) => {
      const pages = await walk(path, query, limit);
      const seen = pages.flat().map(key);
      expect({ path, count: seen.length, unique: new Set(seen).size }).toEqual({ path, count: expectedKeys.length, unique: expectedKeys.length });
      expect([...seen].sort()).toEqual([...expectedKeys].sort());
      // Newest first: the creating request's number never increases along the walk ...
      const batches = seen.map((k) => batchOf.get(k)!);
      expect({ path, batches }).toEqual({ path, batches: [...batches].sort((a, b) => b - a) });
      // ... so the first page holds the newest records.
      const newest = [...expectedKeys].sort((a, b) => batchOf.get(b)! - batchOf.get(a)!).slice(0, limit).map((k) => batchOf.get(k));
      expect(pages[0]!.map((r) => batchOf.get(key(r)))).toEqual(newest);
      return pages;
    };
    const all = [...batchOf.keys()];
    const pages = await check('inventory/', '', 5, all);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 4]);
    await check('inventory/PG-L1/', '', 5, all.filter((k) => k.startsWith('PG-L1/')));
    await check('inventory/PG-L2/', 'by=location', 3, all.filter((k) => k.startsWith('PG-L2/')));
    await check(`inventory/${products[5]}/`, 'by=sku', 1, all.filter((k) => k.endsWith(`/${products[5]}`)));
    // Limit clamping applies to the item route as well.
    expect((await c.get('inventory/PG-L1/?limit=0')).body.pagination.limit).toBe(1);
    expect((await c.get('inventory/PG-L1/?limit=500')).body.pagination.limit).toBe(200);
    expect((await c.get('inventory/PG-L1/?limit=abc')).body.pagination).toEqual({ limit: 50, next_cursor: null });
  });

  it('#59 PUT, PATCH or DELETE on any inventory route gets 405 METHOD_NOT_ALLOWED', async () => {
    await createLocations(['I59-L']);
    await createProducts(['I59-P']);
    summary(await bulk([{ location_code: 'I59-L', sku_code: 'I59-P', quantity: 3 }]));
    const before = await atLocation('I59-L');
    const collection = 'GET, HEAD, OPTIONS, POST';
    const item = 'GET, HEAD, OPTIONS';
    const cases: Array<[string, string, string]> = [
      ['PUT', 'inventory/', collection],
      ['PATCH', 'inventory/', collection],
      ['DELETE', 'inventory/', collection],
      ['PUT', 'inventory', collection],
      ['PUT', 'inventory/I59-L/', item],
      ['PATCH', 'inventory/I59-L/', item],
      ['DELETE', 'inventory/I59-L/', item],
      ['POST', 'inventory/I59-L/', item],
      ['DELETE', 'inventory/I59-L', item],
      ['DELETE', 'inventory/I59-P/?by=sku', item],
      ['DELETE', 'inventory/I59-NOPE/', item], // route-level: before identifier resolution
      ['PUT', 'inventory/I59-L/?by=foo', item], // before query validation
    ];
    for (const [method, p, allow] of cases) {
      const res = await api.request(method, p, { body: { inventory: [{ location_code: 'I59-L', sku_code: 'I59-P', quantity: 0 }] } });
      const error = expectError(res, 405, 'METHOD_NOT_ALLOWED');
      expect({ method, p, allow: res.headers['allow'], details: error.details }).toEqual({ method, p, allow, details: { allowed_methods: allow.split(', ') } });
      expect(error.message).toBe(`Method ${method} is not allowed on this endpoint.`);
    }
    expect(await atLocation('I59-L')).toEqual(before);
    // OPTIONS lists the same methods.
    expect((await api.request('OPTIONS', 'inventory/')).headers['allow']).toBe(collection);
    expect((await api.request('OPTIONS', 'inventory/I59-L/')).headers['allow']).toBe(item);
  });

  it("tenant isolation: another tenant's locations and products are not found in rows, and lists show only the tenant's own records", async () => {
    const g = clients['globex']!;
    await createLocations(['GLX-ONLY', 'SHARED-L'], g);
    await createProducts(['GLX-SKU', 'SHARED-P'], g);
    await createLocations(['SHARED-L', 'ACME-L']);
    await createProducts(['SHARED-P', 'ACME-SKU']);
    expect(summary(await bulk([{ location_code: 'GLX-ONLY', sku_code: 'GLX-SKU', quantity: 70 }, { location_code: 'SHARED-L', sku_code: 'SHARED-P', quantity: 71 }], {}, g))).toMatchObject({ created: 2, failed: 0 });

    // acme cannot reference globex's location or product.
    const data = summary(
      await bulk([
        { location_code: 'GLX-ONLY', sku_code: 'ACME-SKU', quantity: 1 },
        { location_code: 'ACME-L', sku_code: 'GLX-SKU', quantity: 1 },
        { location_code: 'SHARED-L', sku_code: 'SHARED-P', quantity: 5 },
      ]),
    );
    expect(data).toEqual({
      total: 3,
      created: 1,
      updated: 0,
      failed: 2,
      errors: [
        { row: 0, location_id: 'GLX-ONLY', product_id: 'ACME-SKU', errors: { location_id: ['Location not found'] } },
        { row: 1, location_id: 'ACME-L', product_id: 'GLX-SKU', errors: { product_id: ['Product not found'] } },
      ],
    });
    // The same (code, SKU) pair is independent in both tenants.
    expect(await quantities(['SHARED-L'])).toEqual({ 'SHARED-L/SHARED-P': 5 });
    expect(await quantities(['SHARED-L'], g)).toEqual({ 'SHARED-L/SHARED-P': 71 });
    // Item routes do not resolve the other tenant's records.
    expect(expectError(await api.get('inventory/GLX-ONLY/'), 404, 'NOT_FOUND').message).toBe("Location 'GLX-ONLY' not found.");
    expect(expectError(await api.get('inventory/GLX-SKU/?by=sku'), 404, 'NOT_FOUND').message).toBe("Product 'GLX-SKU' not found.");
    // Lists show only own records.
    const globexAll = await listAll(g, 'inventory/');
    expect(globexAll.map((r) => `${r.location_code}/${r.sku_code}=${r.quantity}`).sort()).toEqual(['GLX-ONLY/GLX-SKU=70', 'SHARED-L/SHARED-P=71']);
    const acmeAll = await listAll(api, 'inventory/');
    expect(acmeAll.some((r) => r.location_code === 'GLX-ONLY' || r.sku_code === 'GLX-SKU')).toBe(false);
    expect(acmeAll.filter((r) => r.location_code === 'SHARED-L')).toEqual([expect.objectContaining({ sku_code: 'SHARED-P', quantity: 5 })]);
    expect((await listAll(g, 'locations/')).map((l) => l.code).sort()).toEqual(['GLX-ONLY', 'SHARED-L']);
  });
});
