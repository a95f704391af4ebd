import type { Client } from 'pg';
import { eventually, withApplicationName, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { aProductBody, connectDb, expectCreated, startWithKey, stopAll } from './testing-support/e2e-setup';

/**
 * Issue 9, finding 3 ("503 for writes that were applied"): `503 SERVICE_UNAVAILABLE` promises
 * that nothing was applied (limits-and-versioning.md §5); when a write may have been applied the
 * answer is `504 GATEWAY_TIMEOUT` (errors.md §6.13: "It may still be applied; check the record").
 *
 * Order creates run through the real gateway while the orders service's database connections
 * (found by their own application_name) are terminated over and over from an admin connection,
 * hitting every step of a create: the uniqueness look-up, the event append (an autocommit
 * statement), the read-model projection (for creates with an external_order_id, the claim and
 * the projection share one transaction around the append). Afterwards every 503 must have stored nothing (no
 * event, GET 404), every 201 must exist, a 504 may have gone either way, and nothing is a 500.
 */
const V1 = '/api/integrations/v1';
const ORDERS_APP = 'write-outcome-orders';
const TOTAL = 300;
const IN_FLIGHT = 20;
/** Every this many ms, one of the orders service's connections (chosen at random) is terminated. */
const TERMINATE_EVERY_MS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('write outcome: creates while the orders service keeps losing its database connections', () => {
  let platform: TestPlatform;
  let admin: Client;
  let key: string;

  beforeAll(async () => {
    ({ platform, key } = await startWithKey(undefined, {
      platform: { serviceEnv: (service, env) => (service === 'orders' ? { DATABASE_URL: withApplicationName(env['DATABASE_URL']!, ORDERS_APP) } : {}) },
    }));
    await expectCreated(platform, key, 'products/', aProductBody('WO-SKU'));
    admin = await connectDb(platform);
  }, 60_000);

  afterAll(() => stopAll(platform, admin));

  it('answers 503 only for creates that stored nothing; 201s exist; 504s either way; never 500', async () => {
    const run = Date.now().toString(36);
    const orderNumber = (i: number) => `WO-${run}-${i}`;
    const statuses = new Map<string, ApiResponse>();

    let terminating = true;
    let terminated = 0;
    const terminator = (async () => {
      while (terminating) {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n
             FROM (SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY random() LIMIT 1) AS victim`,
          [ORDERS_APP],
        );
        terminated += rows[0]!.n;
        await sleep(TERMINATE_EVERY_MS);
      }
    })();

    let next = 0;
    const worker = async () => {
      for (let i = next++; i < TOTAL; i = next++) {
        const number = orderNumber(i);
        const res = await platform.request('POST', `${V1}/orders/`, {
          key,
          body: {
            order_number: number,
            // Every other create also claims an external_order_id (its own write path: claim, append, projection in one transaction).
            ...(i % 2 === 0 ? { external_order_id: `EXT-${number}` } : {}),
            customer_name: `writer ${i}`,
            items: [{ sku_code: 'WO-SKU', quantity: 1 + (i % 5) }],
          },
        });
        statuses.set(number, res);
      }
    };
    const started = Date.now();
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    } finally {
      terminating = false;
      await terminator;
    }
    const elapsed = Date.now() - started;

    const byStatus = new Map<number, string[]>();
    for (const [number, res] of statuses) byStatus.set(res.status, [...(byStatus.get(res.status) ?? []), number]);
    const count = (status: number) => byStatus.get(status)?.length ?? 0;
    // For the record (how much fault the run produced).
    console.log(
      `write-outcome: ${TOTAL} creates in ${elapsed} ms, ${terminated} backends terminated: ` +
        [...byStatus].map(([status, numbers]) => `${status} × ${numbers.length}`).join(', '),
    );

    expect(statuses.size).toBe(TOTAL);
    // Only these answers: created, unavailable (nothing applied), outcome unknown.
    expect([...byStatus.keys()].filter((s) => ![201, 503, 504].includes(s))).toEqual([]);
    for (const res of statuses.values()) {
      if (res.status === 503) expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
      if (res.status === 504) {
        expect(res.body.error).toEqual({
          code: 'GATEWAY_TIMEOUT',
          message: 'The request did not complete within 60 seconds. It may still be applied; check the record before retrying.',
        });
      }
    }
    // The run must have hit the fault, or it proves nothing.
    expect(count(503) + count(504)).toBeGreaterThan(0);
    expect(count(201)).toBeGreaterThan(0);

    // Settled: the service answers again.
    await eventually(async () => expect((await platform.request('GET', `${V1}/orders/?limit=1`, { key })).status).toBe(200), 20_000);

    const stored = new Map<string, number>(
      (
        await admin.query<{ number: string; n: number }>(
          `SELECT data->>'order_number' AS number, count(*)::int AS n FROM event_store.events
            WHERE event_type = 'OrderCreated' AND data->>'order_number' LIKE $1 GROUP BY 1`,
          [`WO-${run}-%`],
        )
      ).rows.map((r) => [r.number, r.n]),
    );
    // A 503 stored nothing: no event, and the API does not find the order.
    const unavailable = byStatus.get(503) ?? [];
    expect(unavailable.filter((number) => stored.has(number))).toEqual([]);
    for (const number of unavailable) {
      expect({ number, status: (await platform.request('GET', `${V1}/orders/${number}/`, { key })).status }).toEqual({ number, status: 404 });
    }
    // A 201 exists, once.
    const created = byStatus.get(201) ?? [];
    expect(created.filter((number) => stored.get(number) !== 1)).toEqual([]);
    for (const number of created) {
      expect({ number, status: (await platform.request('GET', `${V1}/orders/${number}/`, { key })).status }).toEqual({ number, status: 200 });
    }
    // A 504 may exist or not, but at most once; once stored, the catch-up projection makes it readable.
    const unknown = byStatus.get(504) ?? [];
    console.log(`write-outcome: of ${unknown.length} × 504, ${unknown.filter((number) => stored.has(number)).length} were applied`);
    expect(unknown.filter((number) => (stored.get(number) ?? 0) > 1)).toEqual([]);
    await eventually(async () => {
      for (const number of unknown) {
        const status = (await platform.request('GET', `${V1}/orders/${number}/`, { key })).status;
        expect({ number, status }).toEqual({ number, status: stored.has(number) ? 200 : 404 });
      }
    }, 20_000);
  }, 90_000);
});
