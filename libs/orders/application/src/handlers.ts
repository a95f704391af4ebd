import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ServiceReply } from '@datamingle/contracts';
import { decideAndAppend, EventStore, replyFor, uuidv7, WrongExpectedVersionError } from '@datamingle/event-store';
import { toValidationError } from '@datamingle/kernel';
import {
  decideOrder,
  evolveOrder,
  extractCreateKeys,
  initialOrderState,
  notFoundOrder,
  orderDecider,
  orderRepresentation,
  skuCheckError,
  validateCancelOrder,
  validateCreateOrder,
  validateOrderListQuery,
  validateUpdateOrder,
  type OrderCommand,
} from '@datamingle/orders-domain';
import { CancelOrderCommand, CreateOrderCommand, GetOrderQuery, ListOrdersQuery, UpdateOrderCommand } from './commands';
import { orderEventMetadata } from './event-metadata';
import { Clock, OrderReadModel, ProductCatalog } from './ports';
import { orderStreamName } from './streams';

function duplicateOrder(field: 'order_number' | 'external_order_id'): ServiceReply {
  return { ok: false, error: toValidationError({ [field]: [`An order with this ${field} already exists.`] }) };
}

@CommandHandler(CreateOrderCommand)
export class CreateOrderHandler implements ICommandHandler<CreateOrderCommand> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: OrderReadModel,
    private readonly catalog: ProductCatalog,
    private readonly clock: Clock,
  ) {}

  async execute({ request }: CreateOrderCommand): Promise<ServiceReply> {
    const { tenantId } = request;
    // Field validation, with uniqueness of order_number / external_order_id reported among the
    // field errors; the SKU check (a business rule, step 17) only counts once every field is valid.
    // The uniqueness look-up and the catalog call are independent, so they run concurrently.
    const keys = extractCreateKeys(request.body);
    const preliminary = validateCreateOrder(request.body);
    const skus = preliminary.ok ? [...new Set(preliminary.value.items.map((i) => i.sku_code))] : [];
    const [taken, active] = await Promise.all([
      keys.order_number !== undefined || keys.external_order_id
        ? this.readModel.keysTaken(tenantId, { orderNumber: keys.order_number, externalOrderId: keys.external_order_id ?? undefined })
        : Promise.resolve({ order_number: false, external_order_id: false }),
      skus.length > 0 ? this.catalog.activeSkus(tenantId, skus) : Promise.resolve(new Set<string>()),
    ]);
    const validated = taken.order_number || taken.external_order_id ? validateCreateOrder(request.body, taken) : preliminary;
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const input = validated.value;

    // Business rule: every SKU is an active product of the tenant.
    const skuError = skuCheckError(input.items, active);
    if (skuError) return { ok: false, error: skuError };

    const now = this.clock.now().toISOString();
    const orderId = randomUUID();
    const command: OrderCommand = {
      type: 'CreateOrder',
      data: { input, orderId, lineIds: input.items.map(() => randomUUID()), now },
    };
    const decision = decideOrder(command, initialOrderState());
    if (!decision.ok) return { ok: false, error: decision.error };
    const events = decision.value;
    const streamName = orderStreamName(tenantId, input.order_number);
    const claim = input.external_order_id ? { externalOrderId: input.external_order_id } : null;
    let state = initialOrderState();
    for (const e of events) state = evolveOrder(state, e);
    const doc = orderRepresentation(state);
    try {
      const written = await this.readModel.writeAndProject(tenantId, streamName, claim, async () => {
        const appended = await this.store.appendToStream(
          streamName,
          events.map((e, i) => ({
            id: uuidv7(),
            type: e.type,
            data: e.data,
            metadata: orderEventMetadata(request, e.type, orderId, i + 1, now),
          })),
          { expectedRevision: 'no_stream' },
        );
        return { result: appended, appended: { fromRevision: 0n, toRevision: appended.nextExpectedRevision, doc } };
      });
      if (written.taken) return duplicateOrder('external_order_id');
    } catch (error) {
      // The order_number's stream exists: a concurrent or earlier create won.
      if (error instanceof WrongExpectedVersionError) return duplicateOrder('order_number');
      throw error;
    }
    return { ok: true, status: 201, data: doc };
  }
}
abstract class ExistingOrderHandler {
  constructor(
    protected readonly store: EventStore,
    protected readonly readModel: OrderReadModel,
    protected readonly clock: Clock,
  ) {}

