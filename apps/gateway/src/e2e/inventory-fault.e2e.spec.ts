import type { Client } from 'pg';
import { eventually, type TestPlatform } from '@datamingle/testing';
import { aLocationBody, aProductBody, connectDb, expectCreated, startWithKey, stopAll } from './testing-support/e2e-setup';

/**
 * Fault test (issue: inventory service): the inventory service is killed in the middle of a
 * 50,000-row bulk request. Afterwards every row is either fully applied (event stored and read
 * model updated) or not at all, and a retry of the same request converges to the requested state.
 */
describe('inventory bulk write survives a crash of the inventory service', () => {
  let platform: TestPlatform;
  let key: string;
  let db: Client;
  const LOCATIONS = 50;
  const PRODUCTS = 1_000;

  const rows = () => {
    const out: Array<{ location_code: string; sku_code: string; quantity: number }> = [];
    for (let l = 0; l < LOCATIONS; l++) for (let p = 0; p < PRODUCTS; p++) out.push({ location_code: `F-LOC-${l}`, sku_code: `F-SKU-${p}`, quantity: l * 1_000 + p });
    return out;
  };

  async function consistency(): Promise<{ events: number; rows: number; mismatched: number }> {
    const [events] = (await db.query(`SELECT count(*)::int AS n FROM event_store.events WHERE event_type = 'InventoryLevelSet'`)).rows;
    // The test connects as the database superuser, so row-level security does not hide rows here.
    const [levels] = (await db.query(`SELECT count(*)::int AS n FROM inventory.levels`)).rows;
    // Every row must reflect its last event, and every event must have its row.
    const [mismatch] = (
      await db.query(`
        WITH last AS (
          SELECT DISTINCT ON (data->>'location_id', data->>'sku_code')
                 data->>'location_id' AS location_id, data->>'sku_code' AS sku, (data->>'quantity')::bigint AS quantity
            FROM event_store.events WHERE event_type = 'InventoryLevelSet'
           ORDER BY data->>'location_id', data->>'sku_code', global_position DESC)
        SELECT count(*)::int AS n FROM last FULL JOIN inventory.levels l
            ON l.location_id::text = last.location_id AND l.sku = last.sku
         WHERE last.quantity IS DISTINCT FROM l.quantity`)
    ).rows;
    return { events: events.n, rows: levels.n, mismatched: mismatch.n };
  }

  beforeAll(async () => {
    ({ platform, key } = await startWithKey());
    db = await connectDb(platform);
    for (let l = 0; l < LOCATIONS; l++) {
      await expectCreated(platform, key, 'locations/', aLocationBody(`F-LOC-${l}`));
    }
    for (let start = 0; start < PRODUCTS; start += 25) {
      const batch = await Promise.all(
        Array.from({ length: 25 }, (_, i) => platform.request('POST', '/api/integrations/v1/products/', { key, body: aProductBody(`F-SKU-${start + i}`) })),
      );
      expect(batch.every((r) => r.status === 201)).toBe(true);
    }
  }, 120_000);

  afterAll(() => stopAll(platform, db));

  it('leaves every row applied or not, never half-written; a retry converges', async () => {
    const body = { inventory: rows(), source: 'initial_load' };
    const inFlight = platform.request('POST', '/api/integrations/v1/inventory/', { key, body });
    // Kill the service while its bulk transaction is open in PostgreSQL.
    await eventually(async () => {
      const { rows: active } = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'datamingle-inventory' AND xact_start IS NOT NULL AND state <> 'idle'`,
      );
      expect(active[0].n).toBeGreaterThan(0);
    }, 30_000, 5);
    await platform.kill('inventory');
    const interrupted = await inFlight;
    expect([503, 504]).toContain(interrupted.status);

    // After the crash: all or nothing, and rows always match their events.
    await eventually(async () => {
      const { rows: open } = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'datamingle-inventory'`);
      expect(open[0].n).toBe(0);
    });
    const afterCrash = await consistency();
    expect(afterCrash.mismatched).toBe(0);
    expect(afterCrash.rows).toBe(afterCrash.events);
    expect([0, LOCATIONS * PRODUCTS]).toContain(afterCrash.rows);

    await platform.start('inventory');
    const retry = await platform.request('POST', '/api/integrations/v1/inventory/', { key, body });
    expect(retry.status).toBe(200);
    expect(retry.body.data).toMatchObject({ total: LOCATIONS * PRODUCTS, failed: 0, errors: [] });
    expect(retry.body.data.created + retry.body.data.updated).toBe(LOCATIONS * PRODUCTS);

    const converged = await consistency();
    expect(converged).toEqual({ events: LOCATIONS * PRODUCTS, rows: LOCATIONS * PRODUCTS, mismatched: 0 });
    const sample = await platform.request('GET', '/api/integrations/v1/inventory/F-SKU-999/?by=sku&limit=200', { key });
    expect(sample.body.data).toHaveLength(LOCATIONS);
    for (const record of sample.body.data) {
      expect(record.quantity).toBe(Number(record.location_code.slice('F-LOC-'.length)) * 1_000 + 999);
    }
  }, 120_000);
});
