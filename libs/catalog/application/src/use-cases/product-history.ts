import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { currentRecords, documentHistory } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { ProductHistoryQuery, ProductRecordsQuery } from '../commands';
import { ProductReadModel } from '../ports';
import { PRODUCTS } from './product-records';

/** GET /products/{sku}/history/: the product's events with their changes, oldest first; 404 as its GET. */
@QueryHandler(ProductHistoryQuery)
export class ProductHistoryHandler implements IQueryHandler<ProductHistoryQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: ProductReadModel,
  ) {}

  execute({ request }: ProductHistoryQuery): Promise<ServiceReply> {
    return documentHistory(PRODUCTS, { store: this.store, readModel: this.readModel }, request);
  }
}

/** The change feed's current products, by stream (gateway → catalog). */
@QueryHandler(ProductRecordsQuery)
export class ProductRecordsHandler implements IQueryHandler<ProductRecordsQuery> {
  constructor(private readonly readModel: ProductReadModel) {}

  execute({ request }: ProductRecordsQuery): Promise<ServiceReply> {
    return currentRecords(request, (tenantId, streams) => this.readModel.findByStreams(tenantId, streams), (product) => product.sku);
  }
}
