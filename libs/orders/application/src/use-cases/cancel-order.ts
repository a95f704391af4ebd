import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock, withRecord } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { toValidationError } from '@datamingle/kernel';
import { validateCancelOrder } from '@datamingle/orders-domain';
import { CancelOrderCommand } from '../commands';
import { OrderReadModel } from '../ports';
import { orderLookup, orderStreams, projectedOrder } from './order-records';

/** POST /orders/{identifier}/cancel: 200 with the cancelled order; 404; 400 for an invalid body; the decider's rejection for an order past cancelling. */
@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: OrderReadModel,
    private readonly clock: Clock,
  ) {}

  execute({ request }: CancelOrderCommand): Promise<ServiceReply> {
    return withRecord(orderLookup(this.readModel), request, ({ order, streamName }) => {
      const validated = validateCancelOrder(request.body);
      if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
      const now = this.clock.now().toISOString();
      return orderStreams(this.store).change({
        request,
        streamName,
        aggregateId: order.id,
        command: { type: 'CancelOrder', data: { reason: validated.value.reason, now } },
        now,
        project: projectedOrder(this.readModel, request.tenantId, streamName, null),
      });
    });
  }
}
