/**
 * Custom integrations through the real gateway and services (custom-integrations.md §4–§11,
 * identifiers.md §2.2, auth-and-keys.md §6): checklist items #60–#63 and every worked example of
 * §11 end to end — partners and mappings made on the admin API, partner keys sending bodies in the
 * partner's names, responses and error paths coming back in them, identifiers resolved by the
 * partner's settings, and mapping changes applied to the very next request. Plus the error cases
 * of the issue (a bad value on an Acumatica order's second line, a non-array nested source that
 * stores nothing) and a fuzz run that must never produce a 5xx.
 */
import fc from 'fast-check';
import { ACUMATICA_ORDER, ACUMATICA_ORDER_INTERNAL } from '@datamingle/mapping/testing';
import type { Client } from 'pg';
import { registerPartnerKey, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { adminRequest, signIn, type AdminSession } from './testing-support/admin-client';
import { apiClient, expectError, RFC3339_UTC, UUID, type ApiClient } from './testing-support/e2e-api';
import { aProductBody, connectDb, createRecord, startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

/* eslint-disable @typescript-eslint/no-explicit-any */


describe('Conformance: custom integrations (#60–#63, custom-integrations.md §11)', () => {
  let started: PlatformWithKey;
  let platform: TestPlatform;
  let api: ApiClient;
  let db: Client;
  let admin: AdminSession;

  const adminCall = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await adminRequest(platform, admin, method, path, body === undefined ? {} : { body });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.body?.data;
  };

  /** A partner (from `template`, default `custom`) and a key of it, registered as a partner key for the response check. */
  async function partnerWithKey(name: string, fields: Record<string, unknown> = {}): Promise<{ partner: any; client: ApiClient }> {
    const partner = await adminCall('POST', 'partners/', { name, ...fields });
    const key = await adminCall('POST', 'api-keys/', { name: `${name} key`, partner: partner.id });
    registerPartnerKey(key.key);
    return { partner, client: apiClient(platform, key.key) };
  }

  const addMapping = (partnerId: string, mapping: Record<string, unknown>): Promise<any> => adminCall('POST', `partners/${partnerId}/mappings/`, mapping);

  /** Everything stored for the tenant that a failed request must not have touched. */
  async function storedState(): Promise<unknown> {
    const { rows } = await db.query(`SELECT count(*)::int AS events FROM event_store.events`);
    const orders = await api.get('orders/?limit=200');
    return { events: rows[0].events, orders: orders.body.data };
  }

  beforeAll(async () => {
    started = await startWithKey('pass-through');
    platform = started.platform;
    api = apiClient(platform, started.key);
    await platform.createUser('acme', 'ops@acme.example', 'correct horse battery staple');
    admin = await signIn(platform, 'ops@acme.example');
    db = await connectDb(platform);
    for (const sku of ['RUG-5X7-BLU', 'RUG-8X10-RED', 'SKU-63']) await createRecord(api, 'products/', aProductBody(sku));
    await createRecord(api, 'locations/', { code: 'LOC-ACU', name: 'Acumatica bin' });
  }, 180_000);

  afterAll(async () => {
    await stopAll(started?.platform, db);
  });

  describe('§11.1 simple rename', () => {
    let partner: ApiClient;

    beforeAll(async () => {
      const made = await partnerWithKey('Simple rename');
      partner = made.client;
      await addMapping(made.partner.id, { resource: 'orders', name: 'renames', field_map: { po_number: 'order_number', vendor_name: 'customer_name' } });
    });

    it('#60 renames the partner fields, passes unmapped keys through, and answers in the partner names', async () => {
      const res = await partner.post('orders/', { po_number: 'PO-5001', vendor_name: 'Acme Corp', items: [{ sku_code: 'RUG-5X7-BLU', quantity: 1 }] });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ po_number: 'PO-5001', vendor_name: 'Acme Corp', items: [{ sku: { sku: 'RUG-5X7-BLU' }, quantity: 1 }] });
      expect(res.body.data).not.toHaveProperty('order_number');
      expect(res.body.data).not.toHaveProperty('customer_name');
      // Stored under the internal names: the pass-through key reads them so.
      const stored = await api.get('orders/PO-5001/');
      expect(stored.body.data).toMatchObject({ order_number: 'PO-5001', customer_name: 'Acme Corp' });
    });

    it('#61 reports a missing field and a duplicate under the partner name, also quoted in the message', async () => {
      const missing = await partner.post('orders/', { vendor_name: 'Acme Corp', items: [{ sku_code: 'RUG-5X7-BLU', quantity: 1 }] });
      expect(expectError(missing, 400, 'VALIDATION_ERROR').details).toEqual({ po_number: ['This field is required.'] });
      const duplicate = await partner.post('orders/', { po_number: 'PO-5001', vendor_name: 'Acme Corp', items: [{ sku_code: 'RUG-5X7-BLU', quantity: 1 }] });
      expect(expectError(duplicate, 400, 'VALIDATION_ERROR').details).toEqual({ po_number: ['An order with this po_number already exists.'] });
      expect(duplicate.body.error.message).toContain('po_number');
      expect(duplicate.body.error.message).not.toContain('order_number');
    });

    it('answers a record’s history and the change feed in the partner names (history-feed-idempotency.md §1–2)', async () => {
      expect((await partner.post('orders/', { po_number: 'PO-H-5001', vendor_name: 'Acme Corp', items: [{ sku_code: 'RUG-5X7-BLU', quantity: 1 }] })).status).toBe(201);
      expect((await partner.put('orders/PO-H-5001/', { vendor_name: 'Acme Inc' })).status).toBe(200);
      const history = await partner.get('orders/PO-H-5001/history/');
      expect(history.status).toBe(200);
      expect(history.body.data[0].changes.po_number).toEqual([null, 'PO-H-5001']);
      expect(history.body.data[0].changes).not.toHaveProperty('order_number');
      expect(history.body.data[1].changes).toEqual({ vendor_name: ['Acme Corp', 'Acme Inc'] });
      // The pass-through key sees the internal names.
      expect((await api.get('orders/PO-H-5001/history/')).body.data[1].changes).toEqual({ customer_name: ['Acme Corp', 'Acme Inc'] });
      const entries: any[] = [];
      let after = '';
      for (;;) {
        const page = await partner.get(`changes/?resources=orders&limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        expect(page.status).toBe(200);
        entries.push(...page.body.data);
        if (page.body.data.length === 0) break;
        after = page.body.pagination.next_cursor;
      }
      const ours = entries.filter((e) => e.record?.po_number === 'PO-H-5001');
      expect(ours.map((e) => e.type)).toEqual(['OrderCreated', 'OrderUpdated']);
      expect(ours[0].record).toMatchObject({ po_number: 'PO-H-5001', vendor_name: 'Acme Inc' });
      expect(ours[0].record).not.toHaveProperty('order_number');
    });
  });

  describe('§11.2 dot paths on both sides', () => {
    let partner: ApiClient;

    beforeAll(async () => {
      const made = await partnerWithKey('Dot paths');
      partner = made.client;
      await addMapping(made.partner.id, {
        resource: 'orders',
        field_map: { 'header.po_number': 'order_number', 'header.vendor.name': 'customer_name', 'header.vendor': 'customer_info', contact_phone: 'customer_info.phone' },
      });
    });

    it('#60 reads every rule from the caller body, removes emptied parents and writes shorter targets first', async () => {
      const res = await partner.post('orders/', {
        header: { po_number: 'PO-5002', vendor: { name: 'Acme Corp', city: 'Springfield' } },
        contact_phone: '+1-555-0100',
        items: [{ sku_code: 'RUG-5X7-BLU', quantity: 2 }],
      });
      expect(res.status).toBe(201);
      const stored = (await api.get('orders/PO-5002/')).body.data;
      expect(stored).toMatchObject({ order_number: 'PO-5002', customer_name: 'Acme Corp', customer_info: { name: 'Acme Corp', city: 'Springfield', phone: '+1-555-0100' } });
      // Back in the partner's shape: customer_info became header.vendor again, its phone contact_phone.
      expect(res.body.data).toMatchObject({ header: { po_number: 'PO-5002', vendor: { name: 'Acme Corp', city: 'Springfield' } }, contact_phone: '+1-555-0100' });
      expect(res.body.data).not.toHaveProperty('customer_info');
    });

    it('#61 reports an error on a nested target by the longest matching rule', async () => {
      const res = await partner.post('orders/', { header: { po_number: 'PO-5002b', vendor: { name: 'x'.repeat(256) } }, items: [{ sku_code: 'RUG-5X7-BLU', quantity: 1 }] });
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(Object.keys(error.details)).toEqual(['header.vendor.name']);
    });
  });

  describe('§11.3 array index and array-to-array', () => {
    let partner: ApiClient;

    beforeAll(async () => {
      const made = await partnerWithKey('Lines');
      partner = made.client;
      await addMapping(made.partner.id, {
        resource: 'orders',
        field_map: { 'lines[0].order_ref': 'order_number', 'lines[0].ship_to': 'notes' },
        nested_mappings: [{ source: 'lines', target: 'items', field_map: { item: 'sku_code', qty: 'quantity' } }],
      });
    });

    const lines = (qty2: number) => [
      { order_ref: 'PO-5003', ship_to: 'Dock 4', item: 'RUG-5X7-BLU', qty: 3 },
      { order_ref: 'PO-5003', ship_to: 'Dock 4', item: 'RUG-8X10-RED', qty: qty2 },
    ];

    it('#61 keeps array indexes in error paths: items[1].quantity is lines[1].qty', async () => {
      const res = await partner.post('orders/', { lines: lines(0) });
      expect(expectError(res, 400, 'VALIDATION_ERROR').details).toEqual({ 'lines[1].qty': ['Ensure this value is greater than or equal to 1.'] });
    });

    it('#60 maps index paths and every element of a nested array, in order', async () => {
      const res = await partner.post('orders/', { lines: lines(1) });
      expect(res.status).toBe(201);
      const stored = (await api.get('orders/PO-5003/')).body.data;
      expect(stored).toMatchObject({ order_number: 'PO-5003', notes: 'Dock 4' });
      expect(stored.items.map((i: any) => [i.sku.sku, i.quantity])).toEqual([
        ['RUG-5X7-BLU', 3],
        ['RUG-8X10-RED', 1],
      ]);
      expect(res.body.data.lines.map((l: any) => [l.sku.sku, l.qty])).toEqual([
        ['RUG-5X7-BLU', 3],
        ['RUG-8X10-RED', 1],
      ]);
    });
  });

  describe('§11.4 and §11.5: an Acumatica partner (template)', () => {
    let partner: ApiClient;
    let partnerId: string;

    beforeAll(async () => {
      const made = await partnerWithKey('Acumatica (production)', { template: 'acumatica' });
      partner = made.client;
      partnerId = made.partner.id;
    });

    it('gets the template mappings, one active per resource', async () => {
      const mappings = await adminCall('GET', `partners/${partnerId}/mappings/`);
      expect(mappings.map((m: any) => [m.name, m.resource, m.is_active, m.identifier_field]).sort()).toEqual([
        ['Acumatica – inventory', 'inventory', true, null],
        ['Acumatica – locations', 'locations', true, null],
        ['Acumatica – orders', 'orders', true, 'order_number'],
        ['Acumatica – products', 'products', true, null],
      ]);
    });

    it('#61 reports a bad value on the second line as Details[1].OrderQty and a missing OrderNbr by its Acumatica name', async () => {
      const { OrderNbr: _omitted, ...withoutNumber } = ACUMATICA_ORDER;
      const res = await partner.post('orders/', { ...withoutNumber, Details: [ACUMATICA_ORDER.Details[0], { ...ACUMATICA_ORDER.Details[1], OrderQty: 0 }] });
      expect(expectError(res, 400, 'VALIDATION_ERROR').details).toEqual({
        OrderNbr: ['This field is required.'],
        'Details[1].OrderQty': ['Ensure this value is greater than or equal to 1.'],
      });
    });

    it('#61 reports an unknown SKU on the second line as Details[1].InventoryID', async () => {
      const res = await partner.post('orders/', { ...ACUMATICA_ORDER, Details: [ACUMATICA_ORDER.Details[0], { ...ACUMATICA_ORDER.Details[1], InventoryID: 'RUG-9X12-GRN' }] });
      // A business rule (orders.md: SERVICE_ERROR), its details translated like validation errors (§7).
      const error = expectError(res, 400, 'SERVICE_ERROR');
      expect(error.details).toEqual({ 'Details[1].InventoryID': ["Product 'RUG-9X12-GRN' does not exist or is inactive."] });
    });

    it('#62 answers 422 MAPPING_ERROR for Details sent as an object, and stores nothing', async () => {
      const before = await storedState();
      const res = await partner.post('orders/', { ...ACUMATICA_ORDER, Details: { InventoryID: 'RUG-5X7-BLU', OrderQty: 10 } });
      const error = expectError(res, 422, 'MAPPING_ERROR');
      expect(error).toEqual({ code: 'MAPPING_ERROR', message: 'Field mapping failed: Details: Expected an array, got object.', details: { Details: ['Expected an array, got object.'] } });
      expect(await storedState()).toEqual(before);
      // The same on PUT, and whatever the identifier: the mapping (step 14) comes before the lookup (step 15).
      const put = await partner.put('orders/NO-SUCH-ORDER/', { Details: 'ten' });
      expect(expectError(put, 422, 'MAPPING_ERROR').details).toEqual({ Details: ['Expected an array, got string.'] });
      expect(await storedState()).toEqual(before);
    });

    it('#60 #61 maps the §11.4 order both ways: the internal body stored, the response in Acumatica names', async () => {
      const res = await partner.post('orders/', ACUMATICA_ORDER);
      expect(res.status).toBe(201);
      const line = (sku: string, qty: number, description: string | null) => ({
        id: expect.stringMatching(UUID),
        sku: { sku },
        OrderQty: qty,
        verified_quantity: 0,
        verification_status: 'pending',
        LineDescription: description,
      });
      expect(res.body.data).toEqual({
        id: expect.stringMatching(UUID),
        OrderNbr: 'SO004512',
        ExternalRef: 'WEB-88121',
        BillToContact: { BusinessName: 'Acme Corporation', Email: 'orders@acme.example', Phone1: '+1-555-0100' },
        CustomerID: 'C000123',
        ShipToAddress: ACUMATICA_ORDER.ShipToAddress,
        Description: 'Deliver to loading dock B',
        Date: '2026-04-16T00:00:00Z',
        RequestedOn: '2026-05-01T00:00:00Z',
        OrderType: 'SO',
        CustomerOrder: 'PO-7781',
        metadata: { source: 'acumatica' },
        status: 'pending',
        cancellation_reason: null,
        Details: [line('RUG-5X7-BLU', 10, null), line('RUG-8X10-RED', 5, 'Fragile')],
        created_at: expect.stringMatching(RFC3339_UTC),
        updated_at: expect.stringMatching(RFC3339_UTC),
      });

      // The pass-through key reads the internal record (the log's mapped_payload, stored).
      const internal = (await api.get('orders/SO004512/')).body.data;
      // The header fields of §11.4's internal body as stored (dates normalized to UTC, lines as order lines).
      const { items: lines, order_date: _date, due_date: _due, ...header } = ACUMATICA_ORDER_INTERNAL;
      expect(internal).toMatchObject({ ...header, order_date: '2026-04-16T00:00:00Z', due_date: '2026-05-01T00:00:00Z' });
      expect(internal.items.map((i: any) => [i.sku.sku, i.quantity, i.notes])).toEqual(lines.map((l) => [l.sku_code, l.quantity, l.notes ?? null]));
      // UOM was never stored.
      expect(JSON.stringify(internal)).not.toContain('UOM');

      // The partner reads it back by OrderNbr (identifier_field order_number), in its names.
      const read = await partner.get('orders/SO004512/');
      expect(read.status).toBe(200);
      expect(read.body.data).toEqual(res.body.data);
      const list = await partner.get('orders/?limit=200');
      expect(list.body.data.find((o: any) => o.OrderNbr === 'SO004512')).toEqual(res.body.data);
      expect(list.body.pagination).toEqual({ limit: 200, next_cursor: null });
    });

    it('#60 #61 maps PUT bodies without static values, and reports lines sent on PUT as Details', async () => {
      // Order lines cannot be changed with PUT (orders.md §5): the error names the partner's array.
      const lines = await partner.put('orders/SO004512/', { Description: 'Changed', Details: [{ InventoryID: 'RUG-5X7-BLU', OrderQty: 1 }] });
      expect(Object.keys(expectError(lines, 400, 'VALIDATION_ERROR').details)).toEqual(['Details']);

      const res = await partner.put('orders/SO004512/', { OrderNbr: 'SO004512', Description: 'Changed', OrderType: 'QT' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ OrderNbr: 'SO004512', Description: 'Changed', OrderType: 'QT' });
      // PUT replaces metadata as a whole, and no static value is injected into a PUT body (§4):
      // the stored metadata is exactly what the body mapped to, without source = acumatica.
      const internal = (await api.get('orders/SO004512/')).body.data;
      expect(internal.notes).toBe('Changed');
      expect(internal.metadata).toEqual({ order_type: 'QT' });
    });

    it('#60 #61 maps products both ways, with the custom_fields.source static value', async () => {
      const res = await partner.post('products/', { InventoryID: 'ACU-PROD-1', Description: 'Acumatica rug', CurrentStdCost: '12.50', ItemClass: 'RUGS', BaseUOM: 'EA' });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ InventoryID: 'ACU-PROD-1', Description: 'Acumatica rug', ItemClass: 'RUGS', BaseUOM: 'EA', custom_fields: { source: 'acumatica' } });
      expect(res.body.data).not.toHaveProperty('sku');
      const internal = (await api.get('products/ACU-PROD-1/')).body.data;
      expect(internal).toMatchObject({ sku: 'ACU-PROD-1', name: 'Acumatica rug', custom_fields: { item_class: 'RUGS', base_uom: 'EA', source: 'acumatica' } });
      const missing = await partner.post('products/', { Description: 'no id' });
      expect(expectError(missing, 400, 'VALIDATION_ERROR').details).toHaveProperty(['InventoryID']);
    });

    it('#60 #61 maps the inventory bulk rows forward and the inventory records of the reads back; the summary stays internal', async () => {
      const res = await partner.post('inventory/', { Results: [{ LocationID: 'LOC-ACU', InventoryID: 'RUG-5X7-BLU', OnHand: 7 }, { LocationID: 'LOC-ACU', InventoryID: 'NOPE', OnHand: 1 }] });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ total: 2, failed: 1 });
      expect(res.body.data.errors[0]).toHaveProperty('row', 1);
      const read = await partner.get('inventory/LOC-ACU/');
      expect(read.body.data).toEqual([{ LocationID: 'LOC-ACU', InventoryID: 'RUG-5X7-BLU', OnHand: 7, updated_at: expect.stringMatching(RFC3339_UTC) }]);
      const bySku = await partner.get('inventory/RUG-5X7-BLU/?by=sku');
      expect(bySku.body.data).toEqual(read.body.data);
      const internal = await api.get('inventory/LOC-ACU/');
      expect(internal.body.data).toEqual([{ location_code: 'LOC-ACU', sku_code: 'RUG-5X7-BLU', quantity: 7, updated_at: read.body.data[0].updated_at }]);
      // Whole-request validation errors use the partner's path.
      const empty = await partner.post('inventory/', { Results: [] });
      expect(Object.keys(expectError(empty, 400, 'VALIDATION_ERROR').details)).toEqual(['Results']);
    });

    it('never answers 5xx, whatever the body (fuzz)', async () => {
      const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
      const key = fc.constantFrom('OrderNbr', 'Details', 'BillToContact', 'ShipToAddress', 'InventoryID', 'OrderQty', 'metadata', 'items', 'Results', 'OnHand', 'x');
      const value = fc.letrec((tie) => ({
        node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
      })).node;
      const body = fc.dictionary(key, value, { maxKeys: 6 });
      const route = fc.constantFrom(['POST', 'orders/'], ['PUT', 'orders/SO004512/'], ['DELETE', 'orders/FUZZ-NONE/'], ['POST', 'products/'], ['PUT', 'products/ACU-PROD-1/'], ['POST', 'inventory/'], ['POST', 'locations/']);
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(route, body, async ([method, path], b) => {
          const res = await partner.request(method!, path!, { body: b });
          statuses.add(res.status);
          return res.status < 500;
        }),
        { numRuns: 150, seed: 20261207 },
      );
      expect([...statuses].every((s) => s < 500)).toBe(true);
    });
  });

  describe('#63 identifier resolution for partner keys', () => {
    beforeAll(async () => {
      // A: order_number N-63, external_order_id E-63; B: order_number E-63 (no external id).
      await createRecord(api, 'orders/', { order_number: 'N-63', external_order_id: 'E-63', items: [{ sku_code: 'SKU-63', quantity: 1 }] });
      await createRecord(api, 'orders/', { order_number: 'E-63', items: [{ sku_code: 'SKU-63', quantity: 1 }] });
    });

    const orderNumberOf = async (client: ApiClient, identifier: string): Promise<string | number> => {
      const res: ApiResponse = await client.get(`orders/${identifier}/`);
      return res.status === 200 ? (res.body.data.order_number ?? res.body.data.OrderNbr) : res.status;
    };

    it('#63 a pass-through key uses the platform default: external_order_id first, then order_number', async () => {
      expect(await orderNumberOf(api, 'E-63')).toBe('N-63');
      expect(await orderNumberOf(api, 'N-63')).toBe('N-63');
    });

    it("#63 the partner's default_identifier_field applies where it is an eligible field of the resource, only that field", async () => {
      const { client } = await partnerWithKey('Default external id', { default_identifier_field: 'external_order_id' });
      expect(await orderNumberOf(client, 'E-63')).toBe('N-63');
      expect(await orderNumberOf(client, 'N-63')).toBe(404);
      // Not a product field: step 2 is skipped and products resolve by sku.
      expect((await client.get('products/SKU-63/')).status).toBe(200);
    });

    it("#63 the mapping's identifier_field wins over the partner default, for GET, PUT and DELETE", async () => {
      const { partner, client } = await partnerWithKey('Mapping order number', { default_identifier_field: 'external_order_id' });
      await addMapping(partner.id, { resource: 'orders', identifier_field: 'order_number' });
      expect(await orderNumberOf(client, 'E-63')).toBe('E-63'); // B, never A's external_order_id
      expect(await orderNumberOf(client, 'N-63')).toBe('N-63');
      const cancelled = await client.del('orders/E-63/', { reason: 'resolved by order_number' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data.order_number).toBe('E-63');
      expect((await api.get('orders/N-63/')).body.data.status).toBe('pending');
    });

    it('#63 without either setting a partner key uses the platform default', async () => {
      const { partner, client } = await partnerWithKey('No identifier settings');
      await addMapping(partner.id, { resource: 'orders', identifier_field: null });
      expect(await orderNumberOf(client, 'E-63')).toBe('N-63');
      expect(await orderNumberOf(client, 'N-63')).toBe('N-63');
    });
  });

  describe('mapping changes take effect on the next request', () => {
    it('an edit, a deactivation and an activation each apply to the very next request', async () => {
      const { partner, client } = await partnerWithKey('Changing');
      const first = await addMapping(partner.id, { resource: 'products', name: 'v1', field_map: { code: 'sku', title: 'name' } });
      const created = await client.post('products/', { code: 'CHG-1', title: 'First' });
      expect(created.body.data).toMatchObject({ code: 'CHG-1', title: 'First' });

      await adminCall('PUT', `mappings/${first.id}/`, { resource: 'products', name: 'v1', field_map: { item_code: 'sku', title: 'name' } });
      expect((await client.get('products/CHG-1/')).body.data).toMatchObject({ item_code: 'CHG-1', title: 'First' });

      await adminCall('POST', `mappings/${first.id}/deactivate/`);
      expect((await client.get('products/CHG-1/')).body.data).toMatchObject({ sku: 'CHG-1', name: 'First' });

      const second = await addMapping(partner.id, { resource: 'products', name: 'v2', is_active: false, field_map: { article: 'sku' } });
      expect((await client.get('products/CHG-1/')).body.data).toMatchObject({ sku: 'CHG-1' });
      await adminCall('POST', `mappings/${second.id}/activate/`);
      expect((await client.get('products/CHG-1/')).body.data).toMatchObject({ article: 'CHG-1', name: 'First' });

      await adminCall('DELETE', `mappings/${second.id}/`);
      expect((await client.get('products/CHG-1/')).body.data).toMatchObject({ sku: 'CHG-1' });
    });

    it('applies a change to the next request on every gateway, whatever each had cached', async () => {
      const second = await platform.startReplica('gateway');
      const { partner, client } = await partnerWithKey('Two gateways');
      const viaSecond = (path: string) => second.request('GET', `/api/integrations/v1/${path}`, { key: client.key, host: client.host });
      const mapping = await addMapping(partner.id, { resource: 'products', field_map: { code: 'sku' } });
      await client.post('products/', { code: 'TWO-GW-1', name: 'Two gateways' });
      // Both gateways have read (and cached) the first version.
      expect((await client.get('products/TWO-GW-1/')).body.data).toMatchObject({ code: 'TWO-GW-1' });
      expect((await viaSecond('products/TWO-GW-1/')).body.data).toMatchObject({ code: 'TWO-GW-1' });

      await adminCall('PUT', `mappings/${mapping.id}/`, { resource: 'products', field_map: { article_no: 'sku' } });
      expect((await viaSecond('products/TWO-GW-1/')).body.data).toMatchObject({ article_no: 'TWO-GW-1' });
      expect((await client.get('products/TWO-GW-1/')).body.data).toMatchObject({ article_no: 'TWO-GW-1' });

      await adminCall('POST', `mappings/${mapping.id}/deactivate/`);
      expect((await viaSecond('products/TWO-GW-1/')).body.data).toMatchObject({ sku: 'TWO-GW-1' });
      expect((await client.get('products/TWO-GW-1/')).body.data).toMatchObject({ sku: 'TWO-GW-1' });
      await second.kill('SIGTERM');
    });
  });
});
