import type { FieldErrors, OrderDto } from '@datamingle/contracts';
import { FieldErrorCollector, hasOwn, Messages, type Result } from '@datamingle/kernel';
import { OrderFields, type OrderHeaderField } from './order-fields';

/** The header fields present in a valid `PUT` body (absent fields are left out). */
export type UpdateOrderInput = Partial<Pick<OrderDto, OrderHeaderField>>;

/**
 * The `external_order_id` of a `PUT` body when it is valid and set (trimmed), so the caller can
 * check it against other orders before validating.
 */
export function extractUpdateKeys(body: Record<string, unknown>): { external_order_id?: string } {
  if (!hasOwn(body, 'external_order_id')) return {};
  const ext = OrderFields.externalOrderId(body['external_order_id']);
  return ext.ok && typeof ext.value === 'string' ? { external_order_id: ext.value } : {};
}

/**
 * Field validation of `PUT /orders/{identifier}/` (orders.md §5): partial header update.
 * `items` present (any value) → `Order lines cannot be changed with PUT.`; `order_number`
 * different from the current value after trimming → `This field cannot be changed.`;
 * `external_order_id` `""`/`null` clears it. `taken.external_order_id` means another order
 * uses the (trimmed) value; it is ignored when the value is the order's own current one.
 */
export function validateUpdateOrder(
  body: Record<string, unknown>,
  current: OrderDto,
  taken: { external_order_id?: boolean } = {},
): Result<UpdateOrderInput, FieldErrors> {
  const c = new FieldErrorCollector();
  if (hasOwn(body, 'order_number')) {
    const orderNumber = c.field(body, 'order_number', OrderFields.orderNumber);
    if (!c.has('order_number') && orderNumber !== current.order_number) c.add('order_number', Messages.immutable);
  }
  const externalOrderId = c.field(body, 'external_order_id', OrderFields.externalOrderId);
  if (
    !c.has('external_order_id') &&
    typeof externalOrderId === 'string' &&
    externalOrderId !== current.external_order_id &&
    taken.external_order_id
  ) {
    c.add('external_order_id', Messages.duplicateOrder('external_order_id'));
  }
  const customerName = c.field(body, 'customer_name', OrderFields.customerName);
  const customerInfo = c.field(body, 'customer_info', OrderFields.customerInfo);
  const notes = c.field(body, 'notes', OrderFields.notes);
  const orderDate = c.field(body, 'order_date', OrderFields.orderDate);
  const dueDate = c.field(body, 'due_date', OrderFields.dueDate);
  const metadata = c.field(body, 'metadata', OrderFields.metadata);
  if (hasOwn(body, 'items')) c.add('items', Messages.orderLinesOnPut);
  return c.finish(() => {
    const input: UpdateOrderInput = {};
    if (externalOrderId !== undefined) input.external_order_id = externalOrderId;
    if (customerName !== undefined) input.customer_name = customerName;
    if (customerInfo !== undefined) input.customer_info = customerInfo;
    if (notes !== undefined) input.notes = notes;
    if (orderDate !== undefined) input.order_date = orderDate;
    if (dueDate !== undefined) input.due_date = dueDate;
    if (metadata !== undefined) input.metadata = metadata;
    return input;
  });
}
