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
    // The uniqueness look-up is a query of its own only where an answer needs it: with invalid
    // fields, an SKU refused, or the create refused as a duplicate (the stream of the order_number
    // exists, or the external_order_id is claimed). A create that succeeds proves both values free,
    // so the common path makes no look-up (one PostgreSQL round trip less per create).
    const keys = extractCreateKeys(request.body);
    const takenKeys = () =>
      keys.order_number !== undefined || keys.external_order_id
        ? this.readModel.keysTaken(tenantId, { orderNumber: keys.order_number, externalOrderId: keys.external_order_id ?? undefined })
        : Promise.resolve({ order_number: false, external_order_id: false });
    /** The 400 of the taken values among the field errors, when any is taken. */
    const takenError = async (): Promise<ServiceReply | null> => {
      const taken = await takenKeys();
      if (!taken.order_number && !taken.external_order_id) return null;
      const validated = validateCreateOrder(request.body, taken);
      return validated.ok ? null : { ok: false, error: toValidationError(validated.error) };
    };

    const preliminary = validateCreateOrder(request.body);
    if (!preliminary.ok) return (await takenError()) ?? { ok: false, error: toValidationError(preliminary.error) };
    const input = preliminary.value;

    // Business rule: every SKU is an active product of the tenant.
    const skus = [...new Set(input.items.map((i) => i.sku_code))];
    const active = skus.length > 0 ? await this.catalog.activeSkus(tenantId, skus) : new Set<string>();
    const skuError = skuCheckError(input.items, active);
    if (skuError) return (await takenError()) ?? { ok: false, error: skuError };

    const now = this.clock.now().toISOString();
    const orderId = randomUUID();
    const streamName = orderStreamName(tenantId, input.order_number);
    const claim = input.external_order_id ? { externalOrderId: input.external_order_id } : null;
    let refusedAsDuplicate = false;
    const project = projectedOrder(this.readModel, tenantId, streamName, claim);
    const reply = await orderStreams(this.store).create({
      request,
      streamName,
      aggregateId: orderId,
      command: { type: 'CreateOrder', data: { input, orderId, lineIds: input.items.map(() => randomUUID()), now } },
      now,
      project: async (write) => {
        const refused = await project(write);
        if (refused) refusedAsDuplicate = true;
        return refused;
      },
      // The order_number's stream exists: a concurrent or earlier create won.
      duplicate: () => {
        refusedAsDuplicate = true;
        return duplicateOrder('order_number');
      },
    });
    // Refused as a duplicate: every taken value among the field errors, as the look-up says
    // (a concurrent create not projected yet leaves the refusal as it is).
    return refusedAsDuplicate ? ((await takenError()) ?? reply) : reply;
  }
}
