import { type DynamicModule, Module } from '@nestjs/common';
import { Patterns } from '@datamingle/contracts';
import {
  Clock,
  CreateProductCommand,
  DeactivateProductCommand,
  GetProductQuery,
  ListProductsQuery,
  ProductHistoryQuery,
  ProductRecordsQuery,
  PRODUCT_HANDLERS,
  ProductReadModel,
  ResolveSkusQuery,
  SkuStatusQuery,
  SystemClock,
  UpdateProductCommand,
} from '@datamingle/catalog-application';
import { documentReadModel, eventSourcedServiceModule, Logger, type PlatformConfig } from '@datamingle/platform';
import { PgProductReadModel } from './pg-product-read-model';
import { PRODUCT_COLUMNS, productProjectionSpec } from './product-projection';

@Module({})
export class CatalogModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    const products = documentReadModel(ProductReadModel, productProjectionSpec, PRODUCT_COLUMNS, (ds, projection) => new PgProductReadModel(ds, projection));
    return eventSourcedServiceModule(CatalogModule, config, logger, {
      service: 'catalog',
      messages: {
        products: {
          create: { command: CreateProductCommand },
          update: { command: UpdateProductCommand },
          delete: { command: DeactivateProductCommand },
          get: { query: GetProductQuery },
          list: { query: ListProductsQuery },
          history: { query: ProductHistoryQuery },
          records: { query: ProductRecordsQuery },
        },
      },
      // The two look-ups of other services: inventory → catalog `skuStatus`, orders → catalog `resolveSkus`.
      internal: { [Patterns.products.skuStatus]: SkuStatusQuery, [Patterns.products.resolveSkus]: ResolveSkusQuery },
      projections: [products.projection],
      publishes: ['product'],
      providers: [products.provider, { provide: Clock, useClass: SystemClock }, ...PRODUCT_HANDLERS],
    });
  }
}
