/**
 * The event type registry: explicit, stable type names with their schema versions.
 * Never derive a type name from a class name.
 */
export const EVENT_TYPES = {
  orders: { OrderCreated: 1, OrderUpdated: 1, OrderCancelled: 1 },
  catalog: { ProductCreated: 1, ProductUpdated: 1, ProductDeactivated: 1, ProductReactivated: 1 },
} as const;

export type OrderEventType = keyof typeof EVENT_TYPES.orders;
export type CatalogEventType = keyof typeof EVENT_TYPES.catalog;

/** Metadata stored with every event (events.md). */
export interface EventMetadata {
  tenant_id: string;
  tenant: string;
  source: 'orders' | 'catalog' | 'inventory';
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  occurred_at: string;
  schema_version: number;
  correlation_id: string;
  causation_id: string;
  traceparent?: string;
}
