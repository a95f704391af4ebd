import { EVENT_TYPES } from '@datamingle/contracts';

type Json = Record<string, unknown>;

const uuid = { type: 'string', format: 'uuid' };
const datetime = { type: 'string', format: 'date-time' };
const nullableString = { type: ['string', 'null'] };

/** `data` of each event type (spec/events.md); *Created carries the record's API representation. */
const PAYLOADS: Record<string, Json> = {
  OrderCreated: { type: 'object', description: 'The full order, as GET /api/integrations/v1/orders/{identifier}/ returns it (see the OpenAPI document, schema Order).' },
  OrderUpdated: {
    type: 'object',
    required: ['changes', 'updated_at'],
    properties: { changes: { type: 'object', description: 'Changed header fields with their new values.' }, updated_at: datetime },
  },
  OrderCancelled: {
    type: 'object',
    required: ['status', 'reason', 'previous_status', 'updated_at'],
    properties: { status: { const: 'cancelled' }, reason: nullableString, previous_status: { type: 'string' }, updated_at: datetime },
  },
  ProductCreated: { type: 'object', description: 'The full product, as the API returns it (OpenAPI schema Product).' },
  ProductUpdated: { type: 'object', required: ['changes', 'updated_at'], properties: { changes: { type: 'object' }, updated_at: datetime } },
  ProductDeactivated: { type: 'object', required: ['is_active', 'updated_at'], properties: { is_active: { const: false }, updated_at: datetime } },
  ProductReactivated: { type: 'object', required: ['is_active', 'updated_at'], properties: { is_active: { const: true }, updated_at: datetime } },
  LocationCreated: { type: 'object', description: 'The full location, as the API returns it (OpenAPI schema Location).' },
  LocationUpdated: { type: 'object', required: ['changes', 'updated_at'], properties: { changes: { type: 'object' }, updated_at: datetime } },
  LocationDeactivated: { type: 'object', required: ['is_active', 'updated_at'], properties: { is_active: { const: false }, updated_at: datetime } },
  LocationReactivated: { type: 'object', required: ['is_active', 'updated_at'], properties: { is_active: { const: true }, updated_at: datetime } },
  InventoryLevelSet: {
    type: 'object',
    required: ['location_id', 'location_code', 'sku_code', 'quantity', 'previous_quantity', 'source', 'notes'],
    properties: {
      location_id: uuid,
      location_code: { type: 'string' },
      sku_code: { type: 'string' },
      quantity: { type: 'integer', minimum: 0 },
      previous_quantity: { type: ['integer', 'null'], minimum: 0 },
      source: { enum: ['bulk_import', 'manual_adjustment', 'erp_sync', 'initial_load'] },
      notes: nullableString,
    },
  },
};

const AGGREGATE_TYPE: Record<string, string> = { Order: 'order', Product: 'product', Location: 'location', InventoryLevelSet: 'inventory' };

function envelope(type: string, source: string, schemaVersion: number): Json {
  const aggregateType = Object.entries(AGGREGATE_TYPE).find(([prefix]) => type.startsWith(prefix))?.[1] ?? 'unknown';
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', 'schema_version', 'source', 'tenant_id', 'tenant', 'aggregate_type', 'aggregate_id', 'aggregate_version', 'occurred_at', 'correlation_id', 'causation_id', 'data'],
    properties: {
      id: { ...uuid, description: 'Unique event id: deduplicate by it.' },
      type: { const: type },
      schema_version: { const: schemaVersion },
      source: { const: source },
      tenant_id: uuid,
      tenant: { type: 'string', description: 'The tenant slug.' },
      aggregate_type: { const: aggregateType },
      aggregate_id: { ...uuid, description: aggregateType === 'inventory' ? "The location's id (one stream per location)." : "The record's id." },
      aggregate_version: { type: 'integer', minimum: 1, description: "1 for the record's first event, +1 for each further event." },
      occurred_at: datetime,
      correlation_id: { type: 'string', description: 'X-Request-ID of the request that caused the event.' },
      causation_id: { type: 'string' },
      data: PAYLOADS[type] ?? { type: 'object' },
    },
  };
}

/**
 * The AsyncAPI 3.0 document of the published events, generated from the event type registry
 * (`EVENT_TYPES`): one channel per service topic, one message per event type.
 */
export function buildAsyncApiDocument(topicPrefix = 'datamingle'): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const [source, types] of Object.entries(EVENT_TYPES)) {
    const channelMessages: Json = {};
    for (const [type, version] of Object.entries(types)) {
      messages[type] = {
        name: type,
        title: type,
        contentType: 'application/json',
        headers: {
          type: 'object',
          required: ['event-id', 'event-type', 'tenant-id', 'schema-version', 'content-type'],
          properties: {
            'event-id': uuid,
            'event-type': { const: type },
            'tenant-id': uuid,
            'schema-version': { const: String(version) },
            'content-type': { const: 'application/json' },
            traceparent: { type: 'string', description: 'W3C trace context: with tracing on, the publication span in the trace of the request that stored the event; with tracing off, the request\'s own traceparent when it carried a valid one.' },
          },
        },
        payload: envelope(type, source, version),
        bindings: { kafka: { key: { type: 'string', description: '<tenant_id>:<aggregate_id>' } } },
      };
      channelMessages[type] = { $ref: `#/components/messages/${type}` };
    }
    channels[source] = {
      address: `${topicPrefix}.${source}.events.v1`,
      description: `Every event stored by the ${source} service, keyed <tenant_id>:<aggregate_id>, in order per key, at least once.`,
      messages: channelMessages,
    };
    operations[`receive${source[0]!.toUpperCase()}${source.slice(1)}Events`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${source}` },
      messages: Object.keys(channelMessages).map((t) => ({ $ref: `#/channels/${source}/messages/${t}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Datamingle events',
      version: '1.0.0',
      description: 'Events the platform publishes on Kafka when KAFKA_BROKERS is set (spec/events.md). Consumers deduplicate by id.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
