import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_TYPES, eventMetadata, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import { decideAndAppend, EventStore, replyFor, uuidv7, WrongExpectedVersionError } from '@datamingle/event-store';
import { notFoundError, toValidationError } from '@datamingle/kernel';
import {
  bulkIdentifiers,
  decideLocation,
  duplicateLocationError,
  evolveLocation,
  inventoryLevelSetEvents,
  initialLocationState,
  locationDecider,
  locationRepresentation,
  notFoundLocation,
  pairKey,
  parseBulkRows,
  planBulkSet,
  validateBulkRequest,
  validateCreateLocation,
  validateInventoryItemQuery,
  validateInventoryListQuery,
  validateLocationListQuery,
  validateUpdateLocation,
  type LocationCommand,
} from '@datamingle/inventory-domain';
import {
  CreateLocationCommand,
  DeactivateLocationCommand,
  GetInventoryQuery,
  GetLocationQuery,
  ListInventoryQuery,
  ListLocationsQuery,
  SetInventoryLevelsCommand,
  UpdateLocationCommand,
} from './commands';
import { Clock, InventoryLevels, LocationReadModel, ProductDirectory } from './ports';
import { locationStreamName } from './streams';

const LOCATIONS = { source: 'inventory', aggregateType: 'location', schemaVersions: EVENT_TYPES.inventory } as const;
const LEVELS = { source: 'inventory', aggregateType: 'inventory', schemaVersions: EVENT_TYPES.inventory } as const;

const locationMetadata = (request: ServiceRequest, type: string, locationId: string, version: number, now: string) =>
  eventMetadata(LOCATIONS, request, { type, aggregateId: locationId, aggregateVersion: version, occurredAt: now });

@CommandHandler(CreateLocationCommand)
export class CreateLocationHandler implements ICommandHandler<CreateLocationCommand> {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: LocationReadModel,
    private readonly clock: Clock,
  ) {}

  async execute({ request }: CreateLocationCommand): Promise<ServiceReply> {
    const validated = validateCreateLocation(request.body);
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const input = validated.value;
    // Natural-key uniqueness is a business rule for locations (409 DUPLICATE), checked after field validation.
    if (await this.readModel.findByCode(request.tenantId, input.code)) return { ok: false, error: duplicateLocationError() };
    const now = this.clock.now().toISOString();
    const locationId = randomUUID();
    const decision = decideLocation({ type: 'CreateLocation', data: { input, locationId, now } }, initialLocationState());
    if (!decision.ok) return { ok: false, error: decision.error };
    let state = initialLocationState();
    for (const e of decision.value) state = evolveLocation(state, e);
    const doc = locationRepresentation(state);
    const streamName = locationStreamName(request.tenantId, input.code);
    try {
      await this.readModel.writeAndProject(request.tenantId, streamName, async () => {
        const appended = await this.store.appendToStream(
          streamName,
          decision.value.map((e, i) => ({ id: uuidv7(), type: e.type, data: e.data, metadata: locationMetadata(request, e.type, locationId, i + 1, now) })),
          { expectedRevision: 'no_stream' },
        );
        return { result: appended, appended: { fromRevision: 0n, toRevision: appended.nextExpectedRevision, doc } };
      });
    } catch (error) {
      // The code's stream exists: a concurrent or earlier create won.
      if (error instanceof WrongExpectedVersionError) return { ok: false, error: duplicateLocationError() };
      throw error;
    }
    return { ok: true, status: 201, data: doc };
  }
}

abstract class ExistingLocationHandler {
  constructor(
    protected readonly store: EventStore,
    protected readonly readModel: LocationReadModel,
    protected readonly clock: Clock,
  ) {}

  protected async apply(request: ServiceRequest, streamName: string, locationId: string, command: LocationCommand, now: string): Promise<ServiceReply> {
    const outcome = await this.readModel.writeAndProject(request.tenantId, streamName, () =>
      decideAndAppend(this.store, streamName, locationDecider, command, (e, version) => locationMetadata(request, e.type, locationId, version, now), locationRepresentation),
    );
    return replyFor(outcome, locationRepresentation);
  }
}

@CommandHandler(UpdateLocationCommand)
export class UpdateLocationHandler extends ExistingLocationHandler implements ICommandHandler<UpdateLocationCommand> {
  constructor(store: EventStore, readModel: LocationReadModel, clock: Clock) {
    super(store, readModel, clock);
  }

