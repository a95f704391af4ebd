import { InMemoryDocuments } from '@datamingle/application/testing';
import type { OrderDto } from '@datamingle/contracts';
import { OrderReadModel, ProductCatalog, type ClaimedWrite, type ExternalIdClaim, type OrderIdentifierField, type OrderListQuery, type StoredOrder, type Written } from '../ports';

/**
 * The orders read model of pg-order-read-model.ts, in memory: one row per order stream,
 * projected by writeAndProject. A claim on an external_order_id another order holds refuses the
 * write before it runs ({ taken: true }), as the adapter's lock and check do.
 */
export class InMemoryOrderReadModel extends OrderReadModel {
  private readonly docs = new InMemoryDocuments<OrderDto>();

  async findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: OrderDto; revision: number }>> {
    return this.docs.byStreams(tenantId, streams);
  }

  async findByIdentifier(tenantId: string, identifier: string, field?: OrderIdentifierField): Promise<StoredOrder | null> {
    const found =
      field !== undefined
        ? this.docs.find(tenantId, (d) => d[field] === identifier)
        : (this.docs.find(tenantId, (d) => d.external_order_id === identifier) ?? this.docs.find(tenantId, (d) => d.order_number === identifier));
    return found ? { order: found.doc, streamName: found.streamName } : null;
  }

  async keysTaken(
    tenantId: string,
    keys: { orderNumber?: string; externalOrderId?: string },
    exceptOrderId?: string,
  ): Promise<{ order_number: boolean; external_order_id: boolean }> {
    const others = this.docs.all(tenantId).filter(({ doc }) => doc.id !== exceptOrderId);
    return {
      order_number: keys.orderNumber !== undefined && others.some(({ doc }) => doc.order_number === keys.orderNumber),
      external_order_id: keys.externalOrderId !== undefined && others.some(({ doc }) => doc.external_order_id === keys.externalOrderId),
    };
  }

  async list(tenantId: string, query: OrderListQuery): Promise<{ items: OrderDto[]; nextCursor: string | null }> {
    return this.docs.page(
      tenantId,
      (d) => (!query.statuses || query.statuses.includes(d.status)) && (!query.updatedSince || Date.parse(d.updated_at) >= Date.parse(query.updatedSince)),
      query,
    );
  }

  async writeAndProject<T>(tenantId: string, streamName: string, claim: ExternalIdClaim | null, write: () => Promise<Written<T>>): Promise<ClaimedWrite<T>> {
    if (claim && (await this.keysTaken(tenantId, { externalOrderId: claim.externalOrderId }, claim.exceptOrderId)).external_order_id) return { taken: true };
    return { taken: false, result: await this.docs.writeAndProject(tenantId, streamName, write) };
  }
}

/** The catalog as orders sees it, in memory: the SKUs the test says are active products. */
export class InMemoryProductCatalog extends ProductCatalog {
  readonly active = new Set<string>();

  async activeSkus(_tenantId: string, skus: readonly string[]): Promise<Set<string>> {
    return new Set(skus.filter((sku) => this.active.has(sku)));
  }
}
