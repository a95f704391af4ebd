import { Command, Query } from '@nestjs/cqrs';
import type { ResolveSkusReply, ResolveSkusRequest, ServiceReply, ServiceRequest, SkuStatusReply, SkuStatusRequest } from '@datamingle/contracts';

abstract class RequestCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
abstract class RequestQuery extends Query<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}

export class CreateProductCommand extends RequestCommand {}
export class UpdateProductCommand extends RequestCommand {}
export class DeactivateProductCommand extends RequestCommand {}
export class GetProductQuery extends RequestQuery {}
export class ListProductsQuery extends RequestQuery {}

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
