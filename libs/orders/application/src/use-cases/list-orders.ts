import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { listReply } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { validateOrderListQuery } from '@datamingle/orders-domain';
import { ListOrdersQuery } from '../commands';
import { OrderReadModel } from '../ports';

/** GET /orders: the tenant's orders, filtered by status and updated_since, page by page. */
@QueryHandler(ListOrdersQuery)
export class ListOrdersHandler implements IQueryHandler<ListOrdersQuery> {
  constructor(private readonly readModel: OrderReadModel) {}

  execute({ request }: ListOrdersQuery): Promise<ServiceReply> {
    return listReply(validateOrderListQuery(request.query), (query) => this.readModel.list(request.tenantId, query));
  }
}
