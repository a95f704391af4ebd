import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { eventually, type TestPlatform } from '@datamingle/testing';
import { startWithKey } from './testing-support/e2e-setup';
import { KafkaMock } from './testing-support/kafka-mock';

/**
 * With KAFKA_BROKERS set, every event stored by orders, catalog and inventory appears on its
 * service's topic (spec/events.md), read back by a consumer group. Broker: librdkafka's mock
 * cluster from Debian's kcat (installed by .ci/run).
 */
describe('events published on Kafka', () => {
  const kafkaMock = new KafkaMock();
  let platform: TestPlatform;
  let key: string;
  let consumer: Consumer;
  const received = new Map<string, { topic: string; key: string; value: Record<string, unknown>; headers: Record<string, string> }>();

  beforeAll(async () => {
    const bootstrap = kafkaMock.start();
    ({ platform, key } = await startWithKey(undefined, { platform: { env: { KAFKA_BROKERS: bootstrap, KAFKA_TOPIC_PREFIX: 'e2e' } } }));
    const kafka = new Kafka({ clientId: 'e2e-consumer', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `e2e-${randomUUID()}` });
    await consumer.connect();
    for (const topic of ['e2e.orders.events.v1', 'e2e.catalog.events.v1', 'e2e.inventory.events.v1']) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = JSON.parse(message.value!.toString());
        received.set(value.id, {
          topic,
          key: message.key!.toString(),
          value,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
  }, 90_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await platform?.stop();
    kafkaMock.stop();
  }, 60_000);

  it('every stored event appears on its topic with the envelope, key and headers of the spec', async () => {
    const ok = (r: { status: number }, status: number) => expect(r.status).toBe(status);
    ok(await platform.request('POST', '/api/integrations/v1/products/', { key, body: { sku: 'K-1' } }), 201);
    ok(await platform.request('POST', '/api/integrations/v1/locations/', { key, body: { code: 'K-LOC' } }), 201);
    ok(await platform.request('POST', '/api/integrations/v1/orders/', { key, body: { order_number: 'K-ORD', items: [{ sku_code: 'K-1', quantity: 1 }] } }), 201);
    ok(await platform.request('PUT', '/api/integrations/v1/orders/K-ORD/', { key, body: { notes: 'n' } }), 200);
    ok(await platform.request('DELETE', '/api/integrations/v1/orders/K-ORD/', { key, body: { reason: 'r' } }), 200);
    ok(await platform.request('POST', '/api/integrations/v1/inventory/', { key, body: { inventory: [{ location_code: 'K-LOC', sku_code: 'K-1', quantity: 5 }] } }), 200);
    ok(await platform.request('DELETE', '/api/integrations/v1/products/K-1/', { key }), 200);

    const db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    const { rows: stored } = await db.query<{ event_id: string; event_type: string; stream_revision: string; category: string }>(
      `SELECT event_id::text, event_type, stream_revision::text, category FROM event_store.events ORDER BY global_position`,
    );
    await db.end();
    expect(stored.map((e) => e.event_type).sort()).toEqual(
      ['InventoryLevelSet', 'LocationCreated', 'OrderCancelled', 'OrderCreated', 'OrderUpdated', 'ProductCreated', 'ProductDeactivated'].sort(),
    );
    await eventually(() => expect(received.size).toBe(stored.length), 30_000, 100);

    const topicOf: Record<string, string> = { order: 'e2e.orders.events.v1', product: 'e2e.catalog.events.v1', location: 'e2e.inventory.events.v1', inventory: 'e2e.inventory.events.v1' };
    for (const e of stored) {
      const m = received.get(e.event_id)!;
      expect(m.topic).toBe(topicOf[e.category]);
      expect(m.value['type']).toBe(e.event_type);
      expect(m.value['aggregate_version']).toBe(Number(e.stream_revision) + 1);
      expect(m.value['tenant']).toBe('acme');
      expect(m.key).toBe(`${m.value['tenant_id']}:${m.value['aggregate_id']}`);
      expect(m.headers['event-id']).toBe(e.event_id);
      expect(m.headers['event-type']).toBe(e.event_type);
      expect(m.headers['content-type']).toBe('application/json');
    }
    const orderEvents = [...received.values()].filter((m) => m.topic === 'e2e.orders.events.v1').sort((a, b) => (a.value['aggregate_version'] as number) - (b.value['aggregate_version'] as number));
    expect(orderEvents.map((m) => m.value['type'])).toEqual(['OrderCreated', 'OrderUpdated', 'OrderCancelled']);
    expect(orderEvents[0]!.value['data']).toMatchObject({ order_number: 'K-ORD', status: 'pending' });
    expect(orderEvents[2]!.value['data']).toMatchObject({ status: 'cancelled', reason: 'r' });
  }, 60_000);
});
