/**
 * Order fixtures for the orders specs: the example order of orders.md §2 as a request body, as
 * validated input and as the created order. Each builder returns a fresh object; `overrides`
 * replace whole top-level fields. Test support only (excluded from the lib build).
 */
import type { OrderDto } from '@datamingle/contracts';
import type { CreateOrderInput } from '../lib/validate-create-order';

export const ORDER_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
export const LINE_IDS = ['0b7e9c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e', '1c8f0d2e-3a4b-4c5d-ae6f-8a9b0c1d2e3f'];
/** When the example order was created. */
export const ORDER_CREATED_AT = '2026-04-16T10:00:00Z';

/** The example create body as a client sends it (a date-only due_date, a line without notes). */
export const anOrderBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  order_number: 'ORD-2026-001',
  external_order_id: 'ERP-5001',
  customer_name: 'Acme Corporation',
  customer_info: { address: '123 Main St, Springfield', phone: '+1-555-0100' },
  notes: 'Deliver to loading dock B',
  order_date: '2026-04-16T09:30:00Z',
  due_date: '2026-05-01',
  metadata: { channel: 'b2b' },
  items: [
    { sku_code: 'RUG-5X7-BLU', quantity: 10 },
    { sku_code: 'RUG-8X10-RED', quantity: 5, notes: 'Fragile' },
  ],
  ...overrides,
});

/** That body once validated: dates normalised to RFC 3339 UTC, absent notes null. */
export const anOrderInput = (overrides: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  order_number: 'ORD-2026-001',
  external_order_id: 'ERP-5001',
  customer_name: 'Acme Corporation',
  customer_info: { address: '123 Main St, Springfield', phone: '+1-555-0100' },
  notes: 'Deliver to loading dock B',
  order_date: '2026-04-16T09:30:00Z',
  due_date: '2026-05-01T00:00:00Z',
  metadata: { channel: 'b2b' },
  items: [
    { sku_code: 'RUG-5X7-BLU', quantity: 10, notes: null },
    { sku_code: 'RUG-8X10-RED', quantity: 5, notes: 'Fragile' },
  ],
  ...overrides,
});

/**
 * The order created from that input (ORDER_ID, LINE_IDS, at ORDER_CREATED_AT): pending, every line
 * pending. Written out, not derived from anOrderInput, so a decider spec compares against literal values.
 */
export const anOrderDto = (overrides: Partial<OrderDto> = {}): OrderDto => ({
  id: ORDER_ID,
  order_number: 'ORD-2026-001',
  external_order_id: 'ERP-5001',
  customer_name: 'Acme Corporation',
  customer_info: { address: '123 Main St, Springfield', phone: '+1-555-0100' },
  notes: 'Deliver to loading dock B',
  order_date: '2026-04-16T09:30:00Z',
  due_date: '2026-05-01T00:00:00Z',
  metadata: { channel: 'b2b' },
  status: 'pending',
  cancellation_reason: null,
  items: [
    { id: LINE_IDS[0], sku: { sku: 'RUG-5X7-BLU' }, quantity: 10, verified_quantity: 0, verification_status: 'pending', notes: null },
    { id: LINE_IDS[1], sku: { sku: 'RUG-8X10-RED' }, quantity: 5, verified_quantity: 0, verification_status: 'pending', notes: 'Fragile' },
  ],
  created_at: ORDER_CREATED_AT,
  updated_at: ORDER_CREATED_AT,
  ...overrides,
});
