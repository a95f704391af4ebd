import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_TYPES, eventMetadata, type ResolveSkusReply, type ServiceReply, type ServiceRequest, type SkuStatusReply } from '@datamingle/contracts';
import { decideAndAppend, EventStore, replyFor, uuidv7, WrongExpectedVersionError } from '@datamingle/event-store';
import { toValidationError } from '@datamingle/kernel';
import {
  decideProduct,
  duplicateSkuError,
  evolveProduct,
  initialProductState,
  notFoundProduct,
  productDecider,
  productRepresentation,
  validateCreateProduct,
  validateProductListQuery,
  validateUpdateProduct,
  type ProductCommand,
} from '@datamingle/catalog-domain';
import {
  CreateProductCommand,
  DeactivateProductCommand,
  GetProductQuery,
  ListProductsQuery,
  ResolveSkusQuery,
  SkuStatusQuery,
  UpdateProductCommand,
} from './commands';
import { Clock, ProductReadModel } from './ports';
import { productStreamName } from './streams';

const CATALOG = { source: 'catalog', aggregateType: 'product', schemaVersions: EVENT_TYPES.catalog } as const;

function productEventMetadata(request: ServiceRequest, eventType: string, productId: string, version: number, occurredAt: string): Record<string, unknown> {
  return eventMetadata(CATALOG, request, { type: eventType, aggregateId: productId, aggregateVersion: version, occurredAt });
}

@CommandHandler(CreateProductCommand)
export class CreateProductHandler implements ICommandHandler<CreateProductCommand> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: ProductReadModel,
    private readonly clock: Clock,
  ) {}

  async execute({ request }: CreateProductCommand): Promise<ServiceReply> {
    const validated = validateCreateProduct(request.body);
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const input = validated.value;
    // Natural-key uniqueness is a business rule for products (409 DUPLICATE), checked after field validation.
    if (await this.readModel.findBySku(request.tenantId, input.sku)) return { ok: false, error: duplicateSkuError() };
    const now = this.clock.now().toISOString();
    const productId = randomUUID();
    const decision = decideProduct({ type: 'CreateProduct', data: { input, productId, now } }, initialProductState());
    if (!decision.ok) return { ok: false, error: decision.error };
    const streamName = productStreamName(request.tenantId, input.sku);
    let state = initialProductState();
    for (const e of decision.value) state = evolveProduct(state, e);
    const doc = productRepresentation(state);
    try {
      await this.readModel.writeAndProject(request.tenantId, streamName, async () => {
        const appended = await this.store.appendToStream(
          streamName,
          decision.value.map((e, i) => ({
            id: uuidv7(),
            type: e.type,
            data: e.data,
            metadata: productEventMetadata(request, e.type, productId, i + 1, now),
          })),
          { expectedRevision: 'no_stream' },
        );
        return { result: appended, appended: { fromRevision: 0n, toRevision: appended.nextExpectedRevision, doc } };
      });
    } catch (error) {
      // The SKU's stream exists: a concurrent or earlier create won.
      if (error instanceof WrongExpectedVersionError) return { ok: false, error: duplicateSkuError() };
      throw error;
    }
    return { ok: true, status: 201, data: doc };
  }
}

abstract class ExistingProductHandler {
  constructor(
    protected readonly store: EventStore,
    protected readonly readModel: ProductReadModel,
    protected readonly clock: Clock,
  ) {}

  protected async apply(request: ServiceRequest, streamName: string, productId: string, command: ProductCommand, now: string): Promise<ServiceReply> {
    const outcome = await this.readModel.writeAndProject(request.tenantId, streamName, () =>
      decideAndAppend(this.store, streamName, productDecider, command, (e, version) => productEventMetadata(request, e.type, productId, version, now), productRepresentation),
    );
    return replyFor(outcome, productRepresentation);
  }
}

@CommandHandler(UpdateProductCommand)
export class UpdateProductHandler extends ExistingProductHandler implements ICommandHandler<UpdateProductCommand> {
  constructor(store: EventStore, readModel: ProductReadModel, clock: Clock) {
    super(store, readModel, clock);
  }

  async execute({ request }: UpdateProductCommand): Promise<ServiceReply> {
    const found = await this.readModel.findBySku(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundProduct(request.identifier ?? '') };
    const validated = validateUpdateProduct(request.body, found.product);
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const now = this.clock.now().toISOString();
    return this.apply(request, found.streamName, found.product.id, { type: 'UpdateProduct', data: { input: validated.value, now } }, now);
  }
}

@CommandHandler(DeactivateProductCommand)
export class DeactivateProductHandler extends ExistingProductHandler implements ICommandHandler<DeactivateProductCommand> {
  constructor(store: EventStore, readModel: ProductReadModel, clock: Clock) {
    super(store, readModel, clock);
  }

  async execute({ request }: DeactivateProductCommand): Promise<ServiceReply> {
    const found = await this.readModel.findBySku(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundProduct(request.identifier ?? '') };
    const now = this.clock.now().toISOString();
    return this.apply(request, found.streamName, found.product.id, { type: 'DeactivateProduct', data: { now } }, now);
  }
}

@QueryHandler(GetProductQuery)
export class GetProductHandler implements IQueryHandler<GetProductQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  async execute({ request }: GetProductQuery): Promise<ServiceReply> {
    const found = await this.readModel.findBySku(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundProduct(request.identifier ?? '') };
    return { ok: true, status: 200, data: found.product };
  }
}

@QueryHandler(ListProductsQuery)
export class ListProductsHandler implements IQueryHandler<ListProductsQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  async execute({ request }: ListProductsQuery): Promise<ServiceReply> {
    const query = validateProductListQuery(request.query);
    if (!query.ok) return { ok: false, error: query.error };
    const page = await this.readModel.listActive(request.tenantId, query.value);
    return { ok: true, status: 200, data: page.items, pagination: { limit: query.value.limit, next_cursor: page.nextCursor } };
  }
}

@QueryHandler(ResolveSkusQuery)
export class ResolveSkusHandler implements IQueryHandler<ResolveSkusQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  async execute({ request }: ResolveSkusQuery): Promise<ResolveSkusReply> {
    return { active: await this.readModel.activeSkus(request.tenantId, request.skus) };
  }
}

@QueryHandler(SkuStatusQuery)
export class SkuStatusHandler implements IQueryHandler<SkuStatusQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  async execute({ request }: SkuStatusQuery): Promise<SkuStatusReply> {
    return { status: await this.readModel.skuStatus(request.tenantId, request.skus) };
  }
}

export const PRODUCT_HANDLERS = [
  SkuStatusHandler,
  CreateProductHandler,
  UpdateProductHandler,
  DeactivateProductHandler,
  GetProductHandler,
  ListProductsHandler,
  ResolveSkusHandler,
];
