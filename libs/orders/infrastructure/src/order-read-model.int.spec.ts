import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { OrderDto } from '@datamingle/contracts';
import { PostgresEventStore, postgresEventStoreMigration } from '@datamingle/event-store';
import { orderStreamName } from '@datamingle/orders-application';
import { decideOrder, initialOrderState, validateCreateOrder, type OrderEvent } from '@datamingle/orders-domain';
import { asTenant, createReadModelDataSource, DocumentProjection, inTransaction, ProjectionRunner, rebuildProjection, runMigrationSets, sqlMigration } from '@datamingle/read-model';
import { createTestDatabase } from '@datamingle/testing';
import { ordersMigrations } from './migrations';
import { ORDER_COLUMNS, orderProjectionSpec } from './order-projection';
import { PgOrderReadModel } from './pg-order-read-model';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('orders read model on PostgreSQL', () => {
  let ds: DataSource;
  let owner: DataSource;
  let store: PostgresEventStore;
  let projection: DocumentProjection<OrderDto>;
  let readModel: PgOrderReadModel;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  async function createOrder(tenantId: string, orderNumber: string, externalId: string | null = null): Promise<OrderDto> {
    const input = validateCreateOrder({ order_number: orderNumber, external_order_id: externalId, items: [{ sku_code: 'SKU-1', quantity: 2 }] });
    if (!input.ok) throw new Error(JSON.stringify(input.error));
    const decision = decideOrder(
      { type: 'CreateOrder', data: { input: input.value, orderId: randomUUID(), lineIds: [randomUUID()], now: new Date().toISOString() } },
      initialOrderState(),
    );
    if (!decision.ok) throw new Error(JSON.stringify(decision.error));
    const events = decision.value as OrderEvent[];
    const streamName = orderStreamName(tenantId, orderNumber);
    const doc = events[0]!.data as OrderDto;
    await readModel.writeAndProject(tenantId, streamName, null, async () => {
      const appended = await store.appendToStream(
        streamName,
        events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: { tenant_id: tenantId } })),
        { expectedRevision: 'no_stream' },
      );
      return { result: appended, appended: { fromRevision: 0n, toRevision: appended.nextExpectedRevision, doc } };
    });
    return doc;
  }

  beforeAll(async () => {
    const url = await createTestDatabase('orders_rm');
    await runMigrationSets(url, [
      { name: 'event_store', migrations: [sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')])] },
      ordersMigrations,
    ]);
    ds = createReadModelDataSource({ url, poolSize: 4 });
    await ds.initialize();
    owner = createReadModelDataSource({ url, poolSize: 2, restricted: false });
    await owner.initialize();
    store = new PostgresEventStore({ pool: new Pool({ connectionString: url, max: 4 }) });
    projection = new DocumentProjection(orderProjectionSpec, store, ORDER_COLUMNS);
    readModel = new PgOrderReadModel(ds, projection);
    await createOrder(tenantA, 'A-1', 'EXT-1');
    await createOrder(tenantA, 'A-2');
    await createOrder(tenantB, 'B-1', 'EXT-1');
  });

  afterAll(async () => {
    await store?.close();
    await ds?.destroy();
    await owner?.destroy();
  });

  it('row-level security limits a query that forgets the tenant filter to the current tenant', async () => {
    const seenByA = await asTenant(ds, tenantA, (sql) => sql.query<{ order_number: string }>(`SELECT order_number FROM orders.orders ORDER BY order_number`));
    expect(seenByA.map((r) => r.order_number)).toEqual(['A-1', 'A-2']);
    const seenByB = await asTenant(ds, tenantB, (sql) => sql.query<{ order_number: string }>(`SELECT order_number FROM orders.orders`));
    expect(seenByB.map((r) => r.order_number)).toEqual(['B-1']);
    expect(await inTransaction(ds, (sql) => sql.query(`SELECT order_number FROM orders.orders`))).toEqual([]);
  });

  it('resolves identifiers within the tenant only', async () => {
    expect((await readModel.findByIdentifier(tenantA, 'EXT-1'))?.order.order_number).toBe('A-1');
    expect((await readModel.findByIdentifier(tenantB, 'EXT-1'))?.order.order_number).toBe('B-1');
    expect(await readModel.findByIdentifier(tenantB, 'A-2')).toBeNull();
  });

  it('applying the same events again, any number of times, changes nothing (idempotent by revision)', async () => {
    const before = await asTenant(ds, tenantA, (sql) => sql.query(`SELECT stream_name, revision, doc::text FROM orders.orders ORDER BY stream_name`));
    const events = await store.readAll({ maxCount: 1000, categories: ['order'] });
    for (let i = 0; i < 3; i++) await inTransaction(ds, (sql) => projection.applyBatch(sql, events));
    const after = await asTenant(ds, tenantA, (sql) => sql.query(`SELECT stream_name, revision, doc::text FROM orders.orders ORDER BY stream_name`));
    expect(after).toEqual(before);
  });

  it('a rebuild from the event store reproduces the rows the writers projected', async () => {
    const snapshot = async (tenant: string) =>
      asTenant(ds, tenant, (sql) => sql.query(`SELECT stream_name, revision, doc::text FROM orders.orders ORDER BY stream_name`));
    const before = [await snapshot(tenantA), await snapshot(tenantB)];
    for (const t of [tenantA, tenantB]) await asTenant(ds, t, (sql) => sql.query(`DELETE FROM orders.orders WHERE tenant_id = $1`, [t]));
    await inTransaction(ds, (sql) => sql.query(`DELETE FROM orders.projection_checkpoints`));
    expect(await snapshot(tenantA)).toEqual([]);
    await new ProjectionRunner(ds, store, projection, silent).catchUpNow();
    expect([await snapshot(tenantA), await snapshot(tenantB)]).toEqual(before);
  });

  it('projections rebuild replaces a corrupted read model from the event store while writes go on', async () => {
    const snapshot = async (tenant: string) =>
      asTenant(ds, tenant, (sql) => sql.query(`SELECT stream_name, revision, doc::text FROM orders.orders ORDER BY stream_name`));
    const expected = await snapshot(tenantA);
    // Simulate a projection bug: a row with wrong content.
    await asTenant(ds, tenantA, (sql) => sql.query(`UPDATE orders.orders SET doc = '{"broken": true}' WHERE order_number = 'A-1'`));
    expect(await snapshot(tenantA)).not.toEqual(expected);

    // Writes keep coming while the rebuild runs; the service's reads keep answering.
    const writes = (async () => {
      const created: string[] = [];
      for (let i = 0; i < 15; i++) created.push((await createOrder(tenantA, `R-${i}`)).order_number);
      return created;
    })();
    const result = await rebuildProjection(owner, store, new DocumentProjection(orderProjectionSpec, store, ORDER_COLUMNS));
    const created = await writes;
    expect(result.projection).toBe('orders.orders');

    const after = await snapshot(tenantA);
    for (const row of expected) expect(after).toContainEqual(row);
    const numbers = (await asTenant(ds, tenantA, (sql) => sql.query<{ order_number: string }>(`SELECT order_number FROM orders.orders`))).map((r) => r.order_number);
    for (const n of created) expect(numbers).toContain(n);
    // The new table keeps row-level security and the service role's grants.
    expect(await inTransaction(ds, (sql) => sql.query(`SELECT 1 FROM orders.orders`))).toEqual([]);
    expect((await asTenant(ds, tenantB, (sql) => sql.query(`SELECT order_number FROM orders.orders`))).map((r: { order_number: string }) => r.order_number)).toEqual(['B-1']);
  });
});
