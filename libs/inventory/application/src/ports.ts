import type { Page, Written as WrittenDocument } from '@datamingle/application';
import type { InventoryBulkSummary, InventoryRecordDto, LocationDto } from '@datamingle/contracts';

export { Clock, SystemClock, type Page } from '@datamingle/application';

export interface StoredLocation {
  location: LocationDto;
  streamName: string;
}

export interface PageQuery {
  limit: number;
  cursor: { c: string; i: string } | null;
}

/** What a write stored: the stream revisions it appended and the location's document after them. */
export type Written<T> = WrittenDocument<T, LocationDto>;

/** The locations read model (PostgreSQL). Every method is tenant-scoped. */
export abstract class LocationReadModel {
  abstract findByCode(tenantId: string, code: string): Promise<StoredLocation | null>;
  abstract listActive(tenantId: string, query: PageQuery): Promise<Page<LocationDto>>;
  /** The change feed's current records: the documents of these streams (absent: no such location of the tenant). */
  abstract findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: LocationDto; revision: number }>>;
  /** id and active flag of each of `codes` that exists. */
  abstract lookup(tenantId: string, codes: readonly string[]): Promise<Map<string, { id: string; active: boolean }>>;
  /** Runs `write` (an event-store append), then brings the stream's row up to date before returning. */
  abstract writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T>>): Promise<T>;
}

/** One pair whose stored quantity a bulk request changes. */
export interface LevelChange {
  locationId: string;
  locationCode: string;
  sku: string;
  quantity: number;
  previousQuantity: number | null;
}

export interface BulkApplication {
  /** Called once the request holds the locks of its locations and knows their current levels. */
  plan(existing: Map<string, { quantity: number }>): { summary: InventoryBulkSummary; changes: LevelChange[] };
  /** The InventoryLevelSet event of one change (metadata without the aggregate version, set on append). */
  event(change: LevelChange): { type: string; data: unknown; metadata: Record<string, unknown> };
}

/** Inventory levels: the bulk write and the three lists. */
export abstract class InventoryLevels {
  /**
   * Applies one bulk request atomically: serializes with other writers of the same locations,
   * reads the current levels of `pairs`, plans, stores one InventoryLevelSet event per changed
   * pair and the read-model rows, and commits before returning the summary.
   */
  abstract applyBulk(
    tenantId: string,
    locationIds: readonly string[],
    pairs: ReadonlyArray<{ locationId: string; sku: string }>,
    application: BulkApplication,
  ): Promise<InventoryBulkSummary>;
  abstract list(tenantId: string, query: PageQuery): Promise<Page<InventoryRecordDto>>;
  /** The change feed's current inventory records of these (location id, SKU) pairs, keyed `<location id>|<sku>` (absent: no row). */
  abstract findRecords(tenantId: string, pairs: ReadonlyArray<{ locationId: string; sku: string }>): Promise<Map<string, { record: InventoryRecordDto; revision: number }>>;
  abstract listByLocation(tenantId: string, locationId: string, query: PageQuery): Promise<Page<InventoryRecordDto>>;
  abstract listBySku(tenantId: string, sku: string, query: PageQuery): Promise<Page<InventoryRecordDto>>;
}

/** Asks the catalog which SKUs exist and whether each is active. */
export abstract class ProductDirectory {
  abstract skuStatus(tenantId: string, skus: readonly string[]): Promise<Map<string, 'active' | 'inactive'>>;
}
