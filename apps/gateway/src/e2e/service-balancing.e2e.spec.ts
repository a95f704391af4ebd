import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type Replica, type TestPlatform } from '@datamingle/testing';
import { aProductBody, expectCreated, startWithKey, stopAll } from './testing-support/e2e-setup';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const V1 = '/api/integrations/v1';

/**
 * Client-side balancing (TcpBalancer) with real processes: one gateway whose CATALOG_URL lists
 * two catalog replicas (`a:port,b:port`). To see which replica answered, replica B reads its own
 * database: a product created through replica A exists only there, so GET answers 200 from A
 * and 404 from B. Calls alternate between both; when one replica is killed every call is
 * answered by the other (a refused connection is tried on the other address), at most one 503.
 */
describe('gateway → catalog replicas: round-robin and failover', () => {
  let platform: TestPlatform;
  let catalogB: Replica;
  let gateway: Replica;
  let key: string;

  const statuses = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await gateway.request('GET', `${V1}/products/BAL-1/`, { key })).status);
    return out;
  };
  const tally = (xs: number[]) => xs.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

  beforeAll(async () => {
    ({ platform, key } = await startWithKey());
    // Replica A (the platform's catalog) has BAL-1: the platform's gateway reaches only A.
    await expectCreated(platform, key, 'products/', aProductBody('BAL-1'));

    const otherDatabase = await createTestDatabase('e2e');
    await promisify(execFile)(process.execPath, [join(ROOT, 'apps', 'launcher', 'dist', 'admin.js'), 'migrate'], {
      env: { ...platform.env, DATABASE_URL: otherDatabase },
      cwd: ROOT,
    });
    catalogB = await platform.startReplica('catalog', { env: { DATABASE_URL: otherDatabase } });
    gateway = await platform.startReplica('gateway', { env: { CATALOG_URL: `${platform.env['CATALOG_URL']},${catalogB.url}` } });
  }, 120_000);

  afterAll(() => stopAll(platform));

  it('spreads the calls of one gateway over both replicas', async () => {
    const got = tally(await statuses(10));
    expect(Object.keys(got).sort()).toEqual(['200', '404']);
    expect(got[200]).toBeGreaterThanOrEqual(4);
    expect(got[404]).toBeGreaterThanOrEqual(4);
  });

  it('keeps answering through the other replica when one is killed, and uses it again when it is back', async () => {
    await platform.kill('catalog'); // replica A
    const withoutA = await statuses(10);
    expect(withoutA.filter((s) => s === 503).length).toBeLessThanOrEqual(1);
    expect(withoutA.filter((s) => s !== 503).every((s) => s === 404)).toBe(true);
    // The platform's gateway, which only knows A, has nothing to fall back to.
    expect((await platform.request('GET', `${V1}/products/BAL-1/`, { key })).status).toBe(503);

    await platform.start('catalog');
    await catalogB.kill();
    const withoutB = await statuses(10);
    expect(withoutB.filter((s) => s === 503).length).toBeLessThanOrEqual(1);
    expect(withoutB.filter((s) => s !== 503).every((s) => s === 200)).toBe(true);
  });
});
