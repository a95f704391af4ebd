import { Query } from '@nestjs/cqrs';
import { RequestCommand, RequestQuery } from '@datamingle/application';
import type { ResolveSkusReply, ResolveSkusRequest, SkuStatusReply, SkuStatusRequest } from '@datamingle/contracts';

export class CreateProductCommand extends RequestCommand {}
export class UpdateProductCommand extends RequestCommand {}
export class DeactivateProductCommand extends RequestCommand {}
export class GetProductQuery extends RequestQuery {}
export class ListProductsQuery extends RequestQuery {}
export class ProductHistoryQuery extends RequestQuery {}
export class ProductRecordsQuery extends RequestQuery {}

/** orders → catalog: which SKUs are active products. */
export class ResolveSkusQuery extends Query<ResolveSkusReply> {
  constructor(readonly request: ResolveSkusRequest) {
    super();
  }
}

/** inventory → catalog: which SKUs exist and whether each is active. */
export class SkuStatusQuery extends Query<SkuStatusReply> {
  constructor(readonly request: SkuStatusRequest) {
    super();
  }
}
