import { Controller, type DynamicModule, Module } from '@nestjs/common';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Patterns, type LocationDto, type ServiceRequest } from '@datamingle/contracts';
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
  ServiceMessageController,
  type PlatformConfig,
} from '@datamingle/platform';
import type { DocumentProjection } from '@datamingle/read-model';
import { LOCATION_COLUMNS, locationProjectionSpec } from './location-projection';
import { InventoryLevelProjection, PgInventoryLevels } from './pg-inventory-levels';
import { PgLocationReadModel } from './pg-location-read-model';
import { TcpProductDirectory } from './tcp-product-directory';

@Controller()
export class InventoryMessageController extends ServiceMessageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    logger: Logger,
  ) {
    super(logger);
  }

  @MessagePattern(Patterns.locations.create)
  createLocation(@Payload() r: ServiceRequest) {
    return this.run(Patterns.locations.create, r, () => this.commands.execute(new CreateLocationCommand(r)));
  }

  @MessagePattern(Patterns.locations.update)
  updateLocation(@Payload() r: ServiceRequest) {
    return this.run(Patterns.locations.update, r, () => this.commands.execute(new UpdateLocationCommand(r)));
  }

  @MessagePattern(Patterns.locations.delete)
  deactivateLocation(@Payload() r: ServiceRequest) {
    return this.run(Patterns.locations.delete, r, () => this.commands.execute(new DeactivateLocationCommand(r)));
  }

  @MessagePattern(Patterns.locations.get)
  getLocation(@Payload() r: ServiceRequest) {
    return this.run(Patterns.locations.get, r, () => this.queries.execute(new GetLocationQuery(r)));
  }

  @MessagePattern(Patterns.locations.list)
  listLocations(@Payload() r: ServiceRequest) {
    return this.run(Patterns.locations.list, r, () => this.queries.execute(new ListLocationsQuery(r)));
  }

  @MessagePattern(Patterns.inventory.create)
  setLevels(@Payload() r: ServiceRequest) {
    return this.run(Patterns.inventory.create, r, () => this.commands.execute(new SetInventoryLevelsCommand(r)));
  }

  @MessagePattern(Patterns.inventory.list)
  listLevels(@Payload() r: ServiceRequest) {
    return this.run(Patterns.inventory.list, r, () => this.queries.execute(new ListInventoryQuery(r)));
  }

  @MessagePattern(Patterns.inventory.get)
  getLevels(@Payload() r: ServiceRequest) {
    return this.run(Patterns.inventory.get, r, () => this.queries.execute(new GetInventoryQuery(r)));
  }
}

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
