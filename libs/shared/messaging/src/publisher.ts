import { Kafka, logLevel, type Producer } from 'kafkajs';

export interface OutgoingMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Our port to the message broker, so the client can be swapped (e.g. for
 * @confluentinc/kafka-javascript) without touching the relay.
 */
export abstract class EventPublisher {
  /** Resolves once the broker acknowledged every message (acks from all in-sync replicas). */
  abstract publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  abstract close(): Promise<void>;
}

/**
 * kafkajs producer: acks from all in-sync replicas, one request in flight per broker so a retry
 * cannot reorder the messages of one key. Not idempotent (kafkajs's idempotent producer needs
 * broker features the test cluster lacks); consumers deduplicate by event id.
 */
export class KafkaJsPublisher extends EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(brokers: string[], clientId = 'datamingle') {
    super();
    const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    this.producer = kafka.producer({ allowAutoTopicCreation: true, maxInFlightRequests: 1, idempotent: false });
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    await this.connected;
    await this.producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
    this.connected = null;
  }
}
