import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { DataSource } from 'typeorm';
import type { RecordedEvent } from '@datamingle/event-store';
import { readProjectionCheckpoint, writeProjectionCheckpoint, type CatchUpProjection, type Sql } from '@datamingle/read-model';
import { toMessage, topicOf } from './envelope';
import type { EventPublisher, OutgoingMessage } from './publisher';
import { contextOfTraceparent, recordFailure, traceparentOf } from './trace-context';

const tracer = trace.getTracer('@datamingle/messaging');

/**
 * Publishes the events of one stream category to Kafka, in the event store's global order. It
 * runs under the same machinery as projections (ProjectionRunner: a lease so one replica
 * publishes, a checkpoint moved in the same transaction as the batch is handled): the batch is
 * published and acknowledged by the broker before the checkpoint moves, so every event is
 * published at least once; one key's events stay in order (one category per relay, sends awaited
 * in order, one request in flight). Consumers deduplicate by event id.
 *
 * Tracing (@opentelemetry/api; no-op without an SDK): the events whose metadata carries a
 * `traceparent` (the request that stored them) are published under a PRODUCER span `send <topic>`
 * per request — one per distinct `traceparent` in a send, child of that request's span, from the
 * send until the broker's acknowledgement (a bulk request's thousands of events make one span, not
 * thousands) — and their messages' `traceparent` header is that span's. Without a recording span
 * (tracing off, or not sampled) the header is the metadata's `traceparent` as stored. The kafkajs
 * instrumentation is suppressed around the send: it would give the whole batch one parent (the
 * relay's) and overwrite the headers.
 */
export class KafkaRelay implements CatchUpProjection {
  readonly spec: { name: string; category: string; checkpointTable: string; table: string };

  constructor(
    category: string,
    checkpointTable: string,
    private readonly publisher: EventPublisher,
    private readonly topicPrefix: string,
  ) {
    this.spec = { name: `relay:kafka:${category}`, category, checkpointTable, table: '' };
  }

  async applyBatch(_sql: Sql, events: readonly RecordedEvent[]): Promise<void> {
    // Consecutive runs per topic, in order (a category normally maps to one topic).
    let topic: string | null = null;
    let run: OutgoingMessage[] = [];
    for (const event of events) {
      const { source, ...message } = toMessage(event);
      const t = topicOf(this.topicPrefix, source);
      if (topic !== null && t !== topic) {
        await this.send(topic, run);
        run = [];
      }
      topic = t;
      run.push(message);
    }
    if (topic !== null) await this.send(topic, run);
  }

  private async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const spans = publishSpans(topic, messages);
    try {
      await context.with(suppressTracing(context.active()), () => this.publisher.publish(topic, messages));
    } catch (error) {
      for (const span of spans) recordFailure(span, error);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  into(): CatchUpProjection {
    throw new Error('a relay is not rebuilt; replay by resetting its checkpoint');
  }

  readCheckpoint(qr: Sql | DataSource): Promise<string | null> {
    return readProjectionCheckpoint(qr, this.spec.checkpointTable, this.spec.name);
  }

  writeCheckpoint(sql: Sql, position: string): Promise<void> {
    return writeProjectionCheckpoint(sql, this.spec.checkpointTable, this.spec.name, position);
  }
}

/**
 * The PRODUCER spans of one send: one per request, i.e. per distinct valid `traceparent` among the
 * messages (their metadata's), child of it; a recording span becomes those messages' header.
 * None for messages stored outside a trace.
 */
function publishSpans(topic: string, messages: readonly OutgoingMessage[]): Span[] {
  const byParent = new Map<string, OutgoingMessage[]>();
  for (const message of messages) {
    const traceparent = message.headers['traceparent'];
    if (traceparent === undefined) continue;
    const group = byParent.get(traceparent);
    if (group) group.push(message);
    else byParent.set(traceparent, [message]);
  }
  const spans: Span[] = [];
  for (const [traceparent, group] of byParent) {
    const parent = contextOfTraceparent(traceparent);
    if (!parent) continue;
    const only = group.length === 1 ? group[0]! : undefined;
    const span = tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': topic,
          ...(only
            ? { 'messaging.message.id': only.headers['event-id'] ?? '', 'messaging.kafka.message.key': only.key }
            : { 'messaging.batch.message_count': group.length }),
        },
      },
      parent,
    );
    if (span.isRecording()) {
      const header = traceparentOf(span.spanContext());
      for (const message of group) message.headers['traceparent'] = header;
    }
    spans.push(span);
  }
  return spans;
}
