import { type DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
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
  LocationHistoryQuery,
  LocationRecordsQuery,
  InventoryRecordsQuery,
  LocationReadModel,
  ProductDirectory,
  SetInventoryLevelsCommand,
  SystemClock,
  UpdateLocationCommand,
} from '@datamingle/inventory-application';
import { documentReadModel, eventSourcedServiceModule, Logger, READ_MODEL_DS, type PlatformConfig } from '@datamingle/platform';
import { LOCATION_COLUMNS, locationProjectionSpec } from './location-projection';
import { InventoryLevelProjection, PgInventoryLevels } from './pg-inventory-levels';
import { PgLocationReadModel } from './pg-location-read-model';
import { TcpProductDirectory } from './tcp-product-directory';

@Module({})
export class InventoryModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    const locations = documentReadModel(LocationReadModel, locationProjectionSpec, LOCATION_COLUMNS, (ds, projection) => new PgLocationReadModel(ds, projection));
    return eventSourcedServiceModule(InventoryModule, config, logger, {
      service: 'inventory',
      messages: {
        locations: {
          create: { command: CreateLocationCommand },
          update: { command: UpdateLocationCommand },
          delete: { command: DeactivateLocationCommand },
          get: { query: GetLocationQuery },
          list: { query: ListLocationsQuery },
          history: { query: LocationHistoryQuery },
          records: { query: LocationRecordsQuery },
        },
        inventory: {
          create: { command: SetInventoryLevelsCommand },
          list: { query: ListInventoryQuery },
          get: { query: GetInventoryQuery },
          records: { query: InventoryRecordsQuery },
        },
      },
      projections: [locations.projection, { name: 'inventory.levels', create: () => new InventoryLevelProjection() }],
      publishes: ['location', 'inventory'],
      providers: [
        locations.provider,
        {
          provide: InventoryLevels,
          useFactory: (ds: DataSource, store: EventStore) => new PgInventoryLevels(ds, store),
          inject: [READ_MODEL_DS, EventStore],
        },
        { provide: ProductDirectory, useFactory: () => new TcpProductDirectory(config.serviceUrls.catalog) },
        { provide: Clock, useClass: SystemClock },
        ...INVENTORY_HANDLERS,
      ],
    });
  }
}
