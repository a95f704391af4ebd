import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { Pool } from 'pg';
import { WrongExpectedVersionError } from '@datamingle/event-store';
import { createTestDatabase } from '@datamingle/testing';
import { commitPostgresTransaction, PostgresEventStore } from './postgres-event-store';

/** The adapter's appends run under an `event-store append` span (child of the request's span), when an SDK is registered. */
describe('PostgreSQL event store: append spans', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  const tracer = trace.getTracer('spec');
  let store: PostgresEventStore;
  const newEvent = () => ({ id: randomUUID(), type: 'OrderCreated', data: {}, metadata: {} });

  beforeAll(async () => {
    provider.register();
    store = new PostgresEventStore({ pool: new Pool({ connectionString: await createTestDatabase('append_span'), max: 2 }), schema: 'es_spans' });
    await store.ensureSchema();
  });
  afterAll(async () => {
    await store.close();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());

  const appendSpans = () => exporter.getFinishedSpans().filter((s) => s.name === 'event-store append');

  it('appendToStream, appendToStreams and the in-transaction appends each have one span under the active span', async () => {
    const stream = `order-${randomUUID()}`;
    const other = `order-${randomUUID()}`;
    const request = await tracer.startActiveSpan('orders.create', async (span) => {
      await store.appendToStream(stream, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      await store.appendToStreams([{ streamName: other, events: [newEvent()], expectedRevision: 'no_stream' }]);
      const client = await (store as unknown as { pool: Pool }).pool.connect();
      try {
        await client.query('BEGIN');
        await store.appendToStreamInTransaction(client, stream, [newEvent()], { expectedRevision: 1n });
        await store.appendToStreamsInTransaction(client, [{ streamName: other, events: [newEvent(), newEvent()] }]);
        await commitPostgresTransaction(client);
      } finally {
        client.release();
      }
      span.end();
      return span;
    });
    const spans = appendSpans();
    expect(spans.map((s) => [s.attributes['event_store.stream'], s.attributes['event_store.stream_count'], s.attributes['event_store.events']])).toEqual([
      [stream, 1, 2],
      [other, 1, 1],
      [stream, 1, 1],
      [other, 1, 2],
    ]);
    for (const s of spans) {
      expect(s.kind).toBe(SpanKind.CLIENT);
      expect(s.attributes['db.system.name']).toBe('postgresql');
      expect(s.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    }
  });

  it('a multi-stream append counts its streams and names none', async () => {
    const streams = [`order-${randomUUID()}`, `order-${randomUUID()}`, `order-${randomUUID()}`];
    await store.appendToStreams(streams.map((streamName) => ({ streamName, events: [newEvent()], expectedRevision: 'no_stream' as const })));
    const [span] = appendSpans();
    expect(span?.attributes).toMatchObject({ 'event_store.stream_count': 3, 'event_store.events': 3 });
    expect(span?.attributes['event_store.stream']).toBeUndefined();
  });

  it('a refused append is an ERROR span; an append of no events has none', async () => {
    const stream = `order-${randomUUID()}`;
    await expect(store.appendToStream(stream, [newEvent()], { expectedRevision: 5n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await store.appendToStream(stream, [], { expectedRevision: 'any' });
    expect(appendSpans().map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR]);
  });
});
