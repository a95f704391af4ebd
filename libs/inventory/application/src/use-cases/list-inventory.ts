import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { listReply } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { validateInventoryListQuery } from '@datamingle/inventory-domain';
import { ListInventoryQuery } from '../commands';
import { InventoryLevels } from '../ports';

/** GET /inventory: every level of the tenant, page by page. */
@QueryHandler(ListInventoryQuery)
export class ListInventoryHandler implements IQueryHandler<ListInventoryQuery> {
  constructor(private readonly levels: InventoryLevels) {}

  execute({ request }: ListInventoryQuery): Promise<ServiceReply> {
    return listReply(validateInventoryListQuery(request.query), (query) => this.levels.list(request.tenantId, query));
  }
}
