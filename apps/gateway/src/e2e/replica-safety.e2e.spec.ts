import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import {
  eventually,
  startTestPlatform,
  withApplicationName,
  type ApiRequestOptions,
  type ApiResponse,
  type Replica,
  type ServiceName,
  type TestPlatform,
} from '@datamingle/testing';

/**
 * Replica safety (issue acceptance): two processes of every service (replica sets A and B: each
 * its own gateway → orders, catalog, inventory; orders and inventory → their catalog) against
 * one database.
 *
 * - Commands through both gateways at once succeed without duplicates: racing creates of one
 *   natural key give exactly one success and one stored event; racing updates store exactly one
 *   event per 2xx and lose none; overlapping inventory bulk writes give one event per changed
 *   row with an unbroken previous → new chain; a write through one replica is read through the
 *   other at once.
 * - Subscriptions run once: every catch-up projection and Kafka relay lease (a PostgreSQL
 *   advisory lock) is held by one process of its service — observed in pg_locks joined with
 *   pg_stat_activity, each process connecting with its own application_name — and every stored
 *   event is on Kafka exactly once.
 * - Takeover: SIGKILL of A's services (the lease holders) while writes continue through B: B's
 *   processes take every lease over, and every event written afterwards reaches the checkpoints
 *   of the projections and relays, the topics and the API.
 * - A holder whose lease connection is lost while its process keeps running stops at once:
 *   every lease has one holder again and nothing is published twice.
 */
const ROOT = resolve(__dirname, '..', '..', '..', '..');
const V1 = '/api/integrations/v1';
const PREFIX = 'replica';
const SERVICES = ['orders', 'catalog', 'inventory'] as const;
type Service = (typeof SERVICES)[number];
const TOPIC: Record<string, string> = {
  order: `${PREFIX}.orders.events.v1`,
  product: `${PREFIX}.catalog.events.v1`,
  location: `${PREFIX}.inventory.events.v1`,
  inventory: `${PREFIX}.inventory.events.v1`,
};
/** Every lease (ProjectionRunner: advisory lock on hashtextextended('projection:<name>', 0)), its owner and its category. */
const LEASES: ReadonlyArray<{ name: string; service: Service; category: string }> = [
  { name: 'orders.orders', service: 'orders', category: 'order' },
  { name: 'relay:kafka:order', service: 'orders', category: 'order' },
  { name: 'catalog.products', service: 'catalog', category: 'product' },
  { name: 'relay:kafka:product', service: 'catalog', category: 'product' },
  { name: 'inventory.locations', service: 'inventory', category: 'location' },
  { name: 'inventory.levels', service: 'inventory', category: 'inventory' },
  { name: 'relay:kafka:location', service: 'inventory', category: 'location' },
  { name: 'relay:kafka:inventory', service: 'inventory', category: 'inventory' },
];
const appName = (set: 'a' | 'b', service: ServiceName) => `replica-${set}-${service}`;

type Call = (method: string, path: string, options?: ApiRequestOptions) => Promise<ApiResponse>;

