import type { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { eventually, type Replica, type TestPlatform } from '@datamingle/testing';
import { aProductBody, expectCreated, startWithKey } from './testing-support/e2e-setup';
import { consumeOrderEvents, KafkaMock, type Arrival } from './testing-support/kafka-mock';

/**
 * Fault test (issue: events on Kafka): the process running the orders relay is killed while
 * 1,000 writes are in flight. A second orders replica takes the relay lease over. Afterwards
 * every stored event is on the topic (none skipped), per key the first deliveries are in
 * aggregate_version order, and duplicates are only re-deliveries (same id).
 */
describe('Kafka relay survives the death of its process', () => {
  const kafkaMock = new KafkaMock();
  let platform: TestPlatform;
  let replica: Replica | undefined;
  let consumer: Consumer;
  let key: string;
  const arrivals: Arrival[] = [];

  beforeAll(async () => {
    const bootstrap = kafkaMock.start();
    ({ platform, key } = await startWithKey(undefined, { platform: { env: { KAFKA_BROKERS: bootstrap, KAFKA_TOPIC_PREFIX: 'fault' } } }));
    await expectCreated(platform, key, 'products/', aProductBody('F-1'));
    // A second orders replica on its own ports: it waits for the relay lease.
    replica = await platform.startReplica('orders');
    consumer = await consumeOrderEvents(bootstrap.split(','), 'fault', arrivals);
  }, 90_000);

  afterAll(async () => {
    await replica?.kill('SIGKILL');
    await consumer?.disconnect();
    await platform?.stop();
    kafkaMock.stop();
  }, 60_000);

  it('publishes every stored event at least once and in order per key across a relay takeover', async () => {
    let next = 0;
    let done = 0;
    const create = async (i: number) => {
      // An ERP client: retries 503/504 with the same body; "already exists" means an earlier attempt won.
      for (let attempt = 0; attempt < 200; attempt++) {
        const r = await platform.request('POST', '/api/integrations/v1/orders/', {
          key,
          body: { order_number: `F-${i}`, items: [{ sku_code: 'F-1', quantity: 1 }] },
        });
        if (r.status === 201 || (r.status === 400 && /already exists/.test(r.body.error.message))) {
          if (i % 3 === 0) await platform.request('PUT', `/api/integrations/v1/orders/F-${i}/`, { key, body: { notes: `n-${i}` } });
          done++;
          return;
        }
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error(`order F-${i} could not be created`);
    };
    const writers = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 1000) await create(next++);
      }),
    );
    await eventually(() => expect(done).toBeGreaterThan(250), 60_000, 20);
    await platform.kill('orders'); // SIGKILL: the lease holder dies mid-flight
    await platform.start('orders');
    await writers;

    const db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    const { rows: stored } = await db.query<{ event_id: string }>(`SELECT event_id::text FROM event_store.events WHERE category = 'order'`);
    await db.end();
    expect(stored.length).toBeGreaterThanOrEqual(1000);
    await eventually(() => {
      const seen = new Set(arrivals.map((a) => a.id));
      expect(stored.filter((e) => !seen.has(e.event_id))).toEqual([]);
    }, 60_000, 200);

    // First deliveries per key in version order; later ones are re-deliveries of the same ids.
    const first = new Map<string, number[]>();
    const seen = new Set<string>();
    let duplicates = 0;
    for (const a of arrivals) {
      if (seen.has(a.id)) {
        duplicates++;
        continue;
      }
      seen.add(a.id);
      first.set(a.key, [...(first.get(a.key) ?? []), a.version]);
    }
    for (const [k, versions] of first) expect({ k, versions }).toEqual({ k, versions: versions.map((_, i) => i + 1) });
    expect(seen.size).toBe(stored.length);
    // Re-deliveries can only be events of batches whose checkpoint the dead process had not yet stored.
    expect(duplicates).toBeLessThanOrEqual(500);
  }, 180_000);
});
