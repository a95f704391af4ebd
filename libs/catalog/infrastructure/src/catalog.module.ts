import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import { Patterns, type ProductDto } from '@datamingle/contracts';
import {
  Clock,
  CreateProductCommand,
  DeactivateProductCommand,
  GetProductQuery,
  ListProductsQuery,
  PRODUCT_HANDLERS,
  ProductReadModel,
  ResolveSkusQuery,
  SkuStatusQuery,
  SystemClock,
  UpdateProductCommand,
} from '@datamingle/catalog-application';
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
import { PgProductReadModel } from './pg-product-read-model';
import { PRODUCT_COLUMNS, productProjectionSpec } from './product-projection';

/**
 * The catalog service's messages: the command or query of each operation of products (resource
 * registry), and the two lookups other services make — inventory → catalog `skuStatus`, orders →
 * catalog `resolveSkus` — whose failures propagate to the caller, which answers 503.
 */
export const CatalogMessageController = serviceMessageController(
  'catalog',
  {
    products: {
      create: { command: CreateProductCommand },
      update: { command: UpdateProductCommand },
      delete: { command: DeactivateProductCommand },
      get: { query: GetProductQuery },
      list: { query: ListProductsQuery },
    },
  },
  { [Patterns.products.skuStatus]: SkuStatusQuery, [Patterns.products.resolveSkus]: ResolveSkusQuery },
);

@Module({})
export class CatalogModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    return {
      module: CatalogModule,
      imports: [CqrsModule.forRoot()],
      controllers: [CatalogMessageController, HealthController, HealthMessageController],
      providers: [
        ...eventSourcedServiceProviders(config, logger, 'catalog', [documentProjection(productProjectionSpec, PRODUCT_COLUMNS)], {
          categories: ['product'],
          checkpointTable: 'catalog.projection_checkpoints',
        }),
        {
          provide: ProductReadModel,
          useFactory: (ds: DataSource, projection: DocumentProjection<ProductDto>) => new PgProductReadModel(ds, projection),
          inject: [READ_MODEL_DS, projectionToken(productProjectionSpec.name)],
        },
        { provide: Clock, useClass: SystemClock },
        ...PRODUCT_HANDLERS,
      ],
    };
  }
}
