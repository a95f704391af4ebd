import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { OrderDto } from '@datamingle/contracts';
import { WriteAppliedError, WriteInDoubtError, writeOutcomeOf } from '@datamingle/event-store';
import { PostgresEventStore, postgresEventStoreMigration } from '@datamingle/event-store-adapters';
import { orderStreamName } from '@datamingle/orders-application';
import { decideOrder, initialOrderState, validateCreateOrder, type OrderEvent } from '@datamingle/orders-domain';
import { asTenant, createReadModelDataSource, DocumentProjection, inTransaction, ProjectionRunner, rebuildProjection, runMigrationSets, sqlMigration } from '@datamingle/read-model';
import { createTestDatabase, eventually } from '@datamingle/testing';
import { ordersMigrations } from './migrations';
import { ORDER_COLUMNS, orderProjectionSpec } from './order-projection';
import { PgOrderReadModel } from './pg-order-read-model';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The events of creating a one-line order (SKU-1 x quantity), through the real validator and decider. */
function orderCreatedEvents(orderNumber: string, externalId: string | null, quantity: number): OrderEvent[] {
  const input = validateCreateOrder({ order_number: orderNumber, external_order_id: externalId, items: [{ sku_code: 'SKU-1', quantity }] });
  if (!input.ok) throw new Error(JSON.stringify(input.error));
  const decision = decideOrder(
    { type: 'CreateOrder', data: { input: input.value, orderId: randomUUID(), lineIds: [randomUUID()], now: new Date().toISOString() } },
    initialOrderState(),
  );
  if (!decision.ok) throw new Error(JSON.stringify(decision.error));
  return decision.value as OrderEvent[];
}

