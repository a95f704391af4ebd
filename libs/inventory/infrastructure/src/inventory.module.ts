import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import type { LocationDto } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import {
  Clock,
  CreateLocationCommand,
  DeactivateLocationCommand,
  GetInventoryQuery,
  GetLocationQuery,
  INVENTORY_HANDLERS,
  InventoryLevels,
  ListInventoryQuery,
  ListLocationsQuery,
  LocationReadModel,
  ProductDirectory,
  SetInventoryLevelsCommand,
  SystemClock,
  UpdateLocationCommand,
} from '@datamingle/inventory-application';
import {
  documentProjection,
  eventSourcedServiceProviders,
  HealthController,
  HealthMessageController,
  Logger,
  projectionToken,
  READ_MODEL_DS,
  serviceMessageController,
  type PlatformConfig,
} from '@datamingle/platform';
import type { DocumentProjection } from '@datamingle/read-model';
import { LOCATION_COLUMNS, locationProjectionSpec } from './location-projection';
import { InventoryLevelProjection, PgInventoryLevels } from './pg-inventory-levels';
import { PgLocationReadModel } from './pg-location-read-model';
import { TcpProductDirectory } from './tcp-product-directory';

/** The inventory service's messages: the command or query of each operation of its resources (resource registry). */
export const InventoryMessageController = serviceMessageController('inventory', {
  locations: {
    create: { command: CreateLocationCommand },
    update: { command: UpdateLocationCommand },
    delete: { command: DeactivateLocationCommand },
    get: { query: GetLocationQuery },
    list: { query: ListLocationsQuery },
  },
  inventory: {
    create: { command: SetInventoryLevelsCommand },
    list: { query: ListInventoryQuery },
    get: { query: GetInventoryQuery },
  },
});

@Module({})
export class InventoryModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    return {
      module: InventoryModule,
      imports: [CqrsModule.forRoot()],
      controllers: [InventoryMessageController, HealthController, HealthMessageController],
      providers: [
        ...eventSourcedServiceProviders(config, logger, 'inventory', [
          documentProjection(locationProjectionSpec, LOCATION_COLUMNS),
          { name: 'inventory.levels', create: () => new InventoryLevelProjection() },
        ], { categories: ['location', 'inventory'], checkpointTable: 'inventory.projection_checkpoints' }),
        {
          provide: LocationReadModel,
          useFactory: (ds: DataSource, projection: DocumentProjection<LocationDto>) => new PgLocationReadModel(ds, projection),
          inject: [READ_MODEL_DS, projectionToken(locationProjectionSpec.name)],
        },
        {
          provide: InventoryLevels,
          useFactory: (ds: DataSource, store: EventStore) => new PgInventoryLevels(ds, store),
          inject: [READ_MODEL_DS, EventStore],
        },
        { provide: ProductDirectory, useFactory: () => new TcpProductDirectory(config.serviceUrls.catalog) },
        { provide: Clock, useClass: SystemClock },
        ...INVENTORY_HANDLERS,
      ],
    };
  }
}
