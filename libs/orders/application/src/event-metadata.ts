import { EVENT_TYPES, type EventMetadata, type ServiceRequest } from '@datamingle/contracts';

export function orderEventMetadata(
  request: ServiceRequest,
  eventType: string,
  orderId: string,
  aggregateVersion: number,
  occurredAt: string,
): Record<string, unknown> {
  const meta: EventMetadata = {
    tenant_id: request.tenantId,
    tenant: request.tenantSlug,
    source: 'orders',
    aggregate_type: 'order',
    aggregate_id: orderId,
    aggregate_version: aggregateVersion,
    occurred_at: occurredAt,
    schema_version: EVENT_TYPES.orders[eventType as keyof typeof EVENT_TYPES.orders] ?? 1,
    correlation_id: request.requestId,
    causation_id: request.requestId,
    ...(request.traceparent ? { traceparent: request.traceparent } : {}),
  };
  return { ...meta };
}