describe('orders read model on PostgreSQL', () => {
  let ds: DataSource;
  let owner: DataSource;
  let store: PostgresEventStore;
  let projection: DocumentProjection<OrderDto>;
  let readModel: PgOrderReadModel;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  async function createOrder(tenantId: string, orderNumber: string, externalId: string | null = null): Promise<OrderDto> {
    const events = orderCreatedEvents(orderNumber, externalId, 2);
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

  it("matches only a partner's one identifier field when one is named (identifiers.md §2.2)", async () => {
    expect((await readModel.findByIdentifier(tenantA, 'EXT-1', 'external_order_id'))?.order.order_number).toBe('A-1');
    expect(await readModel.findByIdentifier(tenantA, 'EXT-1', 'order_number')).toBeNull();
    expect((await readModel.findByIdentifier(tenantA, 'A-1', 'order_number'))?.order.order_number).toBe('A-1');
    expect(await readModel.findByIdentifier(tenantA, 'A-1', 'external_order_id')).toBeNull();
    expect(await readModel.findByIdentifier(tenantB, 'A-1', 'order_number')).toBeNull();
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

/**
 * Write outcome of the claim path (a create or update that claims an external_order_id): the
 * claim check, the append (autocommitted by the event store on its own connection) and the
 * projection share one read-model transaction, so once the append returned, a failure of the
 * projection or of that transaction's COMMIT is "applied, then failed" (WriteAppliedError).
 */
describe('orders read model: write outcome of the claim path', () => {
  const appName = `orders-claim-${randomUUID().slice(0, 8)}`;
  const tenantId = randomUUID();
  let url: string;
  let ds: DataSource;
  let admin: Client;
  let store: PostgresEventStore;
  let readModel: PgOrderReadModel;

  beforeAll(async () => {
    url = await createTestDatabase('orders_claim');
    await runMigrationSets(url, [
      { name: 'event_store', migrations: [sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')])] },
      ordersMigrations,
    ]);
    const withAppName = new URL(url);
    withAppName.searchParams.set('application_name', appName);
    ds = createReadModelDataSource({ url: withAppName.toString(), poolSize: 2, applicationName: appName });
    await ds.initialize();
    store = new PostgresEventStore({ pool: new Pool({ connectionString: url, max: 2 }) });
    readModel = new PgOrderReadModel(ds, new DocumentProjection(orderProjectionSpec, store, ORDER_COLUMNS));
    admin = new Client({ connectionString: url });
    await admin.connect();
  });

  afterAll(async () => {
    await store?.close();
    await ds?.destroy();
    await admin?.end();
  });

  function order(orderNumber: string, externalId: string): { streamName: string; events: OrderEvent[]; doc: OrderDto } {
    const events = orderCreatedEvents(orderNumber, externalId, 1);
    return { streamName: orderStreamName(tenantId, orderNumber), events, doc: events[0]!.data as OrderDto };
  }

  /** The claim path's write: the append, then `afterAppend` (before the projection). */
  const claimWrite = (o: ReturnType<typeof order>, externalOrderId: string, afterAppend: () => Promise<void> = async () => undefined) =>
    readModel.writeAndProject(tenantId, o.streamName, { externalOrderId }, async () => {
      const appended = await store.appendToStream(
        o.streamName,
        o.events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: { tenant_id: tenantId } })),
        { expectedRevision: 'no_stream' },
      );
      await afterAppend();
      return { result: appended, appended: { fromRevision: 0n, toRevision: appended.nextExpectedRevision, doc: o.doc } };
    });

  /** Terminates the read model's connections (the claim transaction's among them) and waits until they are gone. */
  async function terminateReadModelConnections(): Promise<void> {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
    await eventually(async () => {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [appName]);
      expect(rows[0]!.n).toBe(0);
    });
  }

  const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );

  it('a claim write that commits: projected, readable at once', async () => {
    const o = order('C-1', 'EXT-C-1');
    expect(await claimWrite(o, 'EXT-C-1')).toMatchObject({ taken: false });
    expect((await readModel.findByIdentifier(tenantId, 'EXT-C-1'))?.order.order_number).toBe('C-1');
    // The id is taken now: the next claim of it writes nothing.
    expect(await claimWrite(order('C-2', 'EXT-C-1'), 'EXT-C-1')).toEqual({ taken: true });
    expect(await store.readStream(orderStreamName(tenantId, 'C-2'))).toEqual([]);
  });

  it('the read-model transaction loses its connection after the append → WriteAppliedError; the event is stored', async () => {
    const o = order('C-3', 'EXT-C-3');
    const error = await rejectionOf(claimWrite(o, 'EXT-C-3', terminateReadModelConnections));
    expect(error).toBeInstanceOf(WriteAppliedError);
    expect(writeOutcomeOf(error)).toBe('applied');
    expect(await store.readStream(o.streamName)).toHaveLength(1);
    expect(await readModel.findByIdentifier(tenantId, 'EXT-C-3')).toBeNull(); // not projected (the catch-up projection will)
  });

  it('failures of the append itself, or before it, are thrown as they are', async () => {
    const inDoubt = new WriteInDoubtError(new Error('Connection terminated unexpectedly'));
    const o = order('C-4', 'EXT-C-4');
    await expect(readModel.writeAndProject(tenantId, o.streamName, { externalOrderId: 'EXT-C-4' }, () => Promise.reject(inDoubt))).rejects.toBe(inDoubt);
    const plain = new Error('Connection terminated unexpectedly');
    await expect(readModel.writeAndProject(tenantId, o.streamName, { externalOrderId: 'EXT-C-4' }, () => Promise.reject(plain))).rejects.toBe(plain);
    // The read model's connections are lost before the append: the claim's first statement fails
    // (or the pool already replaced them and the write ran and failed on its own): never "applied".
    await terminateReadModelConnections();
    const lost = await rejectionOf(
      readModel.writeAndProject(tenantId, o.streamName, { externalOrderId: 'EXT-C-4' }, async () => {
        throw new Error('Connection terminated unexpectedly');
      }),
    );
    expect(writeOutcomeOf(lost)).toBe('none');
    expect(await store.readStream(o.streamName)).toEqual([]);
  });
});
