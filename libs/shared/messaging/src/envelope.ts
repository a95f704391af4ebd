import type { RecordedEvent } from '@datamingle/event-store';

/** The JSON value of a published event (spec/events.md). */
export interface EventEnvelope {
  id: string;
  type: string;
  schema_version: number;
  source: string;
  tenant_id: string;
  tenant: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  occurred_at: string;
  correlation_id: string;
  causation_id: string;
  data: unknown;
}

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/** Topic of a source service: `<prefix>.<source>.events.v1`. */
export function topicOf(prefix: string, source: string): string {
  return `${prefix}.${source}.events.v1`;
}

/** The envelope, key and headers of one stored event. The aggregate version is the stream revision + 1. */
export function toMessage(event: RecordedEvent): { source: string; key: string; value: string; headers: Record<string, string> } {
  const m = event.metadata;
  const envelope: EventEnvelope = {
    id: event.id,
    type: event.type,
    schema_version: typeof m['schema_version'] === 'number' ? m['schema_version'] : 1,
    source: str(m['source'], 'unknown'),
    tenant_id: str(m['tenant_id'], ''),
    tenant: str(m['tenant'], ''),
    aggregate_type: str(m['aggregate_type'], ''),
    aggregate_id: str(m['aggregate_id'], ''),
    aggregate_version: Number(event.revision + 1n),
    occurred_at: str(m['occurred_at'], event.recordedAt.toISOString()),
    correlation_id: str(m['correlation_id'], ''),
    causation_id: str(m['causation_id'], ''),
    data: event.data,
  };
  const headers: Record<string, string> = {
    'event-id': envelope.id,
    'event-type': envelope.type,
    'tenant-id': envelope.tenant_id,
    'schema-version': String(envelope.schema_version),
    'content-type': 'application/json',
  };
  if (typeof m['traceparent'] === 'string') headers['traceparent'] = m['traceparent'];
  return { source: envelope.source, key: `${envelope.tenant_id}:${envelope.aggregate_id}`, value: JSON.stringify(envelope), headers };
}