  protected async apply(
    request: CreateOrderCommand['request'],
    streamName: string,
    orderId: string,
    command: OrderCommand,
    claim: { externalOrderId: string; exceptOrderId: string } | null,
  ): Promise<ServiceReply> {
    const now = (command.data as { now: string }).now;
    const written = await this.readModel.writeAndProject(request.tenantId, streamName, claim, () =>
      decideAndAppend(this.store, streamName, orderDecider, command, (e, version) => orderEventMetadata(request, e.type, orderId, version, now), orderRepresentation),
    );
    if (written.taken) return duplicateOrder('external_order_id');
    return replyFor(written.result, orderRepresentation);
  }
}

@CommandHandler(UpdateOrderCommand)
export class UpdateOrderHandler extends ExistingOrderHandler implements ICommandHandler<UpdateOrderCommand> {
  constructor(store: EventStore, readModel: OrderReadModel, clock: Clock) {
    super(store, readModel, clock);
  }

  async execute({ request }: UpdateOrderCommand): Promise<ServiceReply> {
    const found = await this.readModel.findByIdentifier(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundOrder(request.identifier ?? '') };
    const current = found.order;
    let validated = validateUpdateOrder(request.body, current);
    const newExternalId = validated.ok ? validated.value.external_order_id : extractCreateKeys(request.body).external_order_id;
    const changesExternalId = typeof newExternalId === 'string' && newExternalId !== current.external_order_id;
    if (changesExternalId) {
      const taken = await this.readModel.keysTaken(request.tenantId, { externalOrderId: newExternalId }, current.id);
      if (taken.external_order_id) validated = validateUpdateOrder(request.body, current, { external_order_id: true });
    }
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const now = this.clock.now().toISOString();
    const claim = changesExternalId ? { externalOrderId: newExternalId as string, exceptOrderId: current.id } : null;
    return this.apply(request, found.streamName, current.id, { type: 'UpdateOrder', data: { input: validated.value, now } }, claim);
  }
}

@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler extends ExistingOrderHandler implements ICommandHandler<CancelOrderCommand> {
  constructor(store: EventStore, readModel: OrderReadModel, clock: Clock) {
    super(store, readModel, clock);
  }

  async execute({ request }: CancelOrderCommand): Promise<ServiceReply> {
    const found = await this.readModel.findByIdentifier(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundOrder(request.identifier ?? '') };
    const validated = validateCancelOrder(request.body);
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const now = this.clock.now().toISOString();
    return this.apply(request, found.streamName, found.order.id, { type: 'CancelOrder', data: { reason: validated.value.reason, now } }, null);
  }
}

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(private readonly readModel: OrderReadModel) {}

  async execute({ request }: GetOrderQuery): Promise<ServiceReply> {
    const found = await this.readModel.findByIdentifier(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundOrder(request.identifier ?? '') };
    return { ok: true, status: 200, data: found.order };
  }
}

@QueryHandler(ListOrdersQuery)
export class ListOrdersHandler implements IQueryHandler<ListOrdersQuery> {
  constructor(private readonly readModel: OrderReadModel) {}

  async execute({ request }: ListOrdersQuery): Promise<ServiceReply> {
    const query = validateOrderListQuery(request.query);
    if (!query.ok) return { ok: false, error: query.error };
    const page = await this.readModel.list(request.tenantId, query.value);
    return { ok: true, status: 200, data: page.items, pagination: { limit: query.value.limit, next_cursor: page.nextCursor } };
  }
}

export const ORDER_HANDLERS = [CreateOrderHandler, UpdateOrderHandler, CancelOrderHandler, GetOrderHandler, ListOrdersHandler];
