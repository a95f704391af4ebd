import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ResolveSkusReply } from '@datamingle/contracts';
import { ResolveSkusQuery } from '../commands';
import { ProductReadModel } from '../ports';

/** orders → catalog: which SKUs are active products. */
@QueryHandler(ResolveSkusQuery)
export class ResolveSkusHandler implements IQueryHandler<ResolveSkusQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  async execute({ request }: ResolveSkusQuery): Promise<ResolveSkusReply> {
    return { active: await this.readModel.activeSkus(request.tenantId, request.skus) };
  }
}
