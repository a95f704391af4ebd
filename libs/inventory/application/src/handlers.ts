// The inventory service's use cases, one file each (use-cases/), and the list Nest registers.
import { CreateLocationHandler } from './use-cases/create-location';
import { DeactivateLocationHandler } from './use-cases/deactivate-location';
import { GetInventoryHandler } from './use-cases/get-inventory';
import { GetLocationHandler } from './use-cases/get-location';
import { ListInventoryHandler } from './use-cases/list-inventory';
import { InventoryRecordsHandler, LocationHistoryHandler, LocationRecordsHandler } from './use-cases/location-history';
import { ListLocationsHandler } from './use-cases/list-locations';
import { SetInventoryLevelsHandler } from './use-cases/set-inventory-levels';
import { UpdateLocationHandler } from './use-cases/update-location';

export {
  CreateLocationHandler,
  DeactivateLocationHandler,
  GetInventoryHandler,
  GetLocationHandler,
  InventoryRecordsHandler,
  ListInventoryHandler,
  ListLocationsHandler,
  LocationHistoryHandler,
  LocationRecordsHandler,
  SetInventoryLevelsHandler,
  UpdateLocationHandler,
};

export const INVENTORY_HANDLERS = [
  CreateLocationHandler,
  UpdateLocationHandler,
  DeactivateLocationHandler,
  GetLocationHandler,
  ListLocationsHandler,
  SetInventoryLevelsHandler,
  ListInventoryHandler,
  GetInventoryHandler,
  LocationHistoryHandler,
  LocationRecordsHandler,
  InventoryRecordsHandler,
];
