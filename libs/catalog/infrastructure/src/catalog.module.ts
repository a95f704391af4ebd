import { Controller, type DynamicModule, Module } from '@nestjs/common';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Patterns, type ProductDto, type ResolveSkusReply, type ResolveSkusRequest, type ServiceRequest, type SkuStatusReply, type SkuStatusRequest } from '@datamingle/contracts';
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
  ServiceMessageController,
  type PlatformConfig,
} from '@datamingle/platform';
import type { DocumentProjection } from '@datamingle/read-model';
import { PgProductReadModel } from './pg-product-read-model';
import { PRODUCT_COLUMNS, productProjectionSpec } from './product-projection';

@Controller()
export class CatalogMessageController extends ServiceMessageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    logger: Logger,
  ) {
    super(logger);
  }

  @MessagePattern(Patterns.products.create)
  create(@Payload() r: ServiceRequest) {
    return this.run(Patterns.products.create, r, () => this.commands.execute(new CreateProductCommand(r)));
  }

  @MessagePattern(Patterns.products.update)
  update(@Payload() r: ServiceRequest) {
    return this.run(Patterns.products.update, r, () => this.commands.execute(new UpdateProductCommand(r)));
  }

  @MessagePattern(Patterns.products.delete)
  deactivate(@Payload() r: ServiceRequest) {
    return this.run(Patterns.products.delete, r, () => this.commands.execute(new DeactivateProductCommand(r)));
  }

  @MessagePattern(Patterns.products.get)
  get(@Payload() r: ServiceRequest) {
    return this.run(Patterns.products.get, r, () => this.queries.execute(new GetProductQuery(r)));
  }

  @MessagePattern(Patterns.products.list)
  list(@Payload() r: ServiceRequest) {
    return this.run(Patterns.products.list, r, () => this.queries.execute(new ListProductsQuery(r)));
  }

  /** inventory → catalog. A failure here propagates to the caller, which answers 503. */
  @MessagePattern(Patterns.products.skuStatus)
  skuStatus(@Payload() r: SkuStatusRequest): Promise<SkuStatusReply> {
    return this.queries.execute(new SkuStatusQuery(r));
  }

  /** orders → catalog. A failure here propagates to the caller, which answers 503. */
  @MessagePattern(Patterns.products.resolveSkus)
  resolveSkus(@Payload() r: ResolveSkusRequest): Promise<ResolveSkusReply> {
    return this.queries.execute(new ResolveSkusQuery(r));
  }
}

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
