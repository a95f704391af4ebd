import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { SkuStatusReply } from '@datamingle/contracts';
import { SkuStatusQuery } from '../commands';
import { ProductReadModel } from '../ports';

/** inventory → catalog: which SKUs exist and whether each is active. */
@QueryHandler(SkuStatusQuery)
export class SkuStatusHandler implements IQueryHandler<SkuStatusQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  async execute({ request }: SkuStatusQuery): Promise<SkuStatusReply> {
    return { status: await this.readModel.skuStatus(request.tenantId, request.skus) };
  }
}
