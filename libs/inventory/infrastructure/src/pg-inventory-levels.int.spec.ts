/**
 * The bulk writer through the event-store port only (the path EventStoreDB deployments take):
 * run here against the PostgreSQL adapter hidden behind a plain EventStore without the port's
 * in-transaction capability, so the writer cannot use the same-transaction append and must use
 * appendToStreams with expected revisions.
 */
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  EventStore,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type StreamAppend,
  WriteAppliedError,
  WriteInDoubtError,
  writeOutcomeOf,
} from '@datamingle/event-store';
import { PostgresEventStore, postgresEventStoreMigration } from '@datamingle/event-store-adapters';
import { inventoryStreamName, type BulkApplication, type LevelChange } from '@datamingle/inventory-application';
import { pairKey } from '@datamingle/inventory-domain';
import { asTenant, createReadModelDataSource, runMigrationSets, sqlMigration } from '@datamingle/read-model';
import { createTestDatabase, eventually, holdLockInOtherSession, terminateBackendWaitingOnLock } from '@datamingle/testing';
import { inventoryMigrations } from './migrations';
import { PgInventoryLevels } from './pg-inventory-levels';

/** Only the port: no in-transaction capability (inTransactionAppender() is null), as with an EventStoreDB adapter. */
class PortOnly extends EventStore {
  appendToStreamsCalls = 0;
  /** Runs around the next appendToStreams (once): `before` instead of appending when it throws, `after` once it appended. */
  nextAppend: { before?: () => Promise<void>; after?: () => Promise<void> } | null = null;
  constructor(readonly inner: PostgresEventStore) {
    super();
  }
  appendToStream(s: string, e: readonly NewEvent[], o: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    return this.inner.appendToStream(s, e, o);
  }
  async appendToStreams(appends: readonly StreamAppend[]): Promise<Map<string, bigint>> {
    this.appendToStreamsCalls += 1;
    const hooks = this.nextAppend;
    this.nextAppend = null;
    await hooks?.before?.();
    const result = await this.inner.appendToStreams(appends);
    await hooks?.after?.();
    return result;
  }
  readStream(s: string, o?: { fromRevision?: bigint; maxCount?: number }): Promise<RecordedEvent[]> {
    return this.inner.readStream(s, o);
  }
  readAll(o: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(o);
  }
  waitForEvents(t: number, s?: AbortSignal): Promise<void> {
    return this.inner.waitForEvents(t, s);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const tenantId = randomUUID();
const location = { id: randomUUID(), code: 'WH-1' };
const location2 = { id: randomUUID(), code: 'WH-2' };

/** Sets absolute quantities: a change for every pair whose quantity differs. */
function setQuantities(wanted: Array<{ loc: { id: string; code: string }; sku: string; quantity: number }>): BulkApplication {
  return {
    plan(existing) {
      const changes: LevelChange[] = [];
      let created = 0;
      let updated = 0;
      for (const w of wanted) {
        const current = existing.get(pairKey(w.loc.code, w.sku));
        if (current?.quantity === w.quantity) continue;
        if (current) updated += 1;
        else created += 1;
        changes.push({ locationId: w.loc.id, locationCode: w.loc.code, sku: w.sku, quantity: w.quantity, previousQuantity: current?.quantity ?? null });
      }
      return { summary: { total: wanted.length, created, updated, failed: 0, errors: [] }, changes };
    },
    event(change) {
      return {
        type: 'InventoryLevelSet',
        data: { location_id: change.locationId, location_code: change.locationCode, sku_code: change.sku, quantity: change.quantity },
        metadata: { tenant_id: tenantId, aggregate_version: 0 },
      };
    },
  };
}

describe('inventory bulk writer through the event-store port (EventStoreDB path)', () => {
  const portAppName = `inventory-port-${randomUUID().slice(0, 8)}`;
  let ds: DataSource;
  let store: PortOnly;
  let levels: PgInventoryLevels;
  let admin: Client;

  const rows = () =>
    asTenant(ds, tenantId, (sql) =>
      sql.query<{ location_code: string; sku: string; quantity: string; revision: string }>(
        `SELECT location_code, sku, quantity::text, revision::text FROM inventory.levels ORDER BY location_code, sku`,
      ),
    );
  const apply = (wanted: Parameters<typeof setQuantities>[0]) =>
    levels.applyBulk(
      tenantId,
      [...new Set(wanted.map((w) => w.loc.id))],
      wanted.map((w) => ({ locationId: w.loc.id, sku: w.sku })),
      setQuantities(wanted),
    );

  beforeAll(async () => {
    const url = await createTestDatabase('inventory_port');
    await runMigrationSets(url, [
      { name: 'event_store', migrations: [sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')])] },
      inventoryMigrations,
    ]);
    ds = createReadModelDataSource({ url, poolSize: 4, applicationName: portAppName });
    await ds.initialize();
    store = new PortOnly(new PostgresEventStore({ pool: new Pool({ connectionString: url, max: 4 }) }));
    levels = new PgInventoryLevels(ds, store);
    admin = new Client({ connectionString: url });
    await admin.connect();
  });

  afterAll(async () => {
    await store?.close();
    await ds?.destroy();
    await admin?.end();
  });

  it('appends one event per changed pair across locations in one multi-stream append, rows at their event revisions', async () => {
    const summary = await apply([
      { loc: location, sku: 'A', quantity: 5 },
      { loc: location, sku: 'B', quantity: 7 },
      { loc: location2, sku: 'A', quantity: 1 },
    ]);
    expect(summary).toMatchObject({ created: 3, updated: 0 });
    expect(store.appendToStreamsCalls).toBe(1);
    const stream = await store.readStream(inventoryStreamName(tenantId, location.id));
    expect(stream.map((e) => [e.revision, (e.data as { sku_code: string }).sku_code, e.metadata['aggregate_version']])).toEqual([
      [0n, 'A', 1],
      [1n, 'B', 2],
    ]);
    expect(await rows()).toEqual([
      { location_code: 'WH-1', sku: 'A', quantity: '5', revision: '0' },
      { location_code: 'WH-1', sku: 'B', quantity: '7', revision: '1' },
      { location_code: 'WH-2', sku: 'A', quantity: '1', revision: '0' },
    ]);

    // Unchanged quantities: nothing appended.
    const again = await apply([{ loc: location, sku: 'A', quantity: 5 }]);
    expect(again).toMatchObject({ created: 0, updated: 0 });
    expect(store.appendToStreamsCalls).toBe(1);
  });

  it('catches up a location whose stream is ahead of its rows (a writer died after its append), then applies the request', async () => {
    const streamName = inventoryStreamName(tenantId, location.id);
    // Stored but never projected: B set to 9 at revision 2.
    await store.appendToStream(
      streamName,
      [{ id: randomUUID(), type: 'InventoryLevelSet', data: { location_id: location.id, location_code: 'WH-1', sku_code: 'B', quantity: 9 }, metadata: { tenant_id: tenantId, aggregate_version: 3 } }],
      { expectedRevision: 1n },
    );

    const summary = await apply([
      { loc: location, sku: 'A', quantity: 6 },
      { loc: location, sku: 'B', quantity: 9 },
    ]);
    // B already is 9 once the stored event is applied: only A changes.
    expect(summary).toMatchObject({ created: 0, updated: 1 });
    const stream = await store.readStream(streamName);
    expect(stream.map((e) => [e.revision, (e.data as { sku_code: string; quantity: number }).sku_code, (e.data as { quantity: number }).quantity])).toEqual([
      [0n, 'A', 5],
      [1n, 'B', 7],
      [2n, 'B', 9],
      [3n, 'A', 6],
    ]);
    expect(stream[3]!.metadata['aggregate_version']).toBe(4);
    expect((await rows()).filter((r) => r.location_code === 'WH-1')).toEqual([
      { location_code: 'WH-1', sku: 'A', quantity: '6', revision: '3' },
      { location_code: 'WH-1', sku: 'B', quantity: '9', revision: '2' },
    ]);
  });

  it('serializes concurrent writers of the same location: every event applied once, rows equal the stream', async () => {
    const writes = Array.from({ length: 8 }, (_, i) => apply([{ loc: location2, sku: `S-${i % 3}`, quantity: 100 + i }]));
    await Promise.all(writes);
    const stream = await store.readStream(inventoryStreamName(tenantId, location2.id));
    expect(stream.map((e) => e.revision)).toEqual(stream.map((_, i) => BigInt(i)));
    const last = new Map<string, { quantity: number; revision: bigint }>();
    for (const e of stream) {
      const d = e.data as { sku_code: string; quantity: number };
      last.set(d.sku_code, { quantity: d.quantity, revision: e.revision });
    }
    const wh2 = (await rows()).filter((r) => r.location_code === 'WH-2');
    expect(wh2.map((r) => [r.sku, Number(r.quantity), BigInt(r.revision)])).toEqual(
      [...last].sort(([a], [b]) => a.localeCompare(b)).map(([sku, v]) => [sku, v.quantity, v.revision]),
    );
  });
  it('applied, then failed: the rows (and COMMIT) after a successful multi-stream append fail → WriteAppliedError; a retry converges', async () => {
    const location3 = { id: randomUUID(), code: 'WH-3' };
    const wanted = [{ loc: location3, sku: 'A', quantity: 3 }];
    // Once the events are stored, the read model's connections (the writer's transaction among them) are terminated.
    store.nextAppend = {
      after: async () => {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [portAppName]);
      },
    };
    const error = await apply(wanted).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WriteAppliedError);
    expect(writeOutcomeOf(error)).toBe('applied');
    const stream = inventoryStreamName(tenantId, location3.id);
    expect((await store.readStream(stream)).length).toBe(1); // stored
    // A retry catches the rows up from the stream and changes nothing more.
    await eventually(async () => expect(await apply(wanted)).toMatchObject({ created: 0, updated: 0 }));
    expect((await store.readStream(stream)).length).toBe(1);
    expect((await rows()).filter((r) => r.location_code === 'WH-3')).toEqual([{ location_code: 'WH-3', sku: 'A', quantity: '3', revision: '0' }]);
  });

  it('an in-doubt multi-stream append is thrown as it is (not taken for applied), and a failure before it as it is', async () => {
    const location4 = { id: randomUUID(), code: 'WH-4' };
    const inDoubt = new WriteInDoubtError(new Error('Connection terminated unexpectedly'));
    store.nextAppend = {
      before: async () => {
        throw inDoubt;
      },
    };
    await expect(apply([{ loc: location4, sku: 'A', quantity: 4 }])).rejects.toBe(inDoubt);
    const plain = new Error('Connection terminated unexpectedly');
    store.nextAppend = {
      before: async () => {
        throw plain;
      },
    };
    await expect(apply([{ loc: location4, sku: 'A', quantity: 4 }])).rejects.toBe(plain);
    expect((await rows()).filter((r) => r.location_code === 'WH-4')).toEqual([]);
  });
});

/**
 * Write outcome of the same-transaction path (PostgreSQL store): the events and rows commit in
 * the bulk writer's transaction, so its COMMIT (sent by the read model's transaction helper) is
 * the commit-bearing write. A backend is terminated while it waits — before COMMIT on a
 * location's advisory lock, or at COMMIT on a deferred trigger waiting for an advisory lock.
 */
describe('inventory bulk writer on the PostgreSQL store: write outcome when the database goes away', () => {
  jest.setTimeout(20_000);
  const appName = `inventory-outcome-${randomUUID().slice(0, 8)}`;
  const tenant = tenantId;
  const loc = { id: randomUUID(), code: 'WO-1' };
  let url: string;
  let admin: Client;
  let ds: DataSource;
  let store: PostgresEventStore;
  let levels: PgInventoryLevels;

  const apply = (sku: string, quantity: number) =>
    levels.applyBulk(tenant, [loc.id], [{ locationId: loc.id, sku }], setQuantities([{ loc, sku, quantity }]));
  const eventsOf = async (sku: string): Promise<number> =>
    (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store.events WHERE data->>'sku_code' = $1`, [sku])).rows[0]!.n;
  const rowsOf = async (sku: string): Promise<number> =>
    (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.levels WHERE sku = $1`, [sku])).rows[0]!.n;

  const holdAdvisoryLock = (key: string) => holdLockInOtherSession(url, `SELECT pg_advisory_xact_lock(${key})`);
  const terminateWaitingBackend = () => terminateBackendWaitingOnLock(admin, appName);

  beforeAll(async () => {
    url = await createTestDatabase('inventory_outcome');
    await runMigrationSets(url, [
      { name: 'event_store', migrations: [sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')])] },
      inventoryMigrations,
    ]);
    admin = new Client({ connectionString: url });
    await admin.connect();
    // As the launcher's migration does (apps/launcher/src/migrate.ts).
    await admin.query(`
      GRANT USAGE ON SCHEMA event_store TO datamingle_app;
      GRANT SELECT, INSERT, UPDATE ON event_store.streams, event_store.events TO datamingle_app;
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA event_store TO datamingle_app;`);
    await admin.query(`
      CREATE FUNCTION event_store.at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.data->>'sku_code' = 'REJECT-AT-COMMIT' THEN RAISE EXCEPTION 'rejected at commit' USING ERRCODE = '23514'; END IF;
        IF NEW.data->>'sku_code' = 'WAIT-AT-COMMIT' THEN PERFORM pg_advisory_xact_lock(hashtextextended('wait-at-commit', 0)); END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON event_store.events
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION event_store.at_commit();`);
    ds = createReadModelDataSource({ url: withAppName(url, appName), poolSize: 4, applicationName: appName });
    await ds.initialize();
    store = new PostgresEventStore({ pool: new Pool({ connectionString: url, max: 2 }) });
    levels = new PgInventoryLevels(ds, store);
  });

  afterAll(async () => {
    await store?.close();
    await ds?.destroy();
    await admin?.end();
  });

  it('a committed bulk write is applied', async () => {
    expect(await apply('OK', 1)).toMatchObject({ created: 1 });
    expect([await eventsOf('OK'), await rowsOf('OK')]).toEqual([1, 1]);
  });

  it('terminated before its COMMIT was sent (waiting for the location lock): nothing applied, not in doubt', async () => {
    const lock = await holdAdvisoryLock(`hashtextextended('inventory:${tenant}:${loc.id}', 2)`);
    try {
      const writing = rejectionOf(apply('BEFORE-COMMIT', 1));
      await terminateWaitingBackend();
      const error = await writing;
      expect(error).toBeInstanceOf(Error);
      expect(writeOutcomeOf(error)).toBe('none');
    } finally {
      await lock.release();
    }
    expect(await eventsOf('BEFORE-COMMIT')).toBe(0);
  });

  it('terminated while its COMMIT runs: in doubt', async () => {
    const lock = await holdAdvisoryLock(`hashtextextended('wait-at-commit', 0)`);
    try {
      const writing = rejectionOf(apply('WAIT-AT-COMMIT', 1));
      await terminateWaitingBackend();
      const error = await writing;
      expect(error).toBeInstanceOf(WriteInDoubtError);
      expect(writeOutcomeOf(error)).toBe('in_doubt');
    } finally {
      await lock.release();
    }
    // All or nothing (here: nothing; the writer could not know).
    expect([await eventsOf('WAIT-AT-COMMIT'), await rowsOf('WAIT-AT-COMMIT')]).toEqual([0, 0]);
  });

  it('COMMIT rejected by PostgreSQL: nothing applied, not in doubt', async () => {
    const error = await rejectionOf(apply('REJECT-AT-COMMIT', 1));
    expect(error).toMatchObject({ code: '23514' });
    expect(writeOutcomeOf(error)).toBe('none');
    expect(await eventsOf('REJECT-AT-COMMIT')).toBe(0);
  });
});

/** The rejection of `promise` (fails the test when it resolves). */
function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function withAppName(url: string, applicationName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
}
