/**
 * The bodies of custom-integrations.md §11.4 and §11.5, for tests of every tier (the engine's
 * golden tests, the gateway's conformance e2e, the dashboard's browser test): one copy of the spec's
 * example. Test support only (`@datamingle/mapping/testing`).
 */

/** §11.4: the Acumatica order as the partner sends it. */
export const ACUMATICA_ORDER = {
  OrderNbr: 'SO004512',
  OrderType: 'SO',
  ExternalRef: 'WEB-88121',
  CustomerID: 'C000123',
  CustomerOrder: 'PO-7781',
  BillToContact: { BusinessName: 'Acme Corporation', Email: 'orders@acme.example', Phone1: '+1-555-0100' },
  ShipToAddress: { AddressLine1: '123 Main St', City: 'Springfield', State: 'IL', PostalCode: '62701', Country: 'US' },
  Description: 'Deliver to loading dock B',
  Date: '2026-04-16T00:00:00',
  RequestedOn: '2026-05-01T00:00:00',
  Details: [
    { InventoryID: 'RUG-5X7-BLU', OrderQty: 10, UOM: 'EA' },
    { InventoryID: 'RUG-8X10-RED', OrderQty: 5, UOM: 'EA', LineDescription: 'Fragile' },
  ],
};

/** §11.4: the internal body after forward mapping (the log's `mapped_payload`; key order carries no meaning). */
export const ACUMATICA_ORDER_INTERNAL = {
  items: [
    { UOM: 'EA', sku_code: 'RUG-5X7-BLU', quantity: 10 },
    { UOM: 'EA', sku_code: 'RUG-8X10-RED', quantity: 5, notes: 'Fragile' },
  ],
  order_number: 'SO004512',
  external_order_id: 'WEB-88121',
  customer_name: 'Acme Corporation',
  notes: 'Deliver to loading dock B',
  order_date: '2026-04-16T00:00:00',
  due_date: '2026-05-01T00:00:00',
  customer_info: {
    customer_id: 'C000123',
    email: 'orders@acme.example',
    phone: '+1-555-0100',
    ship_to_address: { AddressLine1: '123 Main St', City: 'Springfield', State: 'IL', PostalCode: '62701', Country: 'US' },
  },
  metadata: { order_type: 'SO', customer_order: 'PO-7781', source: 'acumatica' },
};

/** §11.5: `Details` sent as an object instead of an array. */
export const ACUMATICA_DETAILS_AS_OBJECT = { ...ACUMATICA_ORDER, Details: { InventoryID: 'RUG-5X7-BLU', OrderQty: 10 } };
