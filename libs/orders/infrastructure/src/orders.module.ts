import { Controller, type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Patterns, type OrderDto, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import {
  CancelOrderCommand,
  Clock,
  CreateOrderCommand,
  GetOrderQuery,
  ListOrdersQuery,
  ORDER_HANDLERS,
  OrderReadModel,
  ProductCatalog,
  SystemClock,
  UpdateOrderCommand,
} from '@datamingle/orders-application';
import {
  HealthController,
  HealthMessageController,
  Logger,
  openEventStore,
  openReadModel,
  READINESS_CHECKS,
  replyOf,
  type OpenEventStore,
  type PlatformConfig,
  type ReadinessCheck,
} from '@datamingle/platform';
import { DocumentProjection, ProjectionRunner } from '@datamingle/read-model';
import { ORDER_COLUMNS, orderProjectionSpec } from './order-projection';
import { PgOrderReadModel } from './pg-order-read-model';
import { TcpProductCatalog } from './tcp-product-catalog';

const CONFIG = Symbol('CONFIG');
const READ_MODEL_DS = Symbol('READ_MODEL_DS');
const OPEN_EVENT_STORE = Symbol('OPEN_EVENT_STORE');
const ORDER_PROJECTION = Symbol('ORDER_PROJECTION');

@Controller()
export class OrdersMessageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly logger: Logger,
  ) {}

  private run(pattern: string, request: ServiceRequest, execute: () => Promise<ServiceReply>): Promise<ServiceReply> {
    return replyOf(execute, this.logger, { pattern, request_id: request.requestId, tenant_id: request.tenantId });
  }

  @MessagePattern(Patterns.orders.create)
  create(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.create, r, () => this.commands.execute(new CreateOrderCommand(r)));
  }

  @MessagePattern(Patterns.orders.update)
  update(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.update, r, () => this.commands.execute(new UpdateOrderCommand(r)));
  }

  @MessagePattern(Patterns.orders.cancel)
  cancel(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.cancel, r, () => this.commands.execute(new CancelOrderCommand(r)));
  }

  @MessagePattern(Patterns.orders.get)
  get(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.get, r, () => this.queries.execute(new GetOrderQuery(r)));
  }

  @MessagePattern(Patterns.orders.list)
  list(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.list, r, () => this.queries.execute(new ListOrdersQuery(r)));
  }
}

/** Starts the catch-up projection after boot and closes connections on shutdown. */
@Injectable()
export class OrdersLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runner: ProjectionRunner;

  constructor(
    @Inject(READ_MODEL_DS) private readonly ds: DataSource,
    @Inject(OPEN_EVENT_STORE) private readonly eventStore: OpenEventStore,
    @Inject(ORDER_PROJECTION) projection: DocumentProjection<OrderDto>,
    private readonly catalog: ProductCatalog,
    logger: Logger,
  ) {
    this.runner = new ProjectionRunner(ds, eventStore.store, projection as DocumentProjection<unknown>, logger);
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
    if (this.catalog instanceof TcpProductCatalog) await this.catalog.close();
    await this.eventStore.close();
    await this.ds.destroy();
  }
}

@Module({})
export class OrdersModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    return {
      module: OrdersModule,
      imports: [CqrsModule.forRoot()],
      controllers: [OrdersMessageController, HealthController, HealthMessageController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: Logger, useValue: logger },
        { provide: READ_MODEL_DS, useFactory: () => openReadModel(config, 'datamingle-orders', 20) },
        { provide: OPEN_EVENT_STORE, useFactory: () => openEventStore(config, 'datamingle-orders', 20) },
        { provide: EventStore, useFactory: (es: OpenEventStore) => es.store, inject: [OPEN_EVENT_STORE] },
        {
          provide: ORDER_PROJECTION,
          useFactory: (store: EventStore) => new DocumentProjection(orderProjectionSpec, store, ORDER_COLUMNS),
          inject: [EventStore],
        },
        {
          provide: OrderReadModel,
          useFactory: (ds: DataSource, projection: DocumentProjection<OrderDto>) => new PgOrderReadModel(ds, projection),
          inject: [READ_MODEL_DS, ORDER_PROJECTION],
        },
        { provide: ProductCatalog, useFactory: () => new TcpProductCatalog(config.catalogUrl) },
        { provide: Clock, useClass: SystemClock },
        {
          provide: READINESS_CHECKS,
          useFactory: (ds: DataSource, store: EventStore): ReadinessCheck[] => [
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
            { name: 'event_store', check: async () => void (await store.readStream('health-probe', { maxCount: 1 })) },
          ],
          inject: [READ_MODEL_DS, EventStore],
        },
        OrdersLifecycle,
        ...ORDER_HANDLERS,
      ],
    };
  }
}
