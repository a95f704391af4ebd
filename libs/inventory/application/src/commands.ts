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

export class CreateLocationCommand extends RequestCommand {}
export class UpdateLocationCommand extends RequestCommand {}
export class DeactivateLocationCommand extends RequestCommand {}
export class GetLocationQuery extends RequestQuery {}
export class ListLocationsQuery extends RequestQuery {}
export class SetInventoryLevelsCommand extends RequestCommand {}
export class ListInventoryQuery extends RequestQuery {}
export class GetInventoryQuery extends RequestQuery {}
