/**
 * Per-key limits with two gateway processes on one tenant (limits-and-versioning.md §3–§4, issue
 * acceptance): a key limited to R requests per second, driven hard through both gateways, is
 * admitted at R within 10 %; a key's requests in flight never exceed 50 across both; a gateway
 * SIGKILLed while it holds all 50 slots of a key blocks that key on the other gateway only until
 * its leases run out (10 s after its last renewal, operations §14).
 *
 * Requests are held in flight by stopping the orders service (SIGSTOP): they wait for its answer
 * with their slot held.
 */
import type { Client } from 'pg';
import type { ApiResponse, Replica, TestPlatform } from '@datamingle/testing';
import { connectDb, startWithKey, stopAll } from './testing-support/e2e-setup';

const V1 = '/api/integrations/v1/';
const HOST = 'acme.localhost';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-key limits across two gateway processes', () => {
  let platform: TestPlatform;
  let second: Replica;
  let db: Client;

  beforeAll(async () => {
    ({ platform } = await startWithKey('two gateways'));
    second = await platform.startReplica('gateway');
    db = await connectDb(platform);
  }, 120_000);

  afterAll(async () => {
    platform?.signal('orders', 'SIGCONT');
    await stopAll(platform, db);
  });

  /** A key of acme (the CLI prints the key; its metadata goes to stderr). */
  async function newKey(name: string, rateLimit?: number): Promise<{ key: string; id: string }> {
    const key = (await platform.admin('key', 'create', '--tenant', 'acme', '--name', name, ...(rateLimit ? ['--rate-limit', String(rateLimit)] : []))).trim();
    const { rows } = await db.query(`SELECT id FROM gateway.api_keys WHERE name = $1`, [name]);
    return { key, id: rows[0].id };
  }

  const viaFirst = (key: string, path: string) => platform.request('GET', V1 + path, { host: HOST, key });
  const viaSecond = (key: string, path: string) => second.request('GET', V1 + path, { host: HOST, key });
  const leased = async (keyId: string): Promise<Record<string, number>> => {
    const { rows } = await db.query(`SELECT holder, count(*)::int AS n FROM gateway.key_slots WHERE key_id = $1 AND holder IS NOT NULL AND lease_until > clock_timestamp() GROUP BY holder`, [keyId]);
    return Object.fromEntries(rows.map((r: { holder: string; n: number }) => [r.holder, r.n]));
  };
  const total = (byHolder: Record<string, number>) => Object.values(byHolder).reduce((a, b) => a + b, 0);

  it('admits a key limited to R requests per second at R within 10 %, driven hard through both gateways', async () => {
    const rate = 40;
    const { key } = await newKey('rated', rate);
    const statuses: number[] = [];
    const started = Date.now();
    const until = started + 4_000;
    // An unknown route: answered 404 at step 8, after the rate limit (step 6) — no service call.
    const worker = async (send: (key: string, path: string) => Promise<ApiResponse>) => {
      while (Date.now() < until) statuses.push((await send(key, 'no-such-route/')).status);
    };
    await Promise.all([...Array.from({ length: 8 }, () => worker(viaFirst)), ...Array.from({ length: 8 }, () => worker(viaSecond))]);
    const seconds = (Date.now() - started) / 1000;
    const admitted = statuses.filter((s) => s === 404).length;
    const refused = statuses.filter((s) => s === 429).length;
    expect(admitted + refused).toBe(statuses.length);
    expect(refused).toBeGreaterThan(admitted);
    // The bucket starts full (R tokens), then R per second.
    const expected = rate + rate * seconds;
    expect(Math.abs(admitted - expected) / expected).toBeLessThanOrEqual(0.1);
  }, 60_000);

  it('never has more than 50 requests of a key in flight across both gateways; the others wait and are answered', async () => {
    const { key, id } = await newKey('held in flight');
    platform.signal('orders', 'SIGSTOP');
    let pending: Promise<ApiResponse>[] = [];
    try {
      pending = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? viaFirst : viaSecond)(key, 'orders/ORD-TWO-GW/'));
      await sleep(2_000);
      const held = await leased(id);
      expect(total(held)).toBe(50);
      expect(Object.keys(held)).toHaveLength(2);
      await sleep(1_000);
      expect(total(await leased(id))).toBe(50);
      platform.signal('orders', 'SIGCONT');
      const answers = await Promise.all(pending);
      // Every request got its slot in time: none was refused by the queue.
      expect(answers.map((r) => r.status).filter((s) => s === 503)).toEqual([]);
      expect(answers).toHaveLength(60);
    } finally {
      platform.signal('orders', 'SIGCONT');
      await Promise.allSettled(pending);
    }
  }, 60_000);

  it('reports throttled requests, queue outcomes and slot round trips on /metrics', async () => {
    const text = (await platform.request('GET', '/metrics')).text;
    const sample = (name: string, labels = '') =>
      [...text.matchAll(new RegExp(`^${name}\\{?([^}\\n]*)\\}? ([0-9.e+]+)$`, 'gm'))].filter((m) => m[1]!.includes(labels)).reduce((n, m) => n + Number(m[2]), 0);
    expect(sample('datamingle_gateway_rate_limited_total')).toBeGreaterThan(0);
    expect(sample('datamingle_gateway_key_slots_acquired_total', 'source="local"')).toBeGreaterThan(0);
    expect(sample('datamingle_gateway_key_slots_acquired_total', 'source="database"')).toBeGreaterThan(0);
    expect(sample('datamingle_gateway_key_slot_round_trips_total', 'operation="claim"')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE datamingle_gateway_key_queue_wait_seconds histogram');
    expect(text).toContain('# TYPE datamingle_gateway_key_queue_total counter');
  });

  it('frees the 50 slots of a SIGKILLed gateway within the lease bound: the key works again on the other gateway', async () => {
    const { key, id } = await newKey('survives a dead gateway');
    platform.signal('orders', 'SIGSTOP');
    let pending: Promise<unknown>[] = [];
    try {
      pending = Array.from({ length: 50 }, () => viaSecond(key, 'orders/ORD-DEAD-GW/').catch(() => null));
      for (let i = 0; i < 50 && total(await leased(id)) < 50; i++) await sleep(100);
      expect(total(await leased(id))).toBe(50);
      await second.kill('SIGKILL');
      const killedAt = Date.now();
      platform.signal('orders', 'SIGCONT');
      // A catalog request through the surviving gateway waits for a slot until the dead one's leases end.
      const res = await viaFirst(key, 'products/?limit=1');
      const waited = Date.now() - killedAt;
      expect(res.status).toBe(200);
      // Held by the dead gateway's leases (renewed at most 1 s before the kill), then free.
      expect(waited).toBeGreaterThanOrEqual(8_000);
      expect(waited).toBeLessThanOrEqual(12_000);
    } finally {
      platform.signal('orders', 'SIGCONT');
      await Promise.allSettled(pending);
    }
  }, 60_000);
});
