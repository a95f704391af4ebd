import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { eventually, startTestPlatform, type TestPlatform } from '@datamingle/testing';
import { OrdersCopy, type OrderEventEnvelope } from './order-copy';

/**
 * The example consumer against the real platform publishing to Kafka (librdkafka's mock cluster):
 * its copy of each order, built from the topic alone, equals what the API returns.
 */
const ROOT = resolve(__dirname, '..', '..', '..');

describe('order-events-consumer keeps its own copy of orders', () => {
  const mockDir = mkdtempSync(join(tmpdir(), 'kafka-mock-'));
  let platform: TestPlatform;
  let consumer: Consumer;
  let key: string;
  const copy = new OrdersCopy();
  let tenantId: string;

  beforeAll(async () => {
    const bootstrap = execFileSync(join(ROOT, 'scripts', 'kafka-mock.sh'), ['start', '3'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } })
      .toString()
      .trim();
    if (!bootstrap) throw new Error('the Kafka mock cluster did not start (is kcat installed? apt-get install kcat)');
    platform = await startTestPlatform({ env: { KAFKA_BROKERS: bootstrap, KAFKA_TOPIC_PREFIX: 'example' } });
    tenantId = (await platform.createTenant('acme')).id;
    ({ key } = await platform.createKey('acme'));
    consumer = new Kafka({ clientId: 'example', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: `example-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'example.orders.events.v1', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void copy.apply(JSON.parse(message.value!.toString()) as OrderEventEnvelope) });
  }, 90_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await platform?.stop();
    execFileSync(join(ROOT, 'scripts', 'kafka-mock.sh'), ['stop'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } });
  }, 60_000);

  it('matches the API after create, updates and a cancellation', async () => {
    expect((await platform.request('POST', '/api/integrations/v1/products/', { key, body: { sku: 'EX-1' } })).status).toBe(201);
    const created = await platform.request('POST', '/api/integrations/v1/orders/', {
      key,
      body: { order_number: 'EX-ORD', external_order_id: 'EX-ERP', items: [{ sku_code: 'EX-1', quantity: 2 }] },
    });
    expect(created.status).toBe(201);
    await platform.request('PUT', '/api/integrations/v1/orders/EX-ERP/', { key, body: { notes: 'first', metadata: { a: 1 } } });
    await platform.request('PUT', '/api/integrations/v1/orders/EX-ERP/', { key, body: { customer_name: 'Acme', external_order_id: 'EX-ERP-2' } });
    await platform.request('DELETE', '/api/integrations/v1/orders/EX-ERP-2/', { key, body: { reason: 'changed mind' } });
    const api = (await platform.request('GET', '/api/integrations/v1/orders/EX-ORD/', { key })).body.data;
    await eventually(() => expect(copy.get(tenantId, created.body.data.id)).toEqual(api), 30_000, 100);
  }, 60_000);
});
