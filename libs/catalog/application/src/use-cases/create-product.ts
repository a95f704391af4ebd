import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock, createDocument } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { CreateProductCommand } from '../commands';
import { ProductReadModel } from '../ports';
import { PRODUCTS } from './product-records';

/** POST /products: 201 with the product; 422 for an invalid body; 409 DUPLICATE for a SKU the tenant has. */
@CommandHandler(CreateProductCommand)
export class CreateProductHandler implements ICommandHandler<CreateProductCommand> {
  constructor(
    readonly store: EventStore,
    readonly readModel: ProductReadModel,
    readonly clock: Clock,
  ) {}

  execute({ request }: CreateProductCommand): Promise<ServiceReply> {
    return createDocument(PRODUCTS, this, request);
  }
}
