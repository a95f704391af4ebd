import { Controller, type DynamicModule, Module } from '@nestjs/common';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Patterns, type OrderDto, type ServiceRequest } from '@datamingle/contracts';
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
import { ORDER_COLUMNS, orderProjectionSpec } from './order-projection';
import { PgOrderReadModel } from './pg-order-read-model';
import { TcpProductCatalog } from './tcp-product-catalog';

@Controller()
export class OrdersMessageController extends ServiceMessageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    logger: Logger,
  ) {
    super(logger);
  }

  @MessagePattern(Patterns.orders.create)
  create(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.create, r, () => this.commands.execute(new CreateOrderCommand(r)));
  }

  @MessagePattern(Patterns.orders.update)
  update(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.update, r, () => this.commands.execute(new UpdateOrderCommand(r)));
  }

  @MessagePattern(Patterns.orders.delete)
  cancel(@Payload() r: ServiceRequest) {
    return this.run(Patterns.orders.delete, r, () => this.commands.execute(new CancelOrderCommand(r)));
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

@Module({})
export class OrdersModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    return {
      module: OrdersModule,
      imports: [CqrsModule.forRoot()],
      controllers: [OrdersMessageController, HealthController, HealthMessageController],
      providers: [
        ...eventSourcedServiceProviders(config, logger, 'orders', [documentProjection(orderProjectionSpec, ORDER_COLUMNS)], {
          categories: ['order'],
          checkpointTable: 'orders.projection_checkpoints',
        }),
        {
          provide: OrderReadModel,
          useFactory: (ds: DataSource, projection: DocumentProjection<OrderDto>) => new PgOrderReadModel(ds, projection),
          inject: [READ_MODEL_DS, projectionToken(orderProjectionSpec.name)],
        },
        { provide: ProductCatalog, useFactory: () => new TcpProductCatalog(config.serviceUrls.catalog) },
        { provide: Clock, useClass: SystemClock },
        ...ORDER_HANDLERS,
      ],
    };
  }
}
