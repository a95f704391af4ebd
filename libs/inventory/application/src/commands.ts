import { RequestCommand, RequestQuery } from '@datamingle/application';

export class CreateLocationCommand extends RequestCommand {}
export class UpdateLocationCommand extends RequestCommand {}
export class DeactivateLocationCommand extends RequestCommand {}
export class GetLocationQuery extends RequestQuery {}
export class ListLocationsQuery extends RequestQuery {}
export class SetInventoryLevelsCommand extends RequestCommand {}
export class ListInventoryQuery extends RequestQuery {}
export class GetInventoryQuery extends RequestQuery {}
export class LocationHistoryQuery extends RequestQuery {}
export class LocationRecordsQuery extends RequestQuery {}
export class InventoryRecordsQuery extends RequestQuery {}
