import type { InventoryBulkSummary, InventoryRecordDto } from '@datamingle/contracts';
import { uuidv7, type EventStore } from '@datamingle/event-store';
import { pairKey } from '@datamingle/inventory-domain';
import { InventoryLevels, ProductDirectory, type BulkApplication, type LevelChange, type Page, type PageQuery } from '../ports';
import { inventoryStreamName } from '../streams';

interface Level {
  tenantId: string;
  locationId: string;
  record: InventoryRecordDto;
  /** The revision, in the location's inventory stream, of the event the record reflects. */
  revision: number;
}

/**
 * The inventory levels of pg-inventory-levels.ts, in memory: applyBulk plans against the stored
 * levels of the request's pairs, appends one InventoryLevelSet event per change to the location's
 * inventory stream (aggregate_version set on append) and keeps the levels. Lists are in
 * (location code, SKU) order, one page (no cursor).
 */
export class InMemoryInventoryLevels extends InventoryLevels {
  private readonly levels = new Map<string, Level>();

  constructor(private readonly store: EventStore) {
    super();
  }

  async applyBulk(
    tenantId: string,
    _locationIds: readonly string[],
    pairs: ReadonlyArray<{ locationId: string; sku: string }>,
    application: BulkApplication,
  ): Promise<InventoryBulkSummary> {
    const existing = new Map<string, { quantity: number }>();
    for (const p of pairs) {
      const level = this.levels.get(this.key(tenantId, p.locationId, p.sku));
      if (level) existing.set(pairKey(level.record.location_code, p.sku), { quantity: level.record.quantity });
    }
    const { summary, changes } = application.plan(existing);
    const byLocation = new Map<string, LevelChange[]>();
    for (const c of changes) byLocation.set(c.locationId, [...(byLocation.get(c.locationId) ?? []), c]);
    for (const [locationId, group] of byLocation) {
      const streamName = inventoryStreamName(tenantId, locationId);
      const stored = (await this.store.readStream(streamName)).length;
      await this.store.appendToStream(
        streamName,
        group.map((c, i) => {
          const event = application.event(c);
          return { id: uuidv7(), ...event, metadata: { ...event.metadata, aggregate_version: stored + i + 1 } };
        }),
        { expectedRevision: stored === 0 ? 'no_stream' : BigInt(stored - 1) },
      );
      for (const [i, c] of group.entries()) {
        const updatedAt = String(application.event(c).metadata['occurred_at']);
        this.levels.set(this.key(tenantId, locationId, c.sku), {
          tenantId,
          locationId,
          revision: stored + i,
          record: { location_code: c.locationCode, sku_code: c.sku, quantity: c.quantity, updated_at: updatedAt },
        });
      }
    }
    return summary;
  }

  async findRecords(tenantId: string, pairs: ReadonlyArray<{ locationId: string; sku: string }>): Promise<Map<string, { record: InventoryRecordDto; revision: number }>> {
    const found = new Map<string, { record: InventoryRecordDto; revision: number }>();
    for (const p of pairs) {
      const level = this.levels.get(this.key(tenantId, p.locationId, p.sku));
      if (level) found.set(`${p.locationId}|${p.sku}`, { record: { ...level.record }, revision: level.revision });
    }
    return found;
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<InventoryRecordDto>> {
    return this.page(tenantId, () => true, query);
  }

  async listByLocation(tenantId: string, locationId: string, query: PageQuery): Promise<Page<InventoryRecordDto>> {
    return this.page(tenantId, (l) => l.locationId === locationId, query);
  }

  async listBySku(tenantId: string, sku: string, query: PageQuery): Promise<Page<InventoryRecordDto>> {
    return this.page(tenantId, (l) => l.record.sku_code === sku, query);
  }

  private page(tenantId: string, matches: (level: Level) => boolean, query: PageQuery): Page<InventoryRecordDto> {
    const records = [...this.levels.values()]
      .filter((l) => l.tenantId === tenantId && matches(l))
      .map((l) => ({ ...l.record }))
      .sort((a, b) => pairKey(a.location_code, a.sku_code).localeCompare(pairKey(b.location_code, b.sku_code)));
    return { items: records.slice(0, query.limit), nextCursor: null };
  }

  private key(tenantId: string, locationId: string, sku: string): string {
    return `${tenantId}\u0000${locationId}\u0000${sku}`;
  }
}

/** The catalog as inventory sees it, in memory: the SKUs the test says exist, active or not. */
export class InMemoryProductDirectory extends ProductDirectory {
  readonly products = new Map<string, 'active' | 'inactive'>();

  async skuStatus(_tenantId: string, skus: readonly string[]): Promise<Map<string, 'active' | 'inactive'>> {
    return new Map(skus.flatMap((sku) => (this.products.has(sku) ? [[sku, this.products.get(sku)!] as const] : [])));
  }
}
