import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { pageReply } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { notFoundError } from '@datamingle/kernel';
import { notFoundLocation, validateInventoryItemQuery } from '@datamingle/inventory-domain';
import { GetInventoryQuery } from '../commands';
import { InventoryLevels, LocationReadModel, ProductDirectory } from '../ports';

/** GET /inventory/{identifier}: the levels of one location (by=location, the default) or of one SKU (by=sku), page by page; 404. */
@QueryHandler(GetInventoryQuery)
export class GetInventoryHandler implements IQueryHandler<GetInventoryQuery> {
  constructor(
    private readonly locations: LocationReadModel,
    private readonly products: ProductDirectory,
    private readonly levels: InventoryLevels,
  ) {}

  async execute({ request }: GetInventoryQuery): Promise<ServiceReply> {
    const query = validateInventoryItemQuery(request.query);
    if (!query.ok) return { ok: false, error: query.error };
    const identifier = request.identifier ?? '';
    if (query.value.by === 'sku') {
      const status = await this.products.skuStatus(request.tenantId, [identifier]);
      if (!status.has(identifier)) return { ok: false, error: notFoundError('Product', identifier) };
      const page = await this.levels.listBySku(request.tenantId, identifier, query.value);
      return pageReply(query.value.limit, page);
    }
    const location = await this.locations.findByCode(request.tenantId, identifier);
    if (!location) return { ok: false, error: notFoundLocation(identifier) };
    return pageReply(query.value.limit, await this.levels.listByLocation(request.tenantId, location.location.id, query.value));
  }
}
