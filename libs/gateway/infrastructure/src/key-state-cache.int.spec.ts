/**
 * The gateways' key-state cache on a real, migrated PostgreSQL: two caches (two "gateway
 * processes", own pools and LISTEN connections) and a writer going through the stores, as the
 * application role. What a request sees is findKeyByHash through the cache.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Client } from 'pg';
import { createReadModelDataSource, poolOf, runMigrationSets } from '@datamingle/read-model';
import { createTestDatabase } from '@datamingle/testing';
import { GatewayStore } from './gateway-store';
import { createKeyStateCache, INSTANCE_LEASE_MS, KeyStateCache } from './key-state-cache';
import { gatewayMigrations } from './migrations';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

describe('KeyStateCache: two gateways, changes hold on the very next request', () => {
  let url: string;
  let owner: DataSource;
  const sources: DataSource[] = [];
  const caches: KeyStateCache[] = [];
  let writer: GatewayStore;

  beforeAll(async () => {
    url = await createTestDatabase('key_state_cache');
    await runMigrationSets(url, [gatewayMigrations]);
    owner = createReadModelDataSource({ url, poolSize: 2, restricted: false });
    await owner.initialize();
    const writerDs = createReadModelDataSource({ url, poolSize: 2 });
    await writerDs.initialize();
    sources.push(writerDs);
    writer = new GatewayStore(writerDs);
    await writer.createTenant('acme', 'Acme');
  });

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.stop()));
    await owner.query(`DELETE FROM gateway.gateway_instances`);
  });

  afterAll(async () => {
    for (const ds of sources.splice(0)) await ds.destroy();
    await owner.destroy();
  });

  /** A gateway: its own pool, store and cache; `lookup(hash)` is what its requests see. */
  async function gateway(createClient?: () => Client) {
    const ds = createReadModelDataSource({ url, poolSize: 4 });
    await ds.initialize();
    sources.push(ds);
    const store = new GatewayStore(ds);
    const cache = createKeyStateCache(ds, { entries: 100, ...(createClient ? { createClient } : {}) });
    caches.push(cache);
    await cache.start();
    let loads = 0;
    const lookup = (hash: string) =>
      cache.lookup(hash, () => {
        loads++;
        return store.findKeyByHash(hash);
      });
    return { cache, lookup, loads: () => loads };
  }

  const newKey = async (name = 'ERP') => {
    const hash = randomUUID().replace(/-/g, '');
    const key = await writer.insertKey({ tenantSlug: 'acme', name, prefix: 'sk_live_test', keyHash: hash, scopes: ['integrations.*'], expiresAt: null, rateLimitPerSecond: null, partnerId: null });
    return { hash, id: key.id };
  };

  it('serves repeated look-ups from memory, and a revocation, a scope change and a deletion on the next request of both gateways', async () => {
    const [a, b] = [await gateway(), await gateway()];
    expect(a.cache.trusted && b.cache.trusted).toBe(true);
    const key = await newKey();
    for (let i = 0; i < 5; i++) {
      expect((await a.lookup(key.hash))?.isActive).toBe(true);
      expect((await b.lookup(key.hash))?.isActive).toBe(true);
    }
    expect([a.loads(), b.loads()]).toEqual([1, 1]);

    // The CLI's revocation (the same store method the admin API's path ends in) returns only
    // once both caches dropped the key: the very next look-up reads the revoked state.
    await writer.setKeyActive('acme', key.id, false);
    expect((await a.lookup(key.hash))?.isActive).toBe(false);
    expect((await b.lookup(key.hash))?.isActive).toBe(false);

    await writer.setKeyScopes('acme', key.id, ['integrations.orders.read']);
    expect((await a.lookup(key.hash))?.scopes).toEqual(['integrations.orders.read']);
    expect((await b.lookup(key.hash))?.scopes).toEqual(['integrations.orders.read']);

    await writer.setIntegrationEnabled('acme', false);
    expect((await b.lookup(key.hash))?.tenantIntegrationEnabled).toBe(false);
    await writer.setIntegrationEnabled('acme', true);
    expect((await a.lookup(key.hash))?.tenantIntegrationEnabled).toBe(true);

    await writer.deleteKey('acme', key.id);
    expect(await a.lookup(key.hash)).toBeNull();
    expect(await b.lookup(key.hash)).toBeNull();
  });

  it('does not flush on last_used_at updates (they are not key state)', async () => {
    const a = await gateway();
    const key = await newKey();
    await a.lookup(key.hash);
    const flushes = a.cache.counts.flushes;
    await writer.markKeysUsed([key.id]);
    await sleep(200);
    expect(a.cache.counts.flushes).toBe(flushes);
    await a.lookup(key.hash);
    expect(a.loads()).toBe(1);
  });

  it('never caches a value read before a change once the change is acknowledged (a look-up racing the writer)', async () => {
    const a = await gateway();
    const key = await newKey();
    // Many look-ups in flight while the key is revoked: after the revocation returned, every
    // later look-up sees it, whatever the racing ones put in the cache.
    const racing = Array.from({ length: 50 }, (_, i) => sleep(i % 10).then(() => a.lookup(key.hash)));
    await writer.setKeyActive('acme', key.id, false);
    for (let i = 0; i < 20; i++) expect((await a.lookup(key.hash))?.isActive).toBe(false);
    await Promise.all(racing);
    expect((await a.lookup(key.hash))?.isActive).toBe(false);
  });

  it('a gateway that lost its LISTEN connection stops using its cache at once and reads the database', async () => {
    const listen: { client: Client | null } = { client: null };
    const a = await gateway(() => (listen.client = new Client(poolOf(sources[0]!).options)));
    const key = await newKey();
    await a.lookup(key.hash);
    await a.lookup(key.hash);
    expect(a.loads()).toBe(1);
    // The database ends the connection (as a failover would).
    const pid = (listen.client as unknown as { processID: number }).processID;
    await owner.query(`SELECT pg_terminate_backend($1)`, [pid]);
    await until(() => !a.cache.trusted, 'the cache is no longer trusted');
    await a.lookup(key.hash);
    expect(a.loads()).toBe(2);
    // It reconnects, starts empty and is trusted again.
    await until(() => a.cache.trusted, 'the cache reconnected', 5_000);
  });

  it('a writer does not wait for a gateway that died without deregistering beyond the lease', async () => {
    const a = await gateway();
    const key = await newKey();
    // A second "gateway" registered, then gone without a word (its heartbeats stop now).
    const dead = randomUUID();
    await owner.query(`INSERT INTO gateway.gateway_instances (id, acked) VALUES ($1, 0)`, [dead]);
    const started = Date.now();
    await writer.setKeyActive('acme', key.id, false);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(INSTANCE_LEASE_MS - 500);
    expect(waited).toBeLessThan(INSTANCE_LEASE_MS + 2_500);
    expect((await a.lookup(key.hash))?.isActive).toBe(false);
    // Once its heartbeat is stale, later changes do not wait for it at all.
    const again = Date.now();
    await writer.setKeyActive('acme', key.id, true);
    expect(Date.now() - again).toBeLessThan(1_000);
  }, 20_000);

  it('with every gateway up, a change waits only for their acknowledgements (milliseconds)', async () => {
    await gateway();
    await gateway();
    const key = await newKey();
    const started = Date.now();
    for (let i = 0; i < 5; i++) await writer.setKeyActive('acme', key.id, i % 2 === 0 ? false : true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
