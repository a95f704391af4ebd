import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import type { OrderDto } from '@datamingle/contracts';
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
  serviceMessageController,
  type PlatformConfig,
} from '@datamingle/platform';
import type { DocumentProjection } from '@datamingle/read-model';
import { ORDER_COLUMNS, orderProjectionSpec } from './order-projection';
import { PgOrderReadModel } from './pg-order-read-model';
import { TcpProductCatalog } from './tcp-product-catalog';

/** The orders service's messages: the command or query of each operation of its resources (resource registry). */
export const OrdersMessageController = serviceMessageController('orders', {
  orders: {
    create: { command: CreateOrderCommand },
    update: { command: UpdateOrderCommand },
    delete: { command: CancelOrderCommand },
    get: { query: GetOrderQuery },
    list: { query: ListOrdersQuery },
  },
});

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
