import type { DataSource } from 'typeorm';
import type { ProductDto } from '@datamingle/contracts';
import { encodeCursor } from '@datamingle/kernel';
import { ProductReadModel, type ProductListQuery, type StoredProduct, type Written } from '@datamingle/catalog-application';
import { asTenant, documentsByStream, type DocumentProjection, isResolvableIdentifier, keysetPage, writeThenProject } from '@datamingle/read-model';


export class PgProductReadModel extends ProductReadModel {
  constructor(
    private readonly ds: DataSource,
    private readonly projection: DocumentProjection<ProductDto>,
  ) {
    super();
  }

  async findBySku(tenantId: string, sku: string): Promise<StoredProduct | null> {
    if (!isResolvableIdentifier(sku)) return null;
    const rows: Array<{ stream_name: string; doc: ProductDto }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(`SELECT stream_name, doc FROM catalog.products WHERE tenant_id = $1 AND sku = $2`, [tenantId, sku]),
    );
    return rows[0] ? { product: rows[0].doc, streamName: rows[0].stream_name } : null;
  }

  findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: ProductDto; revision: number }>> {
    return documentsByStream<ProductDto>(this.ds, 'catalog.products', tenantId, streams);
  }

  listActive(tenantId: string, query: ProductListQuery): Promise<{ items: ProductDto[]; nextCursor: string | null }> {
    return asTenant(this.ds, tenantId, (sql) =>
      keysetPage<ProductDto>(
        sql,
        { table: 'catalog.products', where: ['tenant_id = $1', 'is_active'], params: [tenantId], limit: query.limit, cursor: query.cursor },
        encodeCursor,
      ),
    );
  }

  async activeSkus(tenantId: string, skus: readonly string[]): Promise<string[]> {
    const candidates = skus.filter(isResolvableIdentifier);
    if (candidates.length === 0) return [];
    const rows: Array<{ sku: string }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(`SELECT sku FROM catalog.products WHERE tenant_id = $1 AND sku = ANY($2::text[]) AND is_active`, [tenantId, candidates]),
    );
    return rows.map((r) => r.sku);
  }

  async skuStatus(tenantId: string, skus: readonly string[]): Promise<Record<string, 'active' | 'inactive'>> {
    const candidates = [...new Set(skus.filter(isResolvableIdentifier))];
    if (candidates.length === 0) return {};
    const rows: Array<{ sku: string; is_active: boolean }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(`SELECT sku, is_active FROM catalog.products WHERE tenant_id = $1 AND sku = ANY($2::text[])`, [tenantId, candidates]),
    );
    return Object.fromEntries(rows.map((r) => [r.sku, r.is_active ? 'active' : 'inactive']));
  }

  writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T>>): Promise<T> {
    return writeThenProject(this.ds, this.projection, tenantId, streamName, write);
  }
}
