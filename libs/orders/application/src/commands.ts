import { Command, Query } from '@nestjs/cqrs';
import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';

export class CreateOrderCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class UpdateOrderCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class CancelOrderCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class GetOrderQuery extends Query<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
export class ListOrdersQuery extends Query<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}
