import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { currentRecords, recordHistory } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { orderDecider, orderRepresentation } from '@datamingle/orders-domain';
import { OrderHistoryQuery, OrderRecordsQuery } from '../commands';
import { OrderReadModel } from '../ports';
import { orderLookup } from './order-records';

/** GET /orders/{identifier}/history/: the order's events with their changes, oldest first; 404 as its GET. */
@QueryHandler(OrderHistoryQuery)
export class OrderHistoryHandler implements IQueryHandler<OrderHistoryQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: OrderReadModel,
  ) {}

  execute({ request }: OrderHistoryQuery): Promise<ServiceReply> {
    return recordHistory({ decider: orderDecider, representation: orderRepresentation }, this.store, orderLookup(this.readModel), request);
  }
}

/** The change feed's current orders, by stream (gateway → orders). */
@QueryHandler(OrderRecordsQuery)
export class OrderRecordsHandler implements IQueryHandler<OrderRecordsQuery> {
  constructor(private readonly readModel: OrderReadModel) {}

  execute({ request }: OrderRecordsQuery): Promise<ServiceReply> {
    return currentRecords(
      request,
      (tenantId, streams) => this.readModel.findByStreams(tenantId, streams),
      // identifiers.md §2–3: the partner's one field, else external_order_id, then order_number.
      (order, field) => (field === 'order_number' || field === 'external_order_id' ? order[field] : (order.external_order_id ?? order.order_number)),
    );
  }
}
