import type { FieldErrors } from '@datamingle/contracts';
import { FieldErrorCollector, hasOwn, Messages, type Result } from '@datamingle/kernel';
import { OrderFields } from './order-fields';

export interface CreateOrderLineInput {
  /** Trimmed SKU code. */
  sku_code: string;
  quantity: number;
  notes: string | null;
}

/** A validated create body: every field present, defaults applied, datetimes normalised. */
export interface CreateOrderInput {
  order_number: string;
  external_order_id: string | null;
  customer_name: string | null;
  customer_info: Record<string, unknown>;
  notes: string | null;
  order_date: string | null;
  due_date: string | null;
  metadata: Record<string, unknown>;
  items: CreateOrderLineInput[];
}

/** Which natural keys of the body are already used by another order of the tenant. */
export interface TakenOrderKeys {
  order_number?: boolean;
  external_order_id?: boolean;
}

/**
 * The natural keys of a create body that are themselves valid (trimmed), so the caller can
 * check their uniqueness even when other fields are invalid. `external_order_id` is only
 * returned when it is set (not `null`/blank).
 */
export function extractCreateKeys(body: Record<string, unknown>): { order_number?: string; external_order_id?: string } {
  const out: { order_number?: string; external_order_id?: string } = {};
  const on = OrderFields.orderNumber(hasOwn(body, 'order_number') ? body['order_number'] : undefined);
  if (on.ok) out.order_number = on.value;
  const ext = OrderFields.externalOrderId(hasOwn(body, 'external_order_id') ? body['external_order_id'] : undefined);
  if (ext.ok && typeof ext.value === 'string') out.external_order_id = ext.value;
  return out;
}

/**
 * Field validation of `POST /orders/` (orders.md §2). All errors at once, in document order;
 * line errors element-major. `taken` adds the duplicate messages for keys that are valid.
 */
export function validateCreateOrder(
  body: Record<string, unknown>,
  taken: TakenOrderKeys = {},
): Result<CreateOrderInput, FieldErrors> {
  const c = new FieldErrorCollector();
  const orderNumber = c.field(body, 'order_number', OrderFields.orderNumber);
  if (!c.has('order_number') && taken.order_number) c.add('order_number', Messages.duplicateOrder('order_number'));
  const externalOrderId = c.field(body, 'external_order_id', OrderFields.externalOrderId);
  if (!c.has('external_order_id') && typeof externalOrderId === 'string' && taken.external_order_id) {
    c.add('external_order_id', Messages.duplicateOrder('external_order_id'));
  }
  const customerName = c.field(body, 'customer_name', OrderFields.customerName);
  const customerInfo = c.field(body, 'customer_info', OrderFields.customerInfo);
  const notes = c.field(body, 'notes', OrderFields.notes);
  const orderDate = c.field(body, 'order_date', OrderFields.orderDate);
  const dueDate = c.field(body, 'due_date', OrderFields.dueDate);
  const metadata = c.field(body, 'metadata', OrderFields.metadata);
  const items = c.field(body, 'items', OrderFields.items);
  return c.finish(() => ({
    order_number: orderNumber,
    external_order_id: externalOrderId ?? null,
    customer_name: customerName ?? null,
    customer_info: customerInfo ?? {},
    notes: notes ?? null,
    order_date: orderDate ?? null,
    due_date: dueDate ?? null,
    metadata: metadata ?? {},
    items: items.map((line) => ({ sku_code: line.sku_code, quantity: line.quantity, notes: line.notes ?? null })),
  }));
}
