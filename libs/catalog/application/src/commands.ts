import { Command, Query } from '@nestjs/cqrs';
import type { ResolveSkusReply, ResolveSkusRequest, ServiceReply, ServiceRequest, SkuStatusReply, SkuStatusRequest } from '@datamingle/contracts';

export class CreateProductCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class UpdateProductCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class DeactivateProductCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class GetProductQuery extends Query<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class ListProductsQuery extends Query<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class ResolveSkusQuery extends Query<ResolveSkusReply> {
  constructor(readonly request: ResolveSkusRequest) {
    super();
  }
}
export class SkuStatusQuery extends Query<SkuStatusReply> {
  constructor(readonly request: SkuStatusRequest) {
    super();
  }
}
