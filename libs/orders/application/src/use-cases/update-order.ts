import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock, withRecord } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { toValidationError } from '@datamingle/kernel';
import { extractCreateKeys, validateUpdateOrder } from '@datamingle/orders-domain';
import { UpdateOrderCommand } from '../commands';
import { OrderReadModel } from '../ports';
import { orderLookup, orderStreams, projectedOrder } from './order-records';

/** PATCH /orders/{identifier}: 200 with the order; 404; 400 for invalid fields or an external_order_id another order holds. */
@CommandHandler(UpdateOrderCommand)
export class UpdateOrderHandler implements ICommandHandler<UpdateOrderCommand> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: OrderReadModel,
    private readonly clock: Clock,
  ) {}

  execute({ request }: UpdateOrderCommand): Promise<ServiceReply> {
    return withRecord(orderLookup(this.readModel), request, async ({ order: current, streamName }) => {
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
      return orderStreams(this.store).change({
        request,
        streamName,
        aggregateId: current.id,
        command: { type: 'UpdateOrder', data: { input: validated.value, now } },
        now,
        project: projectedOrder(this.readModel, request.tenantId, streamName, claim),
      });
    });
  }
}
