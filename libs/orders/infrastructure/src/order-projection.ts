import type { OrderDto } from '@datamingle/contracts';
import { evolveOrder, orderRepresentation, type OrderEvent } from '@datamingle/orders-domain';
import type { DocumentProjectionSpec } from '@datamingle/read-model';

export const ORDER_COLUMNS = ['id', 'order_number', 'external_order_id', 'status', 'created_at', 'updated_at'];

/** The orders read model follows the `order` streams; each row holds the order's API representation. */
export const orderProjectionSpec: DocumentProjectionSpec<OrderDto> = {
  name: 'orders.orders',
  table: 'orders.orders',
  checkpointTable: 'orders.projection_checkpoints',
  category: 'order',
  evolve(doc, event) {
    const state = evolveOrder({ order: doc }, event as OrderEvent);
    return state.order ? orderRepresentation(state) : null;
  },
  columns(doc) {
    return {
      id: doc.id,
      order_number: doc.order_number,
      external_order_id: doc.external_order_id,
      status: doc.status,
      created_at: doc.created_at,
      updated_at: doc.updated_at,
    };
  },
};
