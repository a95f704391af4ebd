import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { getDocument } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { GetProductQuery } from '../commands';
import { ProductReadModel } from '../ports';
import { PRODUCTS } from './product-records';

/** GET /products/{sku}: 200 with the product (active or not); 404. */
@QueryHandler(GetProductQuery)
export class GetProductHandler implements IQueryHandler<GetProductQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  execute({ request }: GetProductQuery): Promise<ServiceReply> {
    return getDocument(PRODUCTS, this.readModel, request);
  }
}
