import type { Written as WrittenDocument } from '@datamingle/application';
import type { OrderDto, OrderStatus } from '@datamingle/contracts';

export { Clock, SystemClock } from '@datamingle/application';

export interface StoredOrder {
  order: OrderDto;
  streamName: string;
}

export interface OrderListQuery {
  limit: number;
  cursor: { c: string; i: string } | null;
  statuses: OrderStatus[] | null;
  updatedSince: string | null;
}

/** A claim on an external_order_id, held while a write that sets it is stored and projected. */
export interface ExternalIdClaim {
  externalOrderId: string;
  /** The order that may already hold it (updates of that order keep their own id). */
  exceptOrderId?: string;
}

/** The orders' eligible identifier fields (identifiers.md §1). */
export type OrderIdentifierField = 'order_number' | 'external_order_id';

export type ClaimedWrite<T> = { taken: true } | { taken: false; result: T };

/** What a write stored: the stream revisions it appended and the order's document after them. */
export type Written<T> = WrittenDocument<T, OrderDto>;

/** The orders read model (PostgreSQL). Every method is tenant-scoped. */
export abstract class OrderReadModel {
  /** Only `field` when given (a partner key's identifier field, identifiers.md §2.2); else external_order_id first, then order_number (§3). */
  abstract findByIdentifier(tenantId: string, identifier: string, field?: OrderIdentifierField): Promise<StoredOrder | null>;
  abstract keysTaken(
    tenantId: string,
    keys: { orderNumber?: string; externalOrderId?: string },
    exceptOrderId?: string,
  ): Promise<{ order_number: boolean; external_order_id: boolean }>;
  /** The change feed's current records: the documents of these streams (absent: no such order of the tenant). */
  abstract findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: OrderDto; revision: number }>>;
  abstract list(tenantId: string, query: OrderListQuery): Promise<{ items: OrderDto[]; nextCursor: string | null }>;
  /**
   * Runs `write` (which appends to the event store), then brings the stream's read-model row
   * up to date before returning, so the caller can answer with read-your-writes. With a claim,
   * the check that no other order holds the external_order_id, the write and the projection
   * happen under one lock on that value, so of two racing writes exactly one gets it.
   */
  abstract writeAndProject<T>(
    tenantId: string,
    streamName: string,
    claim: ExternalIdClaim | null,
    write: () => Promise<Written<T>>,
  ): Promise<ClaimedWrite<T>>;
}

/** Asks the catalog which SKUs are active products of the tenant. */
export abstract class ProductCatalog {
  abstract activeSkus(tenantId: string, skus: readonly string[]): Promise<Set<string>>;
}
