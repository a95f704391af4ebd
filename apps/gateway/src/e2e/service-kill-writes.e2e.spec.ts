import type { Client } from 'pg';
import { eventually, type TestPlatform } from '@datamingle/testing';
import { aMinimalOrderBody, aProductBody, connectDb, expectCreated, startWithKey, stopAll } from './testing-support/e2e-setup';
import { sleep } from './testing-support/raw-socket';

/**
 * A `503` means nothing was applied (limits-and-versioning.md §5). When the orders service is
 * SIGKILLed with creates in flight, a create whose request had already reached it may have been
 * stored: its answer must be `504 GATEWAY_TIMEOUT` (outcome unknown), never `503` (issue 9,
 * finding 3). Creates sent while it is down are not delivered at all: `503`, and nothing stored.
 */
describe('SIGKILL of the orders service during creates', () => {
  let platform: TestPlatform;
  let key: string;
  let db: Client;

  beforeAll(async () => {
    ({ platform, key } = await startWithKey());
    await expectCreated(platform, key, 'products/', aProductBody('KILL-SKU'));
    db = await connectDb(platform);
  }, 60_000);

  afterAll(() => stopAll(platform, db));

  it('leaves no applied write answered 503', async () => {
    const total = 300;
    const statuses = new Array<number>(total).fill(0);
    let next = 0;
    let answered = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const res = await platform.request('POST', '/api/integrations/v1/orders/', {
          key,
          body: aMinimalOrderBody(`KILL-${i}`, 'KILL-SKU'),
        });
        statuses[i] = res.status;
        answered++;
      }
    };
    const killer = (async () => {
      while (answered < 80) await sleep(5);
      await platform.kill('orders', 'SIGKILL');
      await sleep(1_000);
      await platform.start('orders');
    })();
    await Promise.all([...Array.from({ length: 20 }, worker), killer]);

    const counts = statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
    // Only these answers are legitimate; the kill must have hit requests in flight or refused some.
    expect(Object.keys(counts).map(Number).every((s) => [201, 503, 504].includes(s))).toBe(true);
    expect((counts[503] ?? 0) + (counts[504] ?? 0)).toBeGreaterThan(0);

    // What was stored: the event store is the truth (a killed writer's read model catches up later).
    const stored = async () =>
      new Set(
        (
          await db.query<{ n: string }>(
            `SELECT data->>'order_number' AS n FROM event_store.events WHERE event_type = 'OrderCreated' AND data->>'order_number' LIKE 'KILL-%'`,
          )
        ).rows.map((r) => r.n),
      );
    const created = await stored();
    const answered503Applied = statuses.flatMap((s, i) => (s === 503 && created.has(`KILL-${i}`) ? [`KILL-${i}`] : []));
    expect(answered503Applied).toEqual([]);
    const answered201Missing = statuses.flatMap((s, i) => (s === 201 && !created.has(`KILL-${i}`) ? [`KILL-${i}`] : []));
    expect(answered201Missing).toEqual([]);
    // And what the API shows agrees once the catch-up projection has run: a 503 is a 404.
    for (const [i, s] of statuses.entries()) {
      if (s !== 503) continue;
      expect((await platform.request('GET', `/api/integrations/v1/orders/KILL-${i}/`, { key })).status).toBe(404);
    }
    await eventually(async () => {
      const list = await platform.request('GET', '/api/integrations/v1/orders/?limit=1000', { key });
      expect(list.body.data.length).toBe(created.size);
    }, 30_000);
  }, 120_000);
});