describe('replica safety: two processes of every service on one database', () => {
  const mockDir = mkdtempSync(join(tmpdir(), 'kafka-mock-'));
  let platform: TestPlatform;
  let b: Record<ServiceName, Replica>;
  let db: Client;
  let consumer: Consumer;
  let admin: Admin;
  let key: string;
  /** [gateway A, gateway B] */
  let gw: [Call, Call];
  const arrivals: Array<{ topic: string; id: string }> = [];

  const q = async <R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> => (await db.query<R>(text, params)).rows;

  /** Lease name → the backends holding its advisory lock in this database (application_name, pid). */
  const leaseHolders = async (): Promise<Map<string, Array<{ app: string; pid: number }>>> => {
    const rows = await q<{ name: string; app: string | null; pid: number | null }>(
      `SELECT n.name, a.application_name AS app, l.pid
         FROM unnest($1::text[]) AS n(name)
         LEFT JOIN pg_locks l
           ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint = (hashtextextended('projection:' || n.name, 0) >> 32) & 4294967295
          AND l.objid::bigint = hashtextextended('projection:' || n.name, 0) & 4294967295
         LEFT JOIN pg_stat_activity a ON a.pid = l.pid`,
      [LEASES.map((l) => l.name)],
    );
    const out = new Map<string, Array<{ app: string; pid: number }>>(LEASES.map((l) => [l.name, []]));
    for (const r of rows) if (r.pid !== null) out.get(r.name)!.push({ app: r.app ?? '', pid: r.pid });
    return out;
  };
  /** Asserts that each lease is held by exactly one backend, of the given replica set's process of its service; returns lease → backend pid. */
  const expectLeasesHeldBy = async (set: 'a' | 'b'): Promise<Map<string, number>> => {
    const holders = await leaseHolders();
    expect(Object.fromEntries([...holders].map(([name, hs]) => [name, hs.map((h) => h.app)]))).toEqual(
      Object.fromEntries(LEASES.map((l) => [l.name, [appName(set, l.service)]])),
    );
    return new Map([...holders].map(([name, hs]) => [name, hs[0]!.pid]));
  };
  /** Asserts that every projection's and relay's checkpoint is the position of the last stored event of its category. */
  const expectCheckpointsCaughtUp = async () => {
    const last = await q<{ category: string; position: string }>(
      `SELECT category, max(lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 20, '0')) AS position
         FROM event_store.events GROUP BY category`,
    );
    const checkpoints = await q<{ projection: string; position: string }>(
      SERVICES.map((s) => `SELECT projection, position FROM ${s}.projection_checkpoints`).join(' UNION ALL '),
    );
    const lastOf = new Map(last.map((r) => [r.category, r.position]));
    const at = new Map(checkpoints.map((r) => [r.projection, r.position]));
    expect(Object.fromEntries(LEASES.map((l) => [l.name, at.get(l.name)]))).toEqual(Object.fromEntries(LEASES.map((l) => [l.name, lastOf.get(l.category)])));
  };
  /** Asserts that every stored event is on its topic exactly once and nothing else is (all topic contents counted by the broker's high watermarks). */
  const expectEveryEventOnKafkaOnce = async () => {
    const stored = await q<{ id: string; category: string }>(`SELECT event_id::text AS id, category FROM event_store.events`);
    expect(stored.length).toBeGreaterThan(0);
    const counts = async () => {
      let onTopics = 0;
      for (const topic of new Set(Object.values(TOPIC))) onTopics += (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      expect({ onTopics, consumed: arrivals.length }).toEqual({ onTopics: stored.length, consumed: stored.length });
    };
    await eventually(counts, 30_000, 200);
    // ... and it stays so for two idle cycles of the relays (a second publisher would add copies meanwhile).
    for (const until = Date.now() + 2_500; Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 250));
      await counts();
    }
    const topicOf = new Map(arrivals.map((a) => [a.id, a.topic]));
    expect(topicOf.size).toBe(arrivals.length); // no id twice
    expect(stored.filter((e) => topicOf.get(e.id) !== TOPIC[e.category])).toEqual([]);
  };
  const created = async (call: Call, path: string, body: unknown) => {
    const r = await call('POST', path, { key, body });
    expect({ path, body, status: r.status }).toEqual({ path, body, status: 201 });
    return r.body.data;
  };
  const statusCount = (rs: ApiResponse[]) => rs.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
  /** `n` requests at once, alternating between the two gateways. */
  const race = (n: number, send: (call: Call, i: number) => Promise<ApiResponse>) => Promise.all(Array.from({ length: n }, (_, i) => send(gw[i % 2]!, i)));

  beforeAll(async () => {
    const bootstrap = execFileSync(join(ROOT, 'scripts', 'kafka-mock.sh'), ['start', '3'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } })
      .toString()
      .trim();
    if (!bootstrap) throw new Error('the Kafka mock cluster did not start (is kcat installed? apt-get install kcat)');
    platform = await startTestPlatform({
      env: { KAFKA_BROKERS: bootstrap, KAFKA_TOPIC_PREFIX: PREFIX },
      serviceEnv: (service, env) => ({ DATABASE_URL: withApplicationName(env['DATABASE_URL']!, appName('a', service)) }),
    });
    db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    // Set A alone holds every lease before set B exists.
    await eventually(() => expectLeasesHeldBy('a'), 30_000, 100);
    b = await platform.startReplicaSet({ env: (service) => ({ DATABASE_URL: withApplicationName(platform.databaseUrl, appName('b', service)) }) });
    await platform.createTenant('acme');
    ({ key } = await platform.createKey('acme'));
    gw = [(m, p, o) => platform.request(m, V1 + p, o), (m, p, o) => b.gateway.request(m, V1 + p, o)];

    const kafka = new Kafka({ clientId: 'replica-safety', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    consumer = kafka.consumer({ groupId: `replica-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    for (const topic of new Set(Object.values(TOPIC))) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void arrivals.push({ topic, id: JSON.parse(message.value!.toString()).id }) });
  }, 120_000);

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await platform?.stop();
    execFileSync(join(ROOT, 'scripts', 'kafka-mock.sh'), ['stop'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } });
  }, 60_000);

  it('connections of every process carry its own application_name (the lease holders are told apart by it)', async () => {
    const apps = (await q<{ app: string }>(`SELECT DISTINCT application_name AS app FROM pg_stat_activity WHERE datname = current_database()`)).map((r) => r.app);
    for (const set of ['a', 'b'] as const) for (const s of [...SERVICES, 'gateway'] as const) expect(apps).toContain(appName(set, s));
    expect(apps.filter((a) => /^datamingle-/.test(a))).toEqual([]);
  });

  it('a write through one replica set is read through the other at once', async () => {
    for (let i = 0; i < 4; i++) {
      const [one, other] = i % 2 === 0 ? gw : [gw[1], gw[0]];
      const product = await created(one, '/products/', { sku: `RW-P-${i}`, quantity: i });
      expect((await other('GET', `/products/RW-P-${i}/`, { key })).body).toEqual({ success: true, data: product });
      const location = await created(one, '/locations/', { code: `RW-L-${i}` });
      expect((await other('GET', `/locations/RW-L-${i}/`, { key })).body).toEqual({ success: true, data: location });
      // The other set's orders and inventory ask the other set's catalog about the product just created.
      const order = await created(other, '/orders/', { order_number: `RW-O-${i}`, items: [{ sku_code: `RW-P-${i}`, quantity: 2 }] });
      expect((await one('GET', `/orders/RW-O-${i}/`, { key })).body).toEqual({ success: true, data: order });
      const bulk = await other('POST', '/inventory/', { key, body: { inventory: [{ location_code: `RW-L-${i}`, sku_code: `RW-P-${i}`, quantity: 7 }] } });
      expect(bulk.body?.data).toEqual({ total: 1, created: 1, updated: 0, failed: 0, errors: [] });
      const levels = await one('GET', `/inventory/RW-L-${i}/`, { key });
      expect(levels.body.data.map((r: { sku_code: string; quantity: number }) => [r.sku_code, r.quantity])).toEqual([[`RW-P-${i}`, 7]]);
      const put = await one('PUT', `/products/RW-P-${i}/`, { key, body: { name: `renamed ${i}` } });
      expect(put.status).toBe(200);
      expect((await other('GET', `/products/RW-P-${i}/`, { key })).body.data).toEqual(put.body.data);
    }
  }, 60_000);

  it('racing creates of one natural key through both gateways: exactly one success and one stored event', async () => {
    await created(gw[0], '/products/', { sku: 'DUP-ITEM' });
    const n = 12;

    const orders = await race(n, (call) => call('POST', '/orders/', { key, body: { order_number: 'DUP-ORD', items: [{ sku_code: 'DUP-ITEM', quantity: 1 }] } }));
    expect(statusCount(orders)).toEqual({ 201: 1, 400: n - 1 });
    for (const r of orders.filter((x) => x.status === 400)) {
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { order_number: ['An order with this order_number already exists.'] } });
    }
    const externals = await race(n, (call, i) =>
      call('POST', '/orders/', { key, body: { order_number: `DUP-EXT-${i}`, external_order_id: 'EXT-DUP', items: [{ sku_code: 'DUP-ITEM', quantity: 1 }] } }),
    );
    expect(statusCount(externals)).toEqual({ 201: 1, 400: n - 1 });
    for (const r of externals.filter((x) => x.status === 400)) {
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { external_order_id: ['An order with this external_order_id already exists.'] } });
    }
    const products = await race(n, (call) => call('POST', '/products/', { key, body: { sku: 'DUP-SKU' } }));
    expect(statusCount(products)).toEqual({ 201: 1, 409: n - 1 });
    for (const r of products.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('DUPLICATE');
    const locations = await race(n, (call) => call('POST', '/locations/', { key, body: { code: 'DUP-LOC' } }));
    expect(statusCount(locations)).toEqual({ 201: 1, 409: n - 1 });
    for (const r of locations.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('DUPLICATE');

    const events = await q<{ type: string; id: string }>(
      `SELECT event_type AS type, metadata->>'aggregate_id' AS id FROM event_store.events
        WHERE (event_type = 'OrderCreated' AND (data->>'order_number' = 'DUP-ORD' OR data->>'external_order_id' = 'EXT-DUP'))
           OR (event_type = 'ProductCreated' AND data->>'sku' = 'DUP-SKU')
           OR (event_type = 'LocationCreated' AND data->>'code' = 'DUP-LOC')
        ORDER BY global_position`,
    );
    const winner = (rs: ApiResponse[]) => rs.find((r) => r.status === 201)!.body.data.id;
    expect(events.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [
        { type: 'OrderCreated', id: winner(orders) },
        { type: 'OrderCreated', id: winner(externals) },
        { type: 'ProductCreated', id: winner(products) },
        { type: 'LocationCreated', id: winner(locations) },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    // Both replica sets read the winner.
    for (const call of gw) {
      expect((await call('GET', '/orders/DUP-ORD/', { key })).body.data.id).toBe(winner(orders));
      expect((await call('GET', '/orders/EXT-DUP/', { key })).body.data.id).toBe(winner(externals));
      expect((await call('GET', '/products/DUP-SKU/', { key })).body.data.id).toBe(winner(products));
      expect((await call('GET', '/locations/DUP-LOC/', { key })).body.data.id).toBe(winner(locations));
    }
  }, 60_000);

  it('racing updates through both gateways: one stored event per 2xx, none lost, the last one applied is the state', async () => {
    const order = await created(gw[0], '/orders/', { order_number: 'UPD-ORD', items: [{ sku_code: 'DUP-ITEM', quantity: 1 }] });
    const product = await created(gw[1], '/products/', { sku: 'UPD-SKU', quantity: 1 });
    const n = 16;
    const cases = [
      { path: '/orders/UPD-ORD/', id: order.id, type: 'OrderUpdated', field: 'notes', value: (i: number) => `note-${i}` },
      { path: '/products/UPD-SKU/', id: product.id, type: 'ProductUpdated', field: 'quantity', value: (i: number) => 1000 + i },
    ];
    for (const c of cases) {
      const responses = await race(n, (call, i) => call('PUT', c.path, { key, body: { [c.field]: c.value(i) } }));
      // 409 CONFLICT is the spec's answer when retries run out; it must have changed nothing.
      expect(responses.filter((r) => r.status !== 200 && r.status !== 409).map((r) => r.text)).toEqual([]);
      const ok = responses.filter((r) => r.status === 200);
      expect(ok.length).toBeGreaterThan(0);
      const applied = ok.map((r) => r.body.data[c.field]);
      const sent = responses.map((_, i) => c.value(i)).filter((_, i) => responses[i]!.status === 200);
      expect(applied).toEqual(sent);
      const events = await q<{ type: string; revision: string; value: unknown }>(
        `SELECT event_type AS type, stream_revision::text AS revision, data->'changes'->'${c.field}' AS value
           FROM event_store.events WHERE metadata->>'aggregate_id' = $1 ORDER BY stream_revision`,
        [c.id],
      );
      // Revision 0 is the creation; then exactly one update event per 200, in an unbroken sequence.
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: ok.length + 1 }, (_, i) => String(i)));
      expect(events.slice(1).every((e) => e.type === c.type)).toBe(true);
      expect(events.slice(1).map((e) => e.value).sort()).toEqual([...applied].sort());
      const last = events[events.length - 1]!.value;
      for (const call of gw) expect((await call('GET', c.path, { key })).body.data[c.field]).toEqual(last);
    }
  }, 60_000);

  it('overlapping inventory bulk writes through both gateways: one event per changed row, consistent final levels', async () => {
    const locations = ['INV-L1', 'INV-L2'];
    const skus = ['INV-P1', 'INV-P2', 'INV-P3', 'INV-P4', 'INV-P5'];
    for (const [i, code] of locations.entries()) await created(gw[i % 2]!, '/locations/', { code });
    for (const [i, sku] of skus.entries()) await created(gw[i % 2]!, '/products/', { sku });
    const pairs = locations.flatMap((l) => skus.map((s) => ({ location_code: l, sku_code: s })));
    const n = 8;
    // Request k sets every pair to 100 + k (a value no other request uses), rows rotated so that requests overlap in a different order.
    const responses = await race(n, (call, k) =>
      call('POST', '/inventory/', {
        key,
        body: { inventory: pairs.map((_, j) => ({ ...pairs[(j + k) % pairs.length]!, quantity: 100 + k })), source: 'erp_sync' },
      }),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(n).fill(200));
    const summaries = responses.map((r) => r.body.data);
    expect(summaries.every((s) => s.total === pairs.length && s.failed === 0 && s.created + s.updated === pairs.length)).toBe(true);
    expect(summaries.reduce((sum, s) => sum + s.created, 0)).toBe(pairs.length); // each pair created exactly once

    const events = await q<{ location: string; sku: string; quantity: number; previous: number | null }>(
      `SELECT data->>'location_code' AS location, data->>'sku_code' AS sku, (data->>'quantity')::int AS quantity, (data->>'previous_quantity')::int AS previous
         FROM event_store.events WHERE event_type = 'InventoryLevelSet' AND data->>'location_code' = ANY($1)
        ORDER BY stream_name, stream_revision`,
      [locations],
    );
    // Every row of every request changed its pair's value: exactly one event each, none duplicated.
    expect(events).toHaveLength(n * pairs.length);
    for (const call of gw) {
      const final = new Map<string, number>();
      for (const l of locations) {
        const r = await call('GET', `/inventory/${l}/?limit=200`, { key });
        for (const row of r.body.data as Array<{ location_code: string; sku_code: string; quantity: number }>) final.set(`${row.location_code}/${row.sku_code}`, row.quantity);
      }
      expect(final.size).toBe(pairs.length);
      for (const p of pairs) {
        const chain = events.filter((e) => e.location === p.location_code && e.sku === p.sku_code);
        // previous → new links every event to the one before it: no lost or duplicated write.
        expect(chain.map((e) => e.previous)).toEqual([null, ...chain.slice(0, -1).map((e) => e.quantity)]);
        expect(chain.map((e) => e.quantity).sort()).toEqual(Array.from({ length: n }, (_, k) => 100 + k));
        expect(final.get(`${p.location_code}/${p.sku_code}`)).toBe(chain[chain.length - 1]!.quantity);
      }
    }
  }, 60_000);

  it('subscriptions run once: each lease has one holder (set A, started first) and every event is on Kafka exactly once', async () => {
    const before = await expectLeasesHeldBy('a');
    await eventually(expectCheckpointsCaughtUp, 30_000, 200);
    await expectEveryEventOnKafkaOnce();
    // Set B kept trying (every 2 s) throughout the writes above: the holders did not change.
    expect(await expectLeasesHeldBy('a')).toEqual(before);
  }, 60_000);

  it('takeover: when set A\'s services die, set B takes every lease over and everything written afterwards reaches projections, relays and the API', async () => {
    const before = await expectLeasesHeldBy('a');
    await Promise.all(SERVICES.map((s) => platform.kill(s, 'SIGKILL')));

    // Writes continue through gateway B at once, served by B's processes.
    const [, gwB] = gw;
    await created(gwB, '/products/', { sku: 'TO-P' });
    await created(gwB, '/locations/', { code: 'TO-L' });
    const orders = [];
    for (let i = 0; i < 5; i++) orders.push(await created(gwB, '/orders/', { order_number: `TO-O-${i}`, items: [{ sku_code: 'TO-P', quantity: 1 + i }] }));
    expect((await gwB('PUT', '/orders/TO-O-0/', { key, body: { notes: 'after takeover' } })).status).toBe(200);
    expect((await gwB('POST', '/inventory/', { key, body: { inventory: [{ location_code: 'TO-L', sku_code: 'TO-P', quantity: 3 }] } })).body.data.created).toBe(1);

    const after = await eventually(() => expectLeasesHeldBy('b'), 30_000, 200);
    for (const l of LEASES) expect(after.get(l.name)).not.toBe(before.get(l.name));
    await eventually(expectCheckpointsCaughtUp, 30_000, 200);
    await expectEveryEventOnKafkaOnce();
    const newEvents = await q<{ id: string }>(`SELECT event_id::text AS id FROM event_store.events WHERE data->>'order_number' LIKE 'TO-O-%' OR data->'changes'->>'notes' = 'after takeover'`);
    expect(newEvents).toHaveLength(6);
    const published = new Set(arrivals.map((a) => a.id));
    expect(newEvents.filter((e) => !published.has(e.id))).toEqual([]);

    for (const o of orders) expect((await gwB('GET', `/orders/${o.order_number}/`, { key })).body.data.id).toBe(o.id);
    const list = await gwB('GET', '/orders/?limit=200', { key });
    expect(list.body.data.filter((o: { order_number: string }) => o.order_number.startsWith('TO-O-')).map((o: { id: string }) => o.id).sort()).toEqual(orders.map((o) => o.id).sort());
  }, 90_000);

  it('a holder whose lease connection is lost while its process lives stops: one holder again, nothing published twice', async () => {
    // Set A's services come back (same ports); set B keeps its leases.
    for (const s of SERVICES) await platform.start(s);
    await eventually(async () => expect((await platform.request('GET', '/readyz')).status).toBe(200), 30_000, 200);
    const before = await expectLeasesHeldBy('b');
    // The lock lives on one connection: end those backends (a server restart, a proxy, an idle timeout would) while B's processes keep running.
    const terminated = await q<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM unnest($1::int[]) AS pid`, [[...before.values()]]);
    expect(terminated.map((r) => r.ok)).toEqual(LEASES.map(() => true));
    expect(b.orders.alive() && b.catalog.alive() && b.inventory.alive()).toBe(true);
    // Every lease is taken again (by whichever process of its service gets there first), on a new connection.
    await eventually(async () => {
      const holders = await leaseHolders();
      for (const l of LEASES) {
        const hs = holders.get(l.name)!;
        expect({ lease: l.name, holders: hs.map((h) => h.app) }).toEqual({ lease: l.name, holders: [expect.stringMatching(new RegExp(`^replica-[ab]-${l.service}$`))] });
        expect(hs[0]!.pid).not.toBe(before.get(l.name));
      }
    }, 30_000, 200);

    await created(gw[0], '/products/', { sku: 'LC-P' });
    await created(gw[1], '/locations/', { code: 'LC-L' });
    for (let i = 0; i < 20; i++) await created(gw[i % 2]!, '/orders/', { order_number: `LC-O-${i}`, items: [{ sku_code: 'LC-P', quantity: 1 }] });
    expect((await gw[0]('POST', '/inventory/', { key, body: { inventory: [{ location_code: 'LC-L', sku_code: 'LC-P', quantity: 9 }] } })).body.data.created).toBe(1);
    await eventually(expectCheckpointsCaughtUp, 30_000, 200);
    // A runner that kept going without its lock would publish these events a second time.
    await expectEveryEventOnKafkaOnce();
    expect(b.orders.alive() && b.catalog.alive() && b.inventory.alive()).toBe(true);
  }, 90_000);
});
