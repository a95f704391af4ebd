import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { PostgresEventStore, postgresEventStoreMigration } from '@datamingle/event-store-adapters';
import { createReadModelDataSource, inTransaction, ProjectionRunner, runMigrationSets, sqlMigration } from '@datamingle/read-model';
import { createTestDatabase, eventually } from '@datamingle/testing';
import { KafkaJsPublisher } from './publisher';
import { KafkaRelay } from './relay';

/**
 * The relay against a Kafka-protocol broker: librdkafka's mock cluster (Debian package kcat,
 * installed by .ci/run). Without kcat this test fails: it cannot prove anything otherwise.
 */
const ROOT = resolve(__dirname, '..', '..', '..', '..');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Kafka relay (wire level, librdkafka mock cluster)', () => {
  const mockDir = mkdtempSync(join(tmpdir(), 'kafka-mock-'));
  let brokers: string[];
  let ds: DataSource;
  let store: PostgresEventStore;
  let publisher: KafkaJsPublisher;
  const tenantId = randomUUID();

  beforeAll(async () => {
    const bootstrap = execFileSync(join(ROOT, 'scripts', 'kafka-mock.sh'), ['start', '3'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } })
      .toString()
      .trim();
    if (!bootstrap) throw new Error('the Kafka mock cluster did not start (is kcat installed? apt-get install kcat)');
    brokers = bootstrap.split(',');
    const url = await createTestDatabase('relay');
    await runMigrationSets(url, [
      { name: 'event_store', migrations: [sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')])] },
      { name: 'relaytest', migrations: [sqlMigration('RelayTest1764100009000', [`CREATE SCHEMA relaytest`, `CREATE TABLE relaytest.checkpoints (projection text PRIMARY KEY, position text NOT NULL)`])] },
    ]);
    ds = createReadModelDataSource({ url, poolSize: 2, restricted: false });
    await ds.initialize();
    store = new PostgresEventStore({ pool: new Pool({ connectionString: url, max: 4 }) });
    publisher = new KafkaJsPublisher(brokers, 'relay-test');
  }, 30_000);

  afterAll(async () => {
    await publisher?.close();
    await store?.close();
    await ds?.destroy();
    execFileSync(join(ROOT, 'scripts', 'kafka-mock.sh'), ['stop'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } });
  });

  it('publishes every stored event with the envelope, key and headers of events.md, in order per key, once per checkpoint', async () => {
    const orders = [randomUUID(), randomUUID()];
    for (const [i, orderId] of orders.entries()) {
      const stream = `order-${tenantId}-${i}`;
      for (let v = 1; v <= 3; v++) {
        await store.appendToStream(
          stream,
          [{ id: randomUUID(), type: v === 1 ? 'OrderCreated' : 'OrderUpdated', data: { n: v }, metadata: { tenant_id: tenantId, tenant: 'acme', source: 'orders', aggregate_type: 'order', aggregate_id: orderId, aggregate_version: v, occurred_at: new Date().toISOString(), schema_version: 1, correlation_id: `req-${i}-${v}`, causation_id: `req-${i}-${v}`, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } }],
          { expectedRevision: v === 1 ? 'no_stream' : BigInt(v - 2) },
        );
      }
    }
    const relay = new KafkaRelay('order', 'relaytest.checkpoints', publisher, 'test');
    const runner = new ProjectionRunner(ds, store, relay, silent);
    await runner.catchUpNow();
    const stored = await store.readAll({ maxCount: 100, categories: ['order'] });
    expect(await relay.readCheckpoint(ds)).toBe(stored[stored.length - 1]!.position);
    // A second pass finds nothing new to publish.
    await runner.catchUpNow();

    const kafka = new Kafka({ clientId: 'relay-test-consumer', brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `relay-test-${randomUUID()}` });
    const received: Array<{ key: string; value: Record<string, unknown>; headers: Record<string, string>; partition: number }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'test.orders.events.v1', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        received.push({
          key: message.key!.toString(),
          value: JSON.parse(message.value!.toString()),
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          partition,
        });
      },
    });
    try {
      await eventually(() => expect(received).toHaveLength(6), 30_000, 100);
    } finally {
      await consumer.disconnect();
    }
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const m of received) {
      const e = byId.get(m.value['id'] as string)!;
      expect(e).toBeDefined();
      expect(Object.keys(m.value)).toEqual([
        'id', 'type', 'schema_version', 'source', 'tenant_id', 'tenant', 'aggregate_type', 'aggregate_id',
        'aggregate_version', 'occurred_at', 'correlation_id', 'causation_id', 'data',
      ]);
      expect(m.value).toMatchObject({ type: e.type, source: 'orders', tenant_id: tenantId, tenant: 'acme', aggregate_type: 'order', aggregate_version: Number(e.revision) + 1, data: e.data });
      expect(m.key).toBe(`${tenantId}:${m.value['aggregate_id']}`);
      expect(m.headers).toEqual({
        'event-id': e.id,
        'event-type': e.type,
        'tenant-id': tenantId,
        'schema-version': '1',
        'content-type': 'application/json',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
    }
    for (const orderId of orders) {
      const versions = received.filter((m) => m.value['aggregate_id'] === orderId).map((m) => m.value['aggregate_version']);
      expect(versions).toEqual([1, 2, 3]);
    }
    expect(new Set(received.map((m) => m.value['id'])).size).toBe(6);
    // The checkpoint and the events live in one database: nothing is left unpublished.
    expect(await inTransaction(ds, (sql) => sql.query(`SELECT count(*)::int AS n FROM relaytest.checkpoints`))).toEqual([{ n: 1 }]);
  }, 60_000);
});
