import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { node, tracing } from '@opentelemetry/sdk-node';
import type { RecordedEvent } from '@datamingle/event-store';
import type { Sql } from '@datamingle/read-model';
import { EventPublisher, type OutgoingMessage } from './publisher';
import { KafkaRelay } from './relay';
import { contextOfTraceparent, spanContextOfTraceparent, traceparentOf } from './trace-context';

const REQUEST_SPAN = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

class RecordingPublisher extends EventPublisher {
  readonly sent: Array<{ topic: string; messages: OutgoingMessage[]; suppressed: boolean }> = [];
  fail: Error | null = null;
  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.sent.push({ topic, messages: [...messages], suppressed: isTracingSuppressed(context.active()) });
    if (this.fail) throw this.fail;
  }
  async close(): Promise<void> {}
}

let n = 0;
const event = (metadata: Record<string, unknown>): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  type: 'OrderCreated',
  data: {},
  metadata: { source: 'orders', tenant_id: 't', aggregate_id: 'o-1', ...metadata },
  streamName: 'order-o-1',
  revision: 0n,
  position: '1',
  recordedAt: new Date(),
});
const headersOf = (p: RecordingPublisher) => p.sent.flatMap((s) => s.messages.map((m) => m.headers['traceparent']));
const sql = {} as Sql;

describe('traceparent values', () => {
  it('reads valid ones only and writes them back unchanged', () => {
    expect(traceparentOf(spanContextOfTraceparent(REQUEST_SPAN)!)).toBe(REQUEST_SPAN);
    expect(spanContextOfTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future')).toMatchObject({ traceFlags: 0 });
    for (const bad of [undefined, 42, '', 'garbage', `ff${REQUEST_SPAN.slice(2)}`, `${REQUEST_SPAN}-x`, '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      expect(contextOfTraceparent(bad)).toBeUndefined();
    }
  });
});

describe('relay tracing off (no SDK registered)', () => {
  it('copies the metadata traceparent into the header as it is, and none when there is none', async () => {
    const publisher = new RecordingPublisher();
    await new KafkaRelay('order', 'cp', publisher, 'e2e').applyBatch(sql, [event({ traceparent: REQUEST_SPAN }), event({})]);
    expect(headersOf(publisher)).toEqual([REQUEST_SPAN, undefined]);
  });
});

describe('relay tracing on (in-memory exporter)', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register());
  afterAll(() => provider.shutdown());
  beforeEach(() => exporter.reset());

  it('publishes each traced event under a PRODUCER span child of its request, whose traceparent the message carries', async () => {
    const publisher = new RecordingPublisher();
    const other = '00-11111111111111111111111111111111-2222222222222222-01';
    await new KafkaRelay('order', 'cp', publisher, 'e2e').applyBatch(sql, [event({ traceparent: REQUEST_SPAN }), event({ traceparent: other }), event({})]);
    expect(publisher.sent).toHaveLength(1);
    // The kafkajs instrumentation stays out of it: one parent for the batch, and it would overwrite the headers.
    expect(publisher.sent[0]!.suppressed).toBe(true);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    const [first, second] = spans;
    expect(first!.name).toBe('send e2e.orders.events.v1');
    expect(first!.kind).toBe(SpanKind.PRODUCER);
    expect(first!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(first!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(first!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'e2e.orders.events.v1', 'messaging.message.id': publisher.sent[0]!.messages[0]!.headers['event-id'] });
    expect(second!.spanContext().traceId).toBe('11111111111111111111111111111111');
    expect(headersOf(publisher)).toEqual([traceparentOf(first!.spanContext()), traceparentOf(second!.spanContext()), undefined]);
  });

  it("one request's many events (a bulk write) are one PRODUCER span, whose traceparent all their messages carry", async () => {
    const publisher = new RecordingPublisher();
    await new KafkaRelay('order', 'cp', publisher, 'e2e').applyBatch(sql, [event({ traceparent: REQUEST_SPAN }), event({ traceparent: REQUEST_SPAN }), event({ traceparent: REQUEST_SPAN })]);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(spans[0]!.attributes['messaging.batch.message_count']).toBe(3);
    expect(spans[0]!.attributes['messaging.message.id']).toBeUndefined();
    expect(headersOf(publisher)).toEqual(Array(3).fill(traceparentOf(spans[0]!.spanContext())));
  });

  it('a failed publish ends its spans with an ERROR status', async () => {
    const publisher = new RecordingPublisher();
    publisher.fail = new Error('broker down');
    await expect(new KafkaRelay('order', 'cp', publisher, 'e2e').applyBatch(sql, [event({ traceparent: REQUEST_SPAN })])).rejects.toThrow('broker down');
    expect(exporter.getFinishedSpans().map((s) => s.status)).toEqual([{ code: SpanStatusCode.ERROR, message: 'broker down' }]);
  });
});
