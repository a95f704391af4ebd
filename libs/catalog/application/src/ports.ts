import type { Written as WrittenDocument } from '@datamingle/application';
import type { ProductDto } from '@datamingle/contracts';

export { Clock, SystemClock } from '@datamingle/application';

export interface StoredProduct {
  product: ProductDto;
  streamName: string;
}

/** What a write stored: the stream revisions it appended and the product's document after them. */
export type Written<T> = WrittenDocument<T, ProductDto>;

export interface ProductListQuery {
  limit: number;
  cursor: { c: string; i: string } | null;
}

/** The catalog read model (PostgreSQL). Every method is tenant-scoped. */
export abstract class ProductReadModel {
  abstract findBySku(tenantId: string, sku: string): Promise<StoredProduct | null>;
  /** The change feed's current records: the documents of these streams (absent: no such product of the tenant). */
  abstract findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: ProductDto; revision: number }>>;
  /** Active products only, newest first. */
  abstract listActive(tenantId: string, query: ProductListQuery): Promise<{ items: ProductDto[]; nextCursor: string | null }>;
  abstract activeSkus(tenantId: string, skus: readonly string[]): Promise<string[]>;
  /** For each of `skus` that exists: whether its product is active. */
  abstract skuStatus(tenantId: string, skus: readonly string[]): Promise<Record<string, 'active' | 'inactive'>>;
  /** Runs `write` (an event-store append), then brings the stream's row up to date before returning. */
  abstract writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T>>): Promise<T>;
}
