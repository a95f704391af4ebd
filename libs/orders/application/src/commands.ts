import { Command, Query } from '@nestjs/cqrs';
import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';

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

export class CreateOrderCommand extends RequestCommand {}
export class UpdateOrderCommand extends RequestCommand {}
export class CancelOrderCommand extends RequestCommand {}
export class GetOrderQuery extends RequestQuery {}
export class ListOrdersQuery extends RequestQuery {}
