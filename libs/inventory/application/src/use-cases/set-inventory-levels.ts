import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '@datamingle/application';
import { EVENT_TYPES, eventMetadata, type ServiceReply } from '@datamingle/contracts';
import { toValidationError } from '@datamingle/kernel';
import { bulkIdentifiers, inventoryLevelSetEvents, pairKey, parseBulkRows, planBulkSet, validateBulkRequest } from '@datamingle/inventory-domain';
import { SetInventoryLevelsCommand } from '../commands';
import { InventoryLevels, LocationReadModel, ProductDirectory } from '../ports';

const LEVELS = { source: 'inventory', aggregateType: 'inventory', schemaVersions: EVENT_TYPES.inventory } as const;

/** POST /inventory/bulk: sets the levels of many (location, SKU) pairs in one atomic write; 200 with the summary of created, updated and failed rows. */
@CommandHandler(SetInventoryLevelsCommand)
export class SetInventoryLevelsHandler implements ICommandHandler<SetInventoryLevelsCommand> {
  constructor(
    private readonly locations: LocationReadModel,
    private readonly products: ProductDirectory,
    private readonly levels: InventoryLevels,
    private readonly clock: Clock,
  ) {}

  async execute({ request }: SetInventoryLevelsCommand): Promise<ServiceReply> {
    const validated = validateBulkRequest(request.body);
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const { rows, source, notes } = validated.value;
    const parsed = parseBulkRows(rows);
    // One look-up per request for all locations and all products, not one per row.
    const { locationCodes, skus } = bulkIdentifiers(parsed);
    const [locations, products] = await Promise.all([
      this.locations.lookup(request.tenantId, locationCodes),
      this.products.skuStatus(request.tenantId, skus),
    ]);
    const activeLocationIds = [...new Set([...locations.values()].filter((l) => l.active).map((l) => l.id))];
    const pairs: Array<{ locationId: string; sku: string }> = [];
    const seenPairs = new Set<string>();
    for (const row of parsed) {
      if (row.locationCode === null || row.sku === null) continue;
      const location = locations.get(row.locationCode);
      if (!location?.active || products.get(row.sku) !== 'active') continue;
      const key = pairKey(row.locationCode, row.sku);
      if (!seenPairs.has(key)) {
        seenPairs.add(key);
        pairs.push({ locationId: location.id, sku: row.sku });
      }
    }
    const now = this.clock.now().toISOString();
    const summary = await this.levels.applyBulk(request.tenantId, activeLocationIds, pairs, {
      plan: (existing) => planBulkSet(parsed, { locations, products, existing }),
      event: (change) => {
        const [event] = inventoryLevelSetEvents([change], source, notes);
        return {
          type: event!.type,
          data: event!.data,
          // aggregate_version is set on append, once the stream's revision is known.
          metadata: eventMetadata(LEVELS, request, { type: event!.type, aggregateId: change.locationId, aggregateVersion: 0, occurredAt: now }),
        };
      },
    });
    return { ok: true, status: 200, data: summary };
  }
}
