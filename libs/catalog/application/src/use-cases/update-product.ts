import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeDocument, Clock } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { validateUpdateProduct } from '@datamingle/catalog-domain';
import { UpdateProductCommand } from '../commands';
import { ProductReadModel } from '../ports';
import { PRODUCTS } from './product-records';

/** PATCH /products/{sku}: 200 with the product; 404; 422 for an invalid body. */
@CommandHandler(UpdateProductCommand)
export class UpdateProductHandler implements ICommandHandler<UpdateProductCommand> {
  constructor(
    readonly store: EventStore,
    readonly readModel: ProductReadModel,
    readonly clock: Clock,
  ) {}

  execute({ request }: UpdateProductCommand): Promise<ServiceReply> {
    return changeDocument(PRODUCTS, this, request, (product) => {
      const validated = validateUpdateProduct(request.body, product);
      return validated.ok ? { ok: true, value: (now) => ({ type: 'UpdateProduct' as const, data: { input: validated.value, now } }) } : validated;
    });
  }
}
