import { EVENT_TYPES, eventMetadata, type ServiceRequest } from '@datamingle/contracts';

/** Where order events come from: the source, aggregate type and schema versions of their metadata. */
export const ORDER_EVENTS = { source: 'orders', aggregateType: 'order', schemaVersions: EVENT_TYPES.orders } as const;

export function orderEventMetadata(
  request: ServiceRequest,
  eventType: string,
  orderId: string,
  aggregateVersion: number,
  occurredAt: string,
): Record<string, unknown> {
  return eventMetadata(ORDER_EVENTS, request, { type: eventType, aggregateId: orderId, aggregateVersion, occurredAt });
}
