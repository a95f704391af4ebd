import { InMemoryDocuments } from '@datamingle/application/testing';
import type { ProductDto } from '@datamingle/contracts';
import { ProductReadModel, type ProductListQuery, type StoredProduct, type Written } from '../ports';

/** The read model of pg-product-read-model.ts, in memory: one row per product stream, projected by writeAndProject. */
export class InMemoryProductReadModel extends ProductReadModel {
  private readonly docs = new InMemoryDocuments<ProductDto>();

  async findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: ProductDto; revision: number }>> {
    return this.docs.byStreams(tenantId, streams);
  }

  async findBySku(tenantId: string, sku: string): Promise<StoredProduct | null> {
    const found = this.docs.find(tenantId, (d) => d.sku === sku);
    return found ? { product: found.doc, streamName: found.streamName } : null;
  }

  async listActive(tenantId: string, query: ProductListQuery): Promise<{ items: ProductDto[]; nextCursor: string | null }> {
    return this.docs.page(tenantId, (d) => d.is_active, query);
  }

  async activeSkus(tenantId: string, skus: readonly string[]): Promise<string[]> {
    return this.docs.all(tenantId).flatMap(({ doc }) => (doc.is_active && skus.includes(doc.sku) ? [doc.sku] : []));
  }

  async skuStatus(tenantId: string, skus: readonly string[]): Promise<Record<string, 'active' | 'inactive'>> {
    const status: Record<string, 'active' | 'inactive'> = {};
    for (const { doc } of this.docs.all(tenantId)) if (skus.includes(doc.sku)) status[doc.sku] = doc.is_active ? 'active' : 'inactive';
    return status;
  }

  writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T>>): Promise<T> {
    return this.docs.writeAndProject(tenantId, streamName, write);
  }
}
