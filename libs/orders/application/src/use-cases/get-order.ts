import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { withRecord } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { GetOrderQuery } from '../commands';
import { OrderReadModel } from '../ports';
import { orderLookup } from './order-records';

/** GET /orders/{identifier}: 200 with the order; 404. */
@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(private readonly readModel: OrderReadModel) {}

  execute({ request }: GetOrderQuery): Promise<ServiceReply> {
    return withRecord(orderLookup(this.readModel), request, ({ order }) => ({ ok: true, status: 200, data: order }));
  }
}