  async execute({ request }: UpdateLocationCommand): Promise<ServiceReply> {
    const found = await this.readModel.findByCode(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundLocation(request.identifier ?? '') };
    const validated = validateUpdateLocation(request.body, found.location);
    if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
    const now = this.clock.now().toISOString();
    return this.apply(request, found.streamName, found.location.id, { type: 'UpdateLocation', data: { input: validated.value, now } }, now);
  }
}

@CommandHandler(DeactivateLocationCommand)
export class DeactivateLocationHandler extends ExistingLocationHandler implements ICommandHandler<DeactivateLocationCommand> {
  constructor(store: EventStore, readModel: LocationReadModel, clock: Clock) {
    super(store, readModel, clock);
  }

  async execute({ request }: DeactivateLocationCommand): Promise<ServiceReply> {
    const found = await this.readModel.findByCode(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundLocation(request.identifier ?? '') };
    const now = this.clock.now().toISOString();
    return this.apply(request, found.streamName, found.location.id, { type: 'DeactivateLocation', data: { now } }, now);
  }
}

@QueryHandler(GetLocationQuery)
export class GetLocationHandler implements IQueryHandler<GetLocationQuery> {
  constructor(private readonly readModel: LocationReadModel) {}

  async execute({ request }: GetLocationQuery): Promise<ServiceReply> {
    const found = await this.readModel.findByCode(request.tenantId, request.identifier ?? '');
    if (!found) return { ok: false, error: notFoundLocation(request.identifier ?? '') };
    return { ok: true, status: 200, data: found.location };
  }
}

@QueryHandler(ListLocationsQuery)
export class ListLocationsHandler implements IQueryHandler<ListLocationsQuery> {
  constructor(private readonly readModel: LocationReadModel) {}

  async execute({ request }: ListLocationsQuery): Promise<ServiceReply> {
    const query = validateLocationListQuery(request.query);
    if (!query.ok) return { ok: false, error: query.error };
    const page = await this.readModel.listActive(request.tenantId, query.value);
    return { ok: true, status: 200, data: page.items, pagination: { limit: query.value.limit, next_cursor: page.nextCursor } };
  }
}

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

@QueryHandler(ListInventoryQuery)
export class ListInventoryHandler implements IQueryHandler<ListInventoryQuery> {
  constructor(private readonly levels: InventoryLevels) {}

  async execute({ request }: ListInventoryQuery): Promise<ServiceReply> {
    const query = validateInventoryListQuery(request.query);
    if (!query.ok) return { ok: false, error: query.error };
    const page = await this.levels.list(request.tenantId, query.value);
    return { ok: true, status: 200, data: page.items, pagination: { limit: query.value.limit, next_cursor: page.nextCursor } };
  }
}

@QueryHandler(GetInventoryQuery)
export class GetInventoryHandler implements IQueryHandler<GetInventoryQuery> {
  constructor(
    private readonly locations: LocationReadModel,
    private readonly products: ProductDirectory,
    private readonly levels: InventoryLevels,
  ) {}

  async execute({ request }: GetInventoryQuery): Promise<ServiceReply> {
    const query = validateInventoryItemQuery(request.query);
    if (!query.ok) return { ok: false, error: query.error };
    const identifier = request.identifier ?? '';
    if (query.value.by === 'sku') {
      const status = await this.products.skuStatus(request.tenantId, [identifier]);
      if (!status.has(identifier)) return { ok: false, error: notFoundError('Product', identifier) };
      const page = await this.levels.listBySku(request.tenantId, identifier, query.value);
      return { ok: true, status: 200, data: page.items, pagination: { limit: query.value.limit, next_cursor: page.nextCursor } };
    }
    const location = await this.locations.findByCode(request.tenantId, identifier);
    if (!location) return { ok: false, error: notFoundLocation(identifier) };
    const page = await this.levels.listByLocation(request.tenantId, location.location.id, query.value);
    return { ok: true, status: 200, data: page.items, pagination: { limit: query.value.limit, next_cursor: page.nextCursor } };
  }
}

export const INVENTORY_HANDLERS = [
  CreateLocationHandler,
  UpdateLocationHandler,
  DeactivateLocationHandler,
  GetLocationHandler,
  ListLocationsHandler,
  SetInventoryLevelsHandler,
  ListInventoryHandler,
  GetInventoryHandler,
];
