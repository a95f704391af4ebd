import type { OrderDto, OrderStatus } from '@datamingle/contracts';
import type { OrderHeaderField } from './order-fields';

/** Changed header fields with their new values. */
export type OrderHeaderChanges = Partial<Pick<OrderDto, OrderHeaderField>>;

/** `data` is the full API representation of the new order (events.md). */
export interface OrderCreated {
  type: 'OrderCreated';
  data: OrderDto;
}

export interface OrderUpdated {
  type: 'OrderUpdated';
  data: { changes: OrderHeaderChanges; updated_at: string };
}

export interface OrderCancelled {
  type: 'OrderCancelled';
  data: { status: 'cancelled'; reason: string | null; previous_status: OrderStatus; updated_at: string };
}

export type OrderEvent = OrderCreated | OrderUpdated | OrderCancelled;
export type OrderEventTypeName = OrderEvent['type'];
