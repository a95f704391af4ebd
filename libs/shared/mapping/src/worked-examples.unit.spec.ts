/**
 * The worked examples of custom-integrations.md §11, expected outputs written out as the spec
 * gives them (never computed by the engine).
 */
import { unwrap, unwrapErr } from '@datamingle/kernel';
import { ACUMATICA_ORDER, ACUMATICA_ORDER_INTERNAL } from './testing-support/worked-examples';
import { compileMapping, TEMPLATES, templateMapping } from './index';

const acumaticaOrders = () => {
  const m = templateMapping('acumatica', 'orders');
  if (!m) throw new Error('acumatica orders template missing');
  return compileMapping(m);
};

describe('§11.1 simple rename', () => {
  const mapping = compileMapping({ resource: 'orders', field_map: { po_number: 'order_number', vendor_name: 'customer_name' } });

  it('renames and passes items through', () => {
    expect(unwrap(mapping.forward({ po_number: 'PO-5001', vendor_name: 'Acme Corp', items: [{ sku_code: 'RUG-5X7-BLU', quantity: 1 }] }, 'POST'))).toEqual({
      order_number: 'PO-5001',
      customer_name: 'Acme Corp',
      items: [{ sku_code: 'RUG-5X7-BLU', quantity: 1 }],
    });
  });

  it('reports a missing required field and a duplicate in the caller names, quoted name included', () => {
    expect(mapping.translateErrorDetails({ order_number: ['This field is required.'] })).toEqual({ po_number: ['This field is required.'] });
    expect(mapping.translateErrorDetails({ order_number: ['An order with this order_number already exists.'] })).toEqual({
      po_number: ['An order with this po_number already exists.'],
    });
    expect(
      mapping.translateError({
        code: 'VALIDATION_ERROR',
        message: 'order_number: An order with this order_number already exists.',
        details: { order_number: ['An order with this order_number already exists.'] },
      }),
    ).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'po_number: An order with this po_number already exists.',
      details: { po_number: ['An order with this po_number already exists.'] },
    });
  });

  it('answers with po_number and vendor_name instead of order_number and customer_name', () => {
    expect(mapping.reverseRecord({ id: 'x', order_number: 'PO-5001', customer_name: 'Acme Corp', status: 'pending', items: [] })).toEqual({
      id: 'x',
      po_number: 'PO-5001',
      vendor_name: 'Acme Corp',
      status: 'pending',
      items: [],
    });
  });
});

describe('§11.2 dot paths on both sides', () => {
  const mapping = compileMapping({
    resource: 'orders',
    field_map: {
      'header.po_number': 'order_number',
      'header.vendor.name': 'customer_name',
      'header.vendor': 'customer_info',
      contact_phone: 'customer_info.phone',
    },
  });

  it('maps the caller body to the internal body of the spec', () => {
    const body = {
      header: { po_number: 'PO-5002', vendor: { name: 'Acme Corp', city: 'Springfield' } },
      contact_phone: '+1-555-0100',
      items: [{ sku_code: 'RUG-5X7-BLU', quantity: 2 }],
    };
    expect(unwrap(mapping.forward(body, 'POST'))).toEqual({
      items: [{ sku_code: 'RUG-5X7-BLU', quantity: 2 }],
      order_number: 'PO-5002',
      customer_name: 'Acme Corp',
      customer_info: { name: 'Acme Corp', city: 'Springfield', phone: '+1-555-0100' },
    });
    // the caller's body is left as it was
    expect(body).toEqual({
      header: { po_number: 'PO-5002', vendor: { name: 'Acme Corp', city: 'Springfield' } },
      contact_phone: '+1-555-0100',
      items: [{ sku_code: 'RUG-5X7-BLU', quantity: 2 }],
    });
  });

  it('translates error paths by the longest matching target', () => {
    expect(mapping.translatePath('customer_info.phone')).toBe('contact_phone');
    expect(mapping.translatePath('customer_info.city')).toBe('header.vendor.city');
    expect(mapping.translatePath('customer_info.address')).toBe('header.vendor.address');
  });
});

describe('§11.3 array index and array-to-array', () => {
  const mapping = compileMapping({
    resource: 'orders',
    field_map: { 'lines[0].order_ref': 'order_number', 'lines[0].ship_to': 'notes' },
    nested_mappings: [{ source: 'lines', target: 'items', field_map: { item: 'sku_code', qty: 'quantity' } }],
  });

  it('maps lines to items and the first line to the header fields', () => {
    expect(
      unwrap(
        mapping.forward(
          {
            lines: [
              { order_ref: 'PO-5003', ship_to: 'Dock 4', item: 'RUG-5X7-BLU', qty: 3 },
              { order_ref: 'PO-5003', ship_to: 'Dock 4', item: 'RUG-8X10-RED', qty: 1 },
            ],
          },
          'POST',
        ),
      ),
    ).toEqual({
      items: [
        { order_ref: 'PO-5003', ship_to: 'Dock 4', sku_code: 'RUG-5X7-BLU', quantity: 3 },
        { order_ref: 'PO-5003', ship_to: 'Dock 4', sku_code: 'RUG-8X10-RED', quantity: 1 },
      ],
      order_number: 'PO-5003',
      notes: 'Dock 4',
    });
  });

  it('reports items[1].quantity as lines[1].qty', () => {
    expect(mapping.translatePath('items[1].quantity')).toBe('lines[1].qty');
    expect(mapping.translatePath('items')).toBe('lines');
    expect(mapping.translatePath('items[2]')).toBe('lines[2]');
    expect(mapping.translatePath('items[0].verified')).toBe('lines[0].verified');
  });
});

