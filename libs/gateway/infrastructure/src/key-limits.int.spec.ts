/**
 * KeyLimits across gateway instances on a real, migrated PostgreSQL: two independent instances
 * (own pools, own instance ids, like two gateway processes) on one database, as the application role.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SlotDecision } from '@datamingle/gateway-domain';
import { createReadModelDataSource, runMigrationSets } from '@datamingle/read-model';
import { createTestDatabase } from '@datamingle/testing';
import { createKeyLimits, type KeyLimitsOptions, type LeasedKeyLimits } from './key-limits';
import { gatewayMigrations } from './migrations';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Granted = Extract<SlotDecision, { acquired: true }>;

describe('KeyLimits on PostgreSQL, two gateway instances', () => {
  let url: string;
  let owner: DataSource;
  const sources: DataSource[] = [];
  const instances: LeasedKeyLimits[] = [];

  beforeAll(async () => {
    url = await createTestDatabase('key_limits');
    await runMigrationSets(url, [gatewayMigrations]);
    owner = createReadModelDataSource({ url, poolSize: 2, restricted: false });
    await owner.initialize();
  });

  afterEach(async () => {
    for (const i of instances.splice(0)) i.abandon();
    for (const ds of sources.splice(0)) await ds.destroy();
  });

  afterAll(async () => {
    await owner.destroy();
  });

  /** A gateway instance: its own pool and lease manager. */
  async function gateway(options: KeyLimitsOptions = {}): Promise<LeasedKeyLimits> {
    const ds = createReadModelDataSource({ url, poolSize: 8 });
    await ds.initialize();
    sources.push(ds);
    const limits = createKeyLimits(ds, options);
    limits.start();
    instances.push(limits);
    return limits;
  }

  const leased = async (keyId: string): Promise<Array<{ holder: string; n: number }>> =>
    owner.query(`SELECT holder, count(*)::int AS n FROM gateway.key_slots WHERE key_id = $1 AND holder IS NOT NULL GROUP BY holder`, [keyId]);

  it('admits exactly 50 of 60 simultaneous requests of a key across two instances; the other 10 wait and get the slots given back', async () => {
    const [a, b] = [await gateway(), await gateway()];
    const key = randomUUID();
    const pending = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).acquireSlot(key));
    const settled: Granted[] = [];
    for (const p of pending) void p.then((d) => d.acquired && settled.push(d));
    await sleep(500);
    expect(settled).toHaveLength(50);
    expect(a.heldSlots(key) + b.heldSlots(key)).toBe(50);
    expect((await leased(key)).reduce((s, r) => s + r.n, 0)).toBe(50);
    expect(a.waiting(key) + b.waiting(key)).toBe(10);
    // Another key is not affected.
    const other = await a.acquireSlot(randomUUID());
    expect(other.acquired).toBe(true);
    // Ten released: the ten waiting get them (through the database where they wait on the other instance).
    for (const d of settled.splice(0, 10)) d.release();
    await sleep(1_500);
    expect(settled).toHaveLength(50);
    expect(a.waiting(key) + b.waiting(key)).toBe(0);
    expect((await leased(key)).reduce((s, r) => s + r.n, 0)).toBeLessThanOrEqual(50);
  });

  it('serves the waiters of one instance first-in first-out, and costs no round trip while a leased slot is reused', async () => {
    const trips: string[] = [];
    const a = await gateway({ observer: { roundTrip: (op) => void trips.push(op) } });
    const key = randomUUID();
    const first = await Promise.all(Array.from({ length: 50 }, () => a.acquireSlot(key)));
    const order: number[] = [];
    const waiting = Array.from({ length: 20 }, (_, i) => a.acquireSlot(key).then((d) => (order.push(i), d)));
    await sleep(50);
    for (const d of first) (d as Granted).release();
    const served = await Promise.all(waiting);
    expect(served.every((d) => d.acquired)).toBe(true);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const d of served) (d as Granted).release();
    // The common case: one instance, slots already leased: 1,000 sequential requests, no round trip.
    trips.length = 0;
    for (let i = 0; i < 1_000; i++) {
      const d = (await a.acquireSlot(key)) as Granted;
      d.release();
    }
    expect(trips.filter((t) => t !== 'renew')).toEqual([]);
  });

  it('refuses at once when 1,000 requests of the key already wait, and after the wait limit with queue_timeout', async () => {
    const a = await gateway({ maxWaitMs: 300 });
    const key = randomUUID();
    await Promise.all(Array.from({ length: 50 }, () => a.acquireSlot(key)));
    const waiting = Array.from({ length: 1_000 }, () => a.acquireSlot(key));
    expect(await a.acquireSlot(key)).toEqual({ acquired: false, reason: 'queue_full' });
    const results = await Promise.all(waiting);
    expect(results.every((r) => !r.acquired && r.reason === 'queue_timeout')).toBe(true);
  });

  it('counts the requests waiting on both instances against the 1,000 of a key', async () => {
    const a = await gateway({ maxWaitMs: 3_000 });
    const b = await gateway({ maxWaitMs: 3_000 });
    const key = randomUUID();
    await Promise.all(Array.from({ length: 50 }, () => a.acquireSlot(key)));
    const waiting = Array.from({ length: 700 }, () => a.acquireSlot(key));
    await sleep(300);
    waiting.push(...Array.from({ length: 300 }, () => b.acquireSlot(key)));
    await sleep(300);
    expect(await b.acquireSlot(key)).toEqual({ acquired: false, reason: 'queue_full' });
    expect(await a.acquireSlot(key)).toEqual({ acquired: false, reason: 'queue_full' });
    expect((await Promise.all(waiting)).every((d) => !d.acquired && d.reason === 'queue_timeout')).toBe(true);
  });

  it('frees the slots of an instance that died within the lease bound', async () => {
    const leaseMs = 1_500;
    const dead = await gateway({ leaseMs, heartbeatMs: 300 });
    const alive = await gateway({ leaseMs, heartbeatMs: 300 });
    const key = randomUUID();
    await Promise.all(Array.from({ length: 50 }, () => dead.acquireSlot(key)));
    dead.abandon(); // SIGKILL: no release, no renewal
    const started = Date.now();
    const got = await alive.acquireSlot(key);
    const waited = Date.now() - started;
    expect(got.acquired).toBe(true);
    expect(waited).toBeLessThanOrEqual(leaseMs + 300);
    (got as Granted).release();
  });

  it('gives every slot back on graceful shutdown', async () => {
    const a = await gateway();
    const key = randomUUID();
    const held = await Promise.all(Array.from({ length: 5 }, () => a.acquireSlot(key)));
    for (const d of held) (d as Granted).release();
    await a.stop();
    expect(await leased(key)).toEqual([]);
  });

  it('shares slots when both instances want more than there are: neither starves', async () => {
    const a = await gateway({ heartbeatMs: 200 });
    const b = await gateway({ heartbeatMs: 200 });
    const key = randomUUID();
    const served = { a: 0, b: 0 };
    let inFlight = 0;
    let maxInFlight = 0;
    const until = Date.now() + 3_000;
    const worker = async (g: LeasedKeyLimits, name: 'a' | 'b') => {
      while (Date.now() < until) {
        const d = await g.acquireSlot(key);
        if (!d.acquired) continue;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(5);
        inFlight--;
        served[name]++;
        d.release();
      }
    };
    await Promise.all([...Array.from({ length: 60 }, () => worker(a, 'a')), ...Array.from({ length: 60 }, () => worker(b, 'b'))]);
    expect(maxInFlight).toBeLessThanOrEqual(50);
    expect(Math.min(served.a, served.b)).toBeGreaterThan(0.2 * (served.a + served.b));
  });

  it('admits R requests per second within 10 % from two instances driven hard (GCRA on the database clock)', async () => {
    const a = await gateway();
    const b = await gateway();
    const key = randomUUID();
    const rate = 200;
    let admitted = 0;
    let refused = 0;
    const started = Date.now();
    const until = started + 3_000;
    const worker = async (g: LeasedKeyLimits) => {
      while (Date.now() < until) {
        const d = await g.takeToken(key, rate);
        if (d.allowed) admitted++;
        else {
          refused++;
          expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        }
      }
    };
    await Promise.all([...Array.from({ length: 4 }, () => worker(a)), ...Array.from({ length: 4 }, () => worker(b))]);
    const seconds = (Date.now() - started) / 1000;
    // A full bucket (R) at the start, then R per second.
    const expected = rate + rate * seconds;
    expect(refused).toBeGreaterThan(0);
    expect(Math.abs(admitted - expected) / expected).toBeLessThanOrEqual(0.1);
  });

  it('reports the whole tokens left, refuses with Retry-After ≥ 1 and applies a changed rate to the next request', async () => {
    const a = await gateway();
    const key = randomUUID();
    const first = await a.takeToken(key, 5);
    expect(first).toEqual({ allowed: true, limit: 5, remaining: 4 });
    for (const left of [3, 2, 1, 0]) expect(await a.takeToken(key, 5)).toEqual({ allowed: true, limit: 5, remaining: left });
    expect(await a.takeToken(key, 5)).toEqual({ allowed: false, limit: 5, retryAfterSeconds: 1 });
    // Another key has its own bucket.
    expect(await a.takeToken(randomUUID(), 5)).toEqual({ allowed: true, limit: 5, remaining: 4 });
    // The limit raised: the empty bucket refills at the new rate (one token per 10 ms), from the next request on.
    await sleep(30);
    expect(await a.takeToken(key, 100)).toMatchObject({ allowed: true, limit: 100 });
  });
});
