import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { currentRecords, documentHistory, recordRefsOf, reflects } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { InventoryRecordsQuery, LocationHistoryQuery, LocationRecordsQuery } from '../commands';
import { InventoryLevels, LocationReadModel } from '../ports';
import { inventoryStreamName } from '../streams';
import { LOCATIONS } from './location-records';

/** GET /locations/{code}/history/: the location's events with their changes, oldest first; 404 as its GET. */
@QueryHandler(LocationHistoryQuery)
export class LocationHistoryHandler implements IQueryHandler<LocationHistoryQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: LocationReadModel,
  ) {}

  execute({ request }: LocationHistoryQuery): Promise<ServiceReply> {
    return documentHistory(LOCATIONS, { store: this.store, readModel: this.readModel }, request);
  }
}

/** The change feed's current locations, by stream (gateway → inventory). */
@QueryHandler(LocationRecordsQuery)
export class LocationRecordsHandler implements IQueryHandler<LocationRecordsQuery> {
  constructor(private readonly readModel: LocationReadModel) {}

  execute({ request }: LocationRecordsQuery): Promise<ServiceReply> {
    return currentRecords(request, (tenantId, streams) => this.readModel.findByStreams(tenantId, streams), (location) => location.code);
  }
}

/**
 * The change feed's current inventory records: each ref names a location's inventory stream
 * (`inventory-<tenant>-<location id>`) and the SKU of the changed pair; `null` where the pair has
 * no record (or the stream is not one of the tenant's).
 */
@QueryHandler(InventoryRecordsQuery)
export class InventoryRecordsHandler implements IQueryHandler<InventoryRecordsQuery> {
  constructor(private readonly levels: InventoryLevels) {}

  async execute({ request }: InventoryRecordsQuery): Promise<ServiceReply> {
    const refs = recordRefsOf(request);
    if (refs === null) throw new TypeError('inventory.records: body.refs must be an array of at most 1000 {stream, sku} objects');
    const prefix = inventoryStreamName(request.tenantId, '');
    const pairs = refs.map((r) => (r.stream.startsWith(prefix) && r.sku !== undefined ? { locationId: r.stream.slice(prefix.length), sku: r.sku } : null));
    const wanted = pairs.filter((p): p is { locationId: string; sku: string } => p !== null && /^[0-9a-f-]{36}$/i.test(p.locationId));
    const found = await this.levels.findRecords(request.tenantId, wanted);
    const data = refs.map((ref, i) => {
      const p = pairs[i];
      const row = p ? found.get(`${p.locationId}|${p.sku}`) : undefined;
      // The inventory item route's identifier is the location code (inventory.md).
      return row === undefined || !reflects(ref, row.revision) ? null : { identifier: row.record.location_code, record: row.record };
    });
    return { ok: true, status: 200, data };
  }
}
