import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { toValidationError } from '@datamingle/kernel';
import { extractCreateKeys, skuCheckError, validateCreateOrder } from '@datamingle/orders-domain';
import { CreateOrderCommand } from '../commands';
import { OrderReadModel, ProductCatalog } from '../ports';
import { orderStreamName } from '../streams';
import { duplicateOrder, orderStreams, projectedOrder } from './order-records';

/** POST /orders: 201 with the order; 400 for invalid fields or a taken order_number / external_order_id; 422 for an unknown or inactive SKU. */
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
    const streamName = orderStreamName(tenantId, input.order_number);
    const claim = input.external_order_id ? { externalOrderId: input.external_order_id } : null;
    return orderStreams(this.store).create({
      request,
      streamName,
      aggregateId: orderId,
      command: { type: 'CreateOrder', data: { input, orderId, lineIds: input.items.map(() => randomUUID()), now } },
      now,
      project: projectedOrder(this.readModel, tenantId, streamName, claim),
      // The order_number's stream exists: a concurrent or earlier create won.
      duplicate: () => duplicateOrder('order_number'),
    });
  }
}
