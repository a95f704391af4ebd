import type { OrderDto, OrderLineDto } from '@datamingle/contracts';

/** A line in the exact key order of orders.md §1. */
export function orderLineRepresentation(line: OrderLineDto): OrderLineDto {
  return {
    id: line.id,
    sku: { sku: line.sku.sku },
    quantity: line.quantity,
    verified_quantity: line.verified_quantity,
    verification_status: line.verification_status,
    notes: line.notes,
  };
}

/** The full order in the exact key order of orders.md §1. */
export function toOrderRepresentation(order: OrderDto): OrderDto {
  return {
    id: order.id,
    order_number: order.order_number,
    external_order_id: order.external_order_id,
    customer_name: order.customer_name,
    customer_info: order.customer_info,
    notes: order.notes,
    order_date: order.order_date,
    due_date: order.due_date,
    metadata: order.metadata,
    status: order.status,
    cancellation_reason: order.cancellation_reason,
    items: order.items.map(orderLineRepresentation),
    created_at: order.created_at,
    updated_at: order.updated_at,
  };
}
