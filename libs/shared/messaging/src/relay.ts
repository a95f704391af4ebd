import type { DataSource } from 'typeorm';
import type { RecordedEvent } from '@datamingle/event-store';
import { readProjectionCheckpoint, writeProjectionCheckpoint, type CatchUpProjection, type Sql } from '@datamingle/read-model';
import { toMessage, topicOf } from './envelope';
import type { EventPublisher, OutgoingMessage } from './publisher';

/**
 * Publishes the events of one stream category to Kafka, in the event store's global order. It
 * runs under the same machinery as projections (ProjectionRunner: a lease so one replica
 * publishes, a checkpoint moved in the same transaction as the batch is handled): the batch is
 * published and acknowledged by the broker before the checkpoint moves, so every event is
 * published at least once; one key's events stay in order (one category per relay, sends awaited
 * in order, one request in flight). Consumers deduplicate by event id.
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
        await this.publisher.publish(topic, run);
        run = [];
      }
      topic = t;
      run.push(message);
    }
    if (topic !== null) await this.publisher.publish(topic, run);
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
