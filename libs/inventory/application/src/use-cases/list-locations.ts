import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { listReply } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { validateLocationListQuery } from '@datamingle/inventory-domain';
import { ListLocationsQuery } from '../commands';
import { LocationReadModel } from '../ports';

@QueryHandler(ListLocationsQuery)
export class ListLocationsHandler implements IQueryHandler<ListLocationsQuery> {
  constructor(private readonly readModel: LocationReadModel) {}

  execute({ request }: ListLocationsQuery): Promise<ServiceReply> {
    return listReply(validateLocationListQuery(request.query), (query) => this.readModel.listActive(request.tenantId, query));
  }
}
