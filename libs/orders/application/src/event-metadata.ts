import { EVENT_TYPES, eventMetadata, type ServiceRequest } from '@datamingle/contracts';

const ORDERS = { source: 'orders', aggregateType: 'order', schemaVersions: EVENT_TYPES.orders } as const;

export function orderEventMetadata(
  request: ServiceRequest,
  eventType: string,
  orderId: string,
  aggregateVersion: number,
  occurredAt: string,
): Record<string, unknown> {
  return eventMetadata(ORDERS, request, { type: eventType, aggregateId: orderId, aggregateVersion, occurredAt });
}
