/**
 * The Kafka mock cluster of the Kafka e2e specs (scripts/kafka-mock.sh, needs kcat) and a consumer
 * of the orders topic that records every arrival. Test support only (excluded from the gateway build).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

const ROOT = resolve(__dirname, '..', '..', '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'kafka-mock.sh');

/** One mock cluster: its directory is made when constructed (in the describe body), `stop` works even after a failed `start`. */
export class KafkaMock {
  private readonly dir = mkdtempSync(join(tmpdir(), 'kafka-mock-'));

  /** Starts `brokers` brokers and returns the bootstrap list (`host:port,...`). */
  start(brokers = 3): string {
    const bootstrap = execFileSync(SCRIPT, ['start', String(brokers)], { env: { ...process.env, KAFKA_MOCK_DIR: this.dir } })
      .toString()
      .trim();
    if (!bootstrap) throw new Error('the Kafka mock cluster did not start (is kcat installed? apt-get install kcat)');
    return bootstrap;
  }

  stop(): void {
    execFileSync(SCRIPT, ['stop'], { env: { ...process.env, KAFKA_MOCK_DIR: this.dir } });
  }
}

/** An order event as it arrived: event id, message key, aggregate version. */
export interface Arrival {
  id: string;
  key: string;
  version: number;
}

/**
 * A connected consumer (client id `prefix`, a fresh group) of `<prefix>.orders.events.v1` from the
 * beginning, pushing every message onto `arrivals`.
 */
export async function consumeOrderEvents(brokers: string[], prefix: string, arrivals: Arrival[]): Promise<Consumer> {
  const consumer = new Kafka({ clientId: prefix, brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `${prefix}-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    maxBytes: 50 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}.orders.events.v1`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const v = JSON.parse(message.value!.toString());
      arrivals.push({ id: v.id, key: message.key!.toString(), version: v.aggregate_version });
    },
  });
  return consumer;
}
