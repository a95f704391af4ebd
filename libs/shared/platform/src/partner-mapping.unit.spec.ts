import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';
import { PartnerMappings } from './partner-mapping';

const ORDERS = {
  resource: 'orders',
  identifier_field: 'order_number',
  field_map: { po_number: 'order_number', vendor: 'customer_name' },
  nested_mappings: [{ source: 'lines', target: 'items', field_map: { item: 'sku_code', qty: 'quantity' } }],
  static_values: { 'metadata.source': 'erp' },
};
const INVENTORY = { resource: 'inventory', identifier_field: null, field_map: {}, nested_mappings: [{ source: 'Results', target: 'inventory', field_map: { Loc: 'location_code', Sku: 'sku_code', OnHand: 'quantity' } }], static_values: { source: 'erp_sync' } };

function req(body: Record<string, unknown>, definition: unknown = ORDERS, version = 'm1:1', query: Record<string, string> = {}): ServiceRequest {
  return { tenantId: 't', tenantSlug: 'acme', requestId: 'r', query, body, mapping: { version, definition } };
}

describe('PartnerMappings', () => {
  it('maps a create body forward with static values, and the record of the reply back', () => {
    const request = req({ po_number: 'PO-1', vendor: 'Acme', lines: [{ item: 'SKU-1', qty: 2 }] });
    const mapped = new PartnerMappings().apply(request, 'orders', 'create');
    expect(request.body).toEqual({ order_number: 'PO-1', customer_name: 'Acme', items: [{ sku_code: 'SKU-1', quantity: 2 }], metadata: { source: 'erp' } });
    if (!mapped.ok) throw new Error('expected a mapping');
    const reply = mapped.reverse({ ok: true, status: 201, data: { id: 'o1', order_number: 'PO-1', customer_name: 'Acme', status: 'pending', items: [{ id: 'i1', sku: { sku: 'SKU-1' }, quantity: 2 }] } });
    expect(reply).toEqual({ ok: true, status: 201, data: { id: 'o1', po_number: 'PO-1', vendor: 'Acme', status: 'pending', lines: [{ id: 'i1', sku: { sku: 'SKU-1' }, qty: 2 }] } });
  });

  it('injects no static values into PUT bodies, and maps an order cancel body but never a product DELETE body', () => {
    const put = req({ po_number: 'PO-1' });
    new PartnerMappings().apply(put, 'orders', 'update');
    expect(put.body).toEqual({ order_number: 'PO-1' });
    const productDelete = req({ lines: 'not an array' }, { ...ORDERS, resource: 'products', nested_mappings: [], static_values: {}, field_map: { Name: 'name' } });
    expect(new PartnerMappings().apply(productDelete, 'products', 'delete').ok).toBe(true);
    expect(productDelete.body).toEqual({ lines: 'not an array' });
    const cancel = req({ lines: 'oops' });
    expect(new PartnerMappings().apply(cancel, 'orders', 'delete')).toEqual({ ok: false, reply: { ok: false, error: { code: 'MAPPING_ERROR', message: 'Field mapping failed: lines: Expected an array, got string.', details: { lines: ['Expected an array, got string.'] } } } });
  });

  it('answers 422 MAPPING_ERROR for a body the mapping cannot be applied to, leaving the body as sent', () => {
    const request = req({ po_number: 'PO-1', lines: { item: 'x' } });
    const mapped = new PartnerMappings().apply(request, 'orders', 'create');
    expect(mapped.ok).toBe(false);
    if (mapped.ok) return;
    expect(mapped.reply).toEqual({ ok: false, error: { code: 'MAPPING_ERROR', message: 'Field mapping failed: lines: Expected an array, got object.', details: { lines: ['Expected an array, got object.'] } } });
    expect(request.body).toEqual({ po_number: 'PO-1', lines: { item: 'x' } });
  });

  it('translates error paths and quoted names, keeping the query parameters of the request', () => {
    const request = req({}, ORDERS, 'm1:1', { status: 'x' });
    const mapped = new PartnerMappings().apply(request, 'orders', 'list');
    if (!mapped.ok) throw new Error('expected a mapping');
    const error: ServiceReply = {
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: 'order_number: An order with this order_number already exists.', details: { order_number: ['An order with this order_number already exists.'], 'items[1].quantity': ['Ensure this value is greater than or equal to 1.'], status: ['bad'] } },
    };
    const reply = mapped.reverse(error);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.details).toEqual({ po_number: ['An order with this po_number already exists.'], 'lines[1].qty': ['Ensure this value is greater than or equal to 1.'], status: ['bad'] });
    // Lists: each element reverse-mapped, pagination untouched.
    expect(mapped.reverse({ ok: true, status: 200, data: [{ order_number: 'A' }, { order_number: 'B' }], pagination: { limit: 2, next_cursor: 'c' } })).toEqual({
      ok: true,
      status: 200,
      data: [{ po_number: 'A' }, { po_number: 'B' }],
      pagination: { limit: 2, next_cursor: 'c' },
    });
  });

  it('maps inventory rows forward and inventory records of the reads back, never the bulk summary', () => {
    const bulk = req({ Results: [{ Loc: 'A-1', Sku: 'S-1', OnHand: 5 }] }, INVENTORY, 'inv:1');
    const mappings = new PartnerMappings();
    const mapped = mappings.apply(bulk, 'inventory', 'create');
    expect(bulk.body).toEqual({ inventory: [{ location_code: 'A-1', sku_code: 'S-1', quantity: 5 }], source: 'erp_sync' });
    if (!mapped.ok) throw new Error('expected a mapping');
    const summary = { ok: true as const, status: 200 as const, data: { processed: 1, updated: 1, unchanged: 0, errors: [] } };
    expect(mapped.reverse(summary)).toEqual(summary);
    const read = mappings.apply(req({}, INVENTORY, 'inv:1'), 'inventory', 'get');
    if (!read.ok) throw new Error('expected a mapping');
    expect(read.reverse({ ok: true, status: 200, data: [{ location_code: 'A-1', sku_code: 'S-1', quantity: 5, updated_at: 'T' }] })).toMatchObject({ data: [{ Loc: 'A-1', Sku: 'S-1', OnHand: 5, updated_at: 'T' }] });
  });

  it('compiles a version once: a new revision is a new mapping', () => {
    const mappings = new PartnerMappings();
    const first = req({ po_number: 'A' }, ORDERS, 'm1:1');
    mappings.apply(first, 'orders', 'update');
    // The same version with other contents would be a bug upstream; the cache keeps the compiled one.
    const same = req({ po_number: 'A' }, { ...ORDERS, field_map: { po_number: 'external_order_id' } }, 'm1:1');
    mappings.apply(same, 'orders', 'update');
    expect(same.body).toEqual({ order_number: 'A' });
    const next = req({ po_number: 'A' }, { ...ORDERS, field_map: { po_number: 'external_order_id' } }, 'm1:2');
    mappings.apply(next, 'orders', 'update');
    expect(next.body).toEqual({ external_order_id: 'A' });
  });

  it('changes nothing without a mapping', () => {
    const request: ServiceRequest = { tenantId: 't', tenantSlug: 'acme', requestId: 'r', query: {}, body: { a: 1 } };
    const mapped = new PartnerMappings().apply(request, 'orders', 'create');
    expect(request.body).toEqual({ a: 1 });
    const reply: ServiceReply = { ok: true, status: 201, data: { a: 1 } };
    expect(mapped.ok && mapped.reverse(reply)).toBe(reply);
  });

  it('maps the field paths of a history’s changes, and each of the change feed’s records (null kept), back to the partner’s names', () => {
    const history = new PartnerMappings().apply(req({}), 'orders', 'history');
    if (!history.ok) throw new Error('expected a mapping');
    const entries = [
      { version: 1, type: 'OrderCreated', changes: { order_number: [null, 'PO-1'], 'items[0].quantity': [null, 2], status: [null, 'pending'] } },
      { version: 2, type: 'OrderUpdated', changes: { customer_name: ['A', 'B'] } },
    ];
    expect(history.reverse({ ok: true, status: 200, data: entries, pagination: { limit: 50, next_cursor: null } })).toEqual({
      ok: true,
      status: 200,
      data: [
        { version: 1, type: 'OrderCreated', changes: { po_number: [null, 'PO-1'], 'lines[0].qty': [null, 2], status: [null, 'pending'] } },
        { version: 2, type: 'OrderUpdated', changes: { vendor: ['A', 'B'] } },
      ],
      pagination: { limit: 50, next_cursor: null },
    });
    const records = new PartnerMappings().apply(req({ refs: [] }), 'orders', 'records');
    if (!records.ok) throw new Error('expected a mapping');
    expect(records.reverse({ ok: true, status: 200, data: [{ identifier: 'PO-1', record: { order_number: 'PO-1', customer_name: 'A' } }, null] })).toEqual({
      ok: true,
      status: 200,
      data: [{ identifier: 'PO-1', record: { po_number: 'PO-1', vendor: 'A' } }, null],
    });
    const inventory = new PartnerMappings().apply(req({ refs: [] }, INVENTORY, 'm2:1'), 'inventory', 'records');
    if (!inventory.ok) throw new Error('expected a mapping');
    expect(inventory.reverse({ ok: true, status: 200, data: [{ identifier: 'A-1', record: { location_code: 'A-1', sku_code: 'S', quantity: 3, updated_at: 't' } }] })).toEqual({
      ok: true,
      status: 200,
      data: [{ identifier: 'A-1', record: { Loc: 'A-1', Sku: 'S', OnHand: 3, updated_at: 't' } }],
    });
  });
});
