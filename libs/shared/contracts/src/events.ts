import type { ServiceName } from './registry';

/**
 * The event type registry: explicit, stable type names with their schema versions.
 * Never derive a type name from a class name.
 */
export const EVENT_TYPES = {
  orders: { OrderCreated: 1, OrderUpdated: 1, OrderCancelled: 1 },
  catalog: { ProductCreated: 1, ProductUpdated: 1, ProductDeactivated: 1, ProductReactivated: 1 },
  inventory: { LocationCreated: 1, LocationUpdated: 1, LocationDeactivated: 1, LocationReactivated: 1, InventoryLevelSet: 1 },
} as const satisfies Record<ServiceName, Record<string, number>>;

export type OrderEventType = keyof typeof EVENT_TYPES.orders;
export type CatalogEventType = keyof typeof EVENT_TYPES.catalog;
export type InventoryEventType = keyof typeof EVENT_TYPES.inventory;

/** Metadata stored with every event (events.md). */
export interface EventMetadata {
  tenant_id: string;
  tenant: string;
  /** The service that wrote it (a service of the resource registry). */
  source: ServiceName;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  occurred_at: string;
  schema_version: number;
  correlation_id: string;
  causation_id: string;
  traceparent?: string;
  /** The API key whose request caused the event (id and name); absent for the platform's own changes. */
  api_key?: { id: string; name: string };
}

/** Where an event comes from: the owning service and the kind of record its stream holds. */
export interface EventSource {
  source: EventMetadata['source'];
  aggregateType: string;
  /** Schema versions of the source's event types. */
  schemaVersions: Readonly<Record<string, number>>;
}

/**
 * The metadata stored with every event a request causes (events.md): tenant, aggregate,
 * version, time and the request id as correlation and causation.
 */
export function eventMetadata(
  from: EventSource,
  request: { tenantId: string; tenantSlug: string; requestId: string; traceparent?: string; apiKey?: { id: string; name: string } },
  event: { type: string; aggregateId: string; aggregateVersion: number; occurredAt: string },
): Record<string, unknown> {
  const meta: EventMetadata = {
    tenant_id: request.tenantId,
    tenant: request.tenantSlug,
    source: from.source,
    aggregate_type: from.aggregateType,
    aggregate_id: event.aggregateId,
    aggregate_version: event.aggregateVersion,
    occurred_at: event.occurredAt,
    schema_version: from.schemaVersions[event.type] ?? 1,
    correlation_id: request.requestId,
    causation_id: request.requestId,
    ...(request.traceparent ? { traceparent: request.traceparent } : {}),
    ...(request.apiKey ? { api_key: { id: request.apiKey.id, name: request.apiKey.name } } : {}),
  };
  return { ...meta };
}
