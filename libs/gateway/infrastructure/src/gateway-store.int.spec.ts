/**
 * The gateway store's security-event writes on a real, migrated PostgreSQL (auth-and-keys.md §9):
 * the batched insert of individual events and the aggregate upsert that several gateway
 * processes share. The store runs as the application role, like the gateway.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createReadModelDataSource, runMigrationSets } from '@datamingle/read-model';
import { createTestDatabase } from '@datamingle/testing';
import { GatewayStore, type SecurityEventAggregate, type SecurityEventRecord } from './gateway-store';
import { gatewayMigrations } from './migrations';

interface Row {
  tenant_id: string | null;
  occurred_at: Date;
  request_id: string;
  reason: string;
  api_key_id: string | null;
  api_key_name: string | null;
  method: string;
  path: string;
  client_ip: string | null;
  count: number;
  first_at: Date | null;
  last_at: Date | null;
  aggregate_key: string | null;
}

describe('GatewayStore security events on PostgreSQL', () => {
  let owner: DataSource;
  let gatewayA: DataSource;
  let gatewayB: DataSource;
  let storeA: GatewayStore;
  let storeB: GatewayStore;
  let acme: { id: string; slug: string };

  const rows = async (where: string, params: unknown[]): Promise<Row[]> =>
    owner.query(`SELECT tenant_id, occurred_at, request_id, reason, api_key_id, api_key_name, method, path, client_ip, count, first_at, last_at, aggregate_key
                   FROM gateway.security_events WHERE ${where} ORDER BY id`, params);

  const event = (o: Partial<SecurityEventRecord> = {}): SecurityEventRecord => ({
    tenantId: null,
    tenantSlug: 'acme',
    requestId: randomUUID(),
    reason: 'AUTHENTICATION_FAILED',
    keyId: null,
    keyName: null,
    method: 'GET',
    path: '/api/integrations/v1/orders/',
    clientIp: '198.51.100.7',
    occurredAt: new Date('2026-03-01T10:00:01.000Z'),
    ...o,
  });

  const aggregate = (o: Partial<SecurityEventAggregate> = {}): SecurityEventAggregate => ({
    aggregateKey: `agg-${randomUUID()}`,
    tenantId: null,
    tenantSlug: 'acme',
    requestId: randomUUID(),
    reason: 'AUTHENTICATION_FAILED',
    keyId: null,
    keyName: null,
    method: 'GET',
    path: '/api/integrations/v1/orders/',
    clientIp: '198.51.100.7',
    count: 1,
    firstAt: new Date('2026-03-01T10:00:20.000Z'),
    lastAt: new Date('2026-03-01T10:00:30.000Z'),
    ...o,
  });

  beforeAll(async () => {
    const url = await createTestDatabase('gateway_store');
    await runMigrationSets(url, [gatewayMigrations]);
    owner = createReadModelDataSource({ url, poolSize: 2, restricted: false });
    // Two "gateway processes": separate pools acting as the application role.
    gatewayA = createReadModelDataSource({ url, poolSize: 4 });
    gatewayB = createReadModelDataSource({ url, poolSize: 4 });
    await Promise.all([owner.initialize(), gatewayA.initialize(), gatewayB.initialize()]);
    storeA = new GatewayStore(gatewayA);
    storeB = new GatewayStore(gatewayB);
    acme = await storeA.createTenant('acme', 'Acme');
    await storeA.createTenant('globex', 'Globex');
  });

  afterAll(async () => {
    await Promise.all([owner?.destroy(), gatewayA?.destroy(), gatewayB?.destroy()]);
  });

  it('inserts a batch of individual events in one statement, each findable by its request_id, tenant from the key or the host', async () => {
    const byId = event({ tenantId: acme.id, tenantSlug: 'acme', keyId: randomUUID(), keyName: 'ERP', reason: 'KEY_EXPIRED' });
    const byHost = event({ occurredAt: new Date('2026-03-01T10:00:02.500Z') });
    const noTenant = event({ tenantSlug: 'nosuchtenant' });
    const noHost = event({ tenantSlug: null, clientIp: null, path: `/${'x'.repeat(3000)}` });
    await storeA.insertSecurityEvents([byId, byHost, noTenant, noHost]);

    const stored = await rows('request_id = ANY($1)', [[byId, byHost, noTenant, noHost].map((e) => e.requestId)]);
    expect(stored).toEqual([
      {
        tenant_id: acme.id,
        occurred_at: byId.occurredAt,
        request_id: byId.requestId,
        reason: 'KEY_EXPIRED',
        api_key_id: byId.keyId,
        api_key_name: 'ERP',
        method: 'GET',
        path: '/api/integrations/v1/orders/',
        client_ip: '198.51.100.7',
        count: 1,
        first_at: null,
        last_at: null,
        aggregate_key: null,
      },
      expect.objectContaining({ tenant_id: acme.id, occurred_at: byHost.occurredAt, request_id: byHost.requestId, api_key_id: null, count: 1 }),
      expect.objectContaining({ tenant_id: null, request_id: noTenant.requestId }),
      expect.objectContaining({ tenant_id: null, request_id: noHost.requestId, client_ip: null, path: `/${'x'.repeat(1999)}` }),
    ]);
  });

  it('writes 500 events as one batch, and an empty batch is a no-op', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => event({ clientIp: '203.0.113.50', occurredAt: new Date(Date.UTC(2026, 2, 1, 11, 0, 0, i)) }));
    await storeA.insertSecurityEvents(batch);
    await storeA.insertSecurityEvents([]);
    const [{ n }] = await owner.query(`SELECT count(*)::int AS n FROM gateway.security_events WHERE client_ip = '203.0.113.50' AND tenant_id = $1`, [acme.id]);
    expect(n).toBe(500);
  });

  it('two gateways upserting the same aggregate end with ONE row: summed count, earliest first_at, latest last_at', async () => {
    const key = `agg-${randomUUID()}`;
    const fromA = aggregate({ aggregateKey: key, count: 40, firstAt: new Date('2026-03-01T10:00:05.000Z'), lastAt: new Date('2026-03-01T10:00:40.000Z') });
    const fromB = aggregate({ aggregateKey: key, count: 25, firstAt: new Date('2026-03-01T10:00:03.000Z'), lastAt: new Date('2026-03-01T10:00:31.000Z') });
    await Promise.all([storeA.upsertSecurityEventAggregates([fromA]), storeB.upsertSecurityEventAggregates([fromB])]);
    // A later flush of gateway A adds to the same row.
    await storeA.upsertSecurityEventAggregates([aggregate({ aggregateKey: key, count: 7, firstAt: new Date('2026-03-01T10:00:50.000Z'), lastAt: new Date('2026-03-01T10:00:59.900Z') })]);

    const stored = await rows('aggregate_key = $1', [key]);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      tenant_id: acme.id,
      reason: 'AUTHENTICATION_FAILED',
      client_ip: '198.51.100.7',
      count: 72,
      first_at: new Date('2026-03-01T10:00:03.000Z'),
      last_at: new Date('2026-03-01T10:00:59.900Z'),
      occurred_at: new Date('2026-03-01T10:00:03.000Z'),
    });
    // request_id, method and path are those of the request the row was created with.
    expect([fromA.requestId, fromB.requestId]).toContain(stored[0]!.request_id);
  });

  it('many concurrent upserts of overlapping buckets from two gateways neither lose counts nor deadlock', async () => {
    const keys = Array.from({ length: 300 }, () => `agg-${randomUUID()}`);
    const batch = (order: string[]) => order.map((k) => aggregate({ aggregateKey: k, count: 3 }));
    const reversed = [...keys].reverse();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? storeA.upsertSecurityEventAggregates(batch(keys)) : storeB.upsertSecurityEventAggregates(batch(reversed)))),
    );
    const stored = await rows('aggregate_key = ANY($1)', [keys]);
    expect(stored).toHaveLength(300);
    expect(stored.every((r) => r.count === 30)).toBe(true);
  });

  it('merges parts of one bucket sent in one call (no "cannot affect row a second time")', async () => {
    const key = `agg-${randomUUID()}`;
    await storeA.upsertSecurityEventAggregates([aggregate({ aggregateKey: key, count: 2 }), aggregate({ aggregateKey: key, count: 5 })]);
    expect((await rows('aggregate_key = $1', [key])).map((r) => r.count)).toEqual([7]);
  });

  it('keeps the API key of an aggregate only while every part names the same key', async () => {
    const keyId = randomUUID();
    const same = `agg-${randomUUID()}`;
    const mixed = `agg-${randomUUID()}`;
    const k = { tenantId: acme.id, reason: 'KEY_EXPIRED', keyId, keyName: 'ERP' };
    await storeA.upsertSecurityEventAggregates([aggregate({ ...k, aggregateKey: same }), aggregate({ ...k, aggregateKey: mixed })]);
    await storeB.upsertSecurityEventAggregates([aggregate({ ...k, aggregateKey: same }), aggregate({ ...k, aggregateKey: mixed, keyId: randomUUID(), keyName: 'Other' })]);
    expect(await rows('aggregate_key = $1', [same])).toEqual([expect.objectContaining({ api_key_id: keyId, api_key_name: 'ERP', count: 2 })]);
    expect(await rows('aggregate_key = $1', [mixed])).toEqual([expect.objectContaining({ api_key_id: null, api_key_name: null, count: 2 })]);
  });

  it('an aggregate for a host that names no tenant belongs to no tenant', async () => {
    const key = `agg-${randomUUID()}`;
    await storeA.upsertSecurityEventAggregates([aggregate({ aggregateKey: key, tenantSlug: 'nosuchtenant' }), aggregate({ tenantSlug: 'globex' })]);
    expect(await rows('aggregate_key = $1', [key])).toEqual([expect.objectContaining({ tenant_id: null, count: 1 })]);
  });

  it('the table refuses rows that are neither an individual event nor a well-formed aggregate', async () => {
    const insert = (count: number, first: string | null, last: string | null, key: string | null) =>
      owner.query(
        `INSERT INTO gateway.security_events (request_id, reason, method, path, count, first_at, last_at, aggregate_key) VALUES ('r', 'AUTHENTICATION_FAILED', 'GET', '/', $1, $2, $3, $4)`,
        [count, first, last, key],
      );
    await expect(insert(5, null, null, null)).rejects.toThrow(/security_events_aggregate_shape/);
    await expect(insert(5, '2026-03-01T10:00:00Z', null, 'k')).rejects.toThrow(/security_events_aggregate_shape/);
    await expect(insert(0, '2026-03-01T10:00:00Z', '2026-03-01T10:00:01Z', 'k')).rejects.toThrow(/security_events_aggregate_shape/);
    await expect(insert(2, '2026-03-01T10:00:02Z', '2026-03-01T10:00:01Z', 'k')).rejects.toThrow(/security_events_aggregate_shape/);
  });

  it('the application role may merge aggregates but not rewrite what an event says', async () => {
    await expect(gatewayA.query(`UPDATE gateway.security_events SET reason = 'PERMISSION_DENIED' WHERE false`)).rejects.toThrow(/permission denied/);
    await expect(gatewayA.query(`DELETE FROM gateway.security_events WHERE false`)).rejects.toThrow(/permission denied/);
  });

  it('lists the tenant slugs', async () => {
    expect((await storeA.tenantSlugs()).sort()).toEqual(['acme', 'globex']);
  });
});