describe('§11.4 Acumatica order, both directions', () => {
  const callerBody = ACUMATICA_ORDER;

  it('forward: the mapped_payload of the spec', () => {
    expect(unwrap(acumaticaOrders().forward(callerBody, 'POST'))).toEqual(ACUMATICA_ORDER_INTERNAL);
  });

  it('reverse: the 201 data as the partner receives it', () => {
    const stored = {
      id: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
      order_number: 'SO004512',
      external_order_id: 'WEB-88121',
      customer_name: 'Acme Corporation',
      customer_info: {
        customer_id: 'C000123',
        email: 'orders@acme.example',
        phone: '+1-555-0100',
        ship_to_address: { AddressLine1: '123 Main St', City: 'Springfield', State: 'IL', PostalCode: '62701', Country: 'US' },
      },
      notes: 'Deliver to loading dock B',
      order_date: '2026-04-16T00:00:00Z',
      due_date: '2026-05-01T00:00:00Z',
      metadata: { order_type: 'SO', customer_order: 'PO-7781', source: 'acumatica' },
      status: 'pending',
      cancellation_reason: null,
      items: [
        { id: '0b7e9c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e', sku: { sku: 'RUG-5X7-BLU' }, quantity: 10, verified_quantity: 0, verification_status: 'pending', notes: null },
        { id: '1c8f0d2e-3a4b-4c5d-ae6f-8a9b0c1d2e3f', sku: { sku: 'RUG-8X10-RED' }, quantity: 5, verified_quantity: 0, verification_status: 'pending', notes: 'Fragile' },
      ],
      created_at: '2026-04-16T10:00:00Z',
      updated_at: '2026-04-16T10:00:00Z',
    };
    expect(acumaticaOrders().reverseRecord(stored)).toEqual({
      id: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
      OrderNbr: 'SO004512',
      ExternalRef: 'WEB-88121',
      BillToContact: { BusinessName: 'Acme Corporation', Email: 'orders@acme.example', Phone1: '+1-555-0100' },
      CustomerID: 'C000123',
      ShipToAddress: { AddressLine1: '123 Main St', City: 'Springfield', State: 'IL', PostalCode: '62701', Country: 'US' },
      Description: 'Deliver to loading dock B',
      Date: '2026-04-16T00:00:00Z',
      RequestedOn: '2026-05-01T00:00:00Z',
      OrderType: 'SO',
      CustomerOrder: 'PO-7781',
      metadata: { source: 'acumatica' },
      status: 'pending',
      cancellation_reason: null,
      Details: [
        { id: '0b7e9c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e', sku: { sku: 'RUG-5X7-BLU' }, OrderQty: 10, verified_quantity: 0, verification_status: 'pending', LineDescription: null },
        { id: '1c8f0d2e-3a4b-4c5d-ae6f-8a9b0c1d2e3f', sku: { sku: 'RUG-8X10-RED' }, OrderQty: 5, verified_quantity: 0, verification_status: 'pending', LineDescription: 'Fragile' },
      ],
      created_at: '2026-04-16T10:00:00Z',
      updated_at: '2026-04-16T10:00:00Z',
    });
  });

  it('addresses the order by order_number and reports errors in Acumatica names', () => {
    const mapping = acumaticaOrders();
    expect(mapping.identifierField).toBe('order_number');
    expect(
      mapping.translateErrorDetails({ order_number: ['This field is required.'], 'items[1].quantity': ['Ensure this value is greater than or equal to 1.'] }),
    ).toEqual({ OrderNbr: ['This field is required.'], 'Details[1].OrderQty': ['Ensure this value is greater than or equal to 1.'] });
    expect(mapping.translateErrorDetails({ 'items[1].sku_code': ["Product 'RUG-9X12-GRN' does not exist or is inactive."] })).toEqual({
      'Details[1].InventoryID': ["Product 'RUG-9X12-GRN' does not exist or is inactive."],
    });
  });
});

describe('§11.5 mapping error', () => {
  it('answers 422 MAPPING_ERROR when Details is an object', () => {
    expect(unwrapErr(acumaticaOrders().forward({ Details: { InventoryID: 'RUG-5X7-BLU', OrderQty: 10 } }, 'POST'))).toEqual({
      code: 'MAPPING_ERROR',
      message: 'Field mapping failed: Details: Expected an array, got object.',
      details: { Details: ['Expected an array, got object.'] },
    });
  });

  it('has seven templates', () => {
    expect(TEMPLATES.map((t) => t.slug)).toEqual(['acumatica', 'sap-business-one', 'netsuite', 'shopify', 'logo-erp', 'mikro-erp', 'custom']);
  });
});
