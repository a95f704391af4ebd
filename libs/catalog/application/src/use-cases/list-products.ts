import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { listReply } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { validateProductListQuery } from '@datamingle/catalog-domain';
import { ListProductsQuery } from '../commands';
import { ProductReadModel } from '../ports';

@QueryHandler(ListProductsQuery)
export class ListProductsHandler implements IQueryHandler<ListProductsQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  execute({ request }: ListProductsQuery): Promise<ServiceReply> {
    return listReply(validateProductListQuery(request.query), (query) => this.readModel.listActive(request.tenantId, query));
  }
}
