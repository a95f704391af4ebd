import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { eventually, type TestPlatform } from '@datamingle/testing';
import { aProductBody, expectCreated, startWithKey } from './testing-support/e2e-setup';
import { consumeOrderEvents, KafkaMock, type Arrival } from './testing-support/kafka-mock';

/**
 * Fault test (issue: events on Kafka): the brokers become unreachable for 30 s while orders are
 * written. The outage is made at the network level (iptables drops the mock brokers' ports: the
 * mock cluster itself cannot be stopped and resumed). Afterwards every stored event is on the
 * topic, first deliveries per key are in version order, and repeats are re-deliveries of the same
 * ids. Needs root and iptables (.ci/run installs it).
 */
const OUTAGE_MS = 30_000;

function dropPorts(ports: string[], action: '-I' | '-D'): void {
  for (const port of ports) {
    execFileSync('iptables', [action, 'INPUT', '-p', 'tcp', '--dport', port, '-j', 'DROP']);
    execFileSync('iptables', [action, 'INPUT', '-p', 'tcp', '--sport', port, '-j', 'DROP']);
  }
}

describe('Kafka publication survives a 30-second broker outage', () => {
  const kafkaMock = new KafkaMock();
  let platform: TestPlatform;
  let brokers: string[];
  let key: string;
  let blocked: string[] = [];

  beforeAll(async () => {
    const bootstrap = kafkaMock.start();
    brokers = bootstrap.split(',');
    ({ platform, key } = await startWithKey(undefined, { platform: { env: { KAFKA_BROKERS: bootstrap, KAFKA_TOPIC_PREFIX: 'outage' } } }));
    await expectCreated(platform, key, 'products/', aProductBody('O-1'));
  }, 90_000);

  afterAll(async () => {
    if (blocked.length > 0) dropPorts(blocked, '-D');
    await platform?.stop();
    kafkaMock.stop();
  }, 60_000);

  it('publishes every event stored during the outage once the brokers are back, in order per key', async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; writing || i < 50; i++) {
        const r = await platform.request('POST', '/api/integrations/v1/orders/', { key, body: { order_number: `O-${i}`, items: [{ sku_code: 'O-1', quantity: 1 }] } });
        expect(r.status).toBe(201); // the API does not depend on the broker
        if (i % 4 === 0) await platform.request('PUT', `/api/integrations/v1/orders/O-${i}/`, { key, body: { notes: `n-${i}` } });
        written++;
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    await eventually(() => expect(written).toBeGreaterThan(20), 30_000, 20);
    const ports = brokers.map((b) => b.split(':')[1]!);
    dropPorts(ports, '-I');
    blocked = ports;
    await new Promise((res) => setTimeout(res, OUTAGE_MS));
    dropPorts(ports, '-D');
    blocked = [];
    writing = false;
    await writer;

    const db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    const { rows: stored } = await db.query<{ event_id: string }>(`SELECT event_id::text FROM event_store.events WHERE category = 'order'`);
    await db.end();

    // A fresh consumer group reads the whole topic after the outage.
    const arrivals: Arrival[] = [];
    const consumer = await consumeOrderEvents(brokers, 'outage', arrivals);
    try {
      await eventually(() => {
        const seen = new Set(arrivals.map((a) => a.id));
        expect(stored.filter((e) => !seen.has(e.event_id))).toEqual([]);
      }, 90_000, 250);
    } finally {
      await consumer.disconnect();
    }
    const first = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const a of arrivals) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      first.set(a.key, [...(first.get(a.key) ?? []), a.version]);
    }
    for (const [k, versions] of first) expect({ k, versions }).toEqual({ k, versions: versions.map((_, i) => i + 1) });
    expect(seen.size).toBe(stored.length);
  }, 240_000);
});
