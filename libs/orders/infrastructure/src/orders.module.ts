import { type DynamicModule, Module } from '@nestjs/common';
import {
  CancelOrderCommand,
  Clock,
  CreateOrderCommand,
  GetOrderQuery,
  ListOrdersQuery,
  OrderHistoryQuery,
  OrderRecordsQuery,
  ORDER_HANDLERS,
  OrderReadModel,
  ProductCatalog,
  SystemClock,
  UpdateOrderCommand,
} from '@datamingle/orders-application';
import { documentReadModel, eventSourcedServiceModule, Logger, type PlatformConfig } from '@datamingle/platform';
import { ORDER_COLUMNS, orderProjectionSpec } from './order-projection';
import { PgOrderReadModel } from './pg-order-read-model';
import { TcpProductCatalog } from './tcp-product-catalog';

@Module({})
export class OrdersModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    const orders = documentReadModel(OrderReadModel, orderProjectionSpec, ORDER_COLUMNS, (ds, projection) => new PgOrderReadModel(ds, projection));
    return eventSourcedServiceModule(OrdersModule, config, logger, {
      service: 'orders',
      messages: {
        orders: {
          create: { command: CreateOrderCommand },
          update: { command: UpdateOrderCommand },
          delete: { command: CancelOrderCommand },
          get: { query: GetOrderQuery },
          list: { query: ListOrdersQuery },
          history: { query: OrderHistoryQuery },
          records: { query: OrderRecordsQuery },
        },
      },
      projections: [orders.projection],
      publishes: ['order'],
      providers: [
        orders.provider,
        { provide: ProductCatalog, useFactory: () => new TcpProductCatalog(config.serviceUrls.catalog) },
        { provide: Clock, useClass: SystemClock },
        ...ORDER_HANDLERS,
      ],
    });
  }
}
