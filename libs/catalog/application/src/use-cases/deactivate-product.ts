import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeDocument, Clock } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { DeactivateProductCommand } from '../commands';
import { ProductReadModel } from '../ports';
import { PRODUCTS } from './product-records';

/** DELETE /products/{sku}: 200 with the deactivated product (again for an inactive one); 404. */
@CommandHandler(DeactivateProductCommand)
export class DeactivateProductHandler implements ICommandHandler<DeactivateProductCommand> {
  constructor(
    readonly store: EventStore,
    readonly readModel: ProductReadModel,
    readonly clock: Clock,
  ) {}

  execute({ request }: DeactivateProductCommand): Promise<ServiceReply> {
    return changeDocument(PRODUCTS, this, request, () => ({ ok: true, value: (now) => ({ type: 'DeactivateProduct', data: { now } }) }));
  }
}
