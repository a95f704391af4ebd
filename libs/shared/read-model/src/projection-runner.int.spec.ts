import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { RecordedEvent } from '@datamingle/event-store';
import { PostgresEventStore, postgresEventStoreMigration } from '@datamingle/event-store-adapters';
import { createTestDatabase, eventually } from '@datamingle/testing';
import { createReadModelDataSource, type Sql } from './data-source';
import { readProjectionCheckpoint, writeProjectionCheckpoint, type CatchUpProjection } from './document-projection';
import { runMigrationSets, sqlMigration } from './migrations';
import { ProjectionRunner } from './projection-runner';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A projection that only counts what it applies; it fails while `failing` is set. */
class CountingProjection implements CatchUpProjection {
  readonly spec: CatchUpProjection['spec'];
  applied: RecordedEvent[] = [];
  failing = false;

  constructor(name: string, category: string) {
    this.spec = { name, category, checkpointTable: 'runnertest.checkpoints', table: '' };
  }

  async applyBatch(_sql: Sql, events: readonly RecordedEvent[]): Promise<void> {
    if (this.failing) throw new Error('projection failure (test)');
    this.applied.push(...events);
  }

  into(): CatchUpProjection {
    return this;
  }

  readCheckpoint(qr: Sql | DataSource): Promise<string | null> {
    return readProjectionCheckpoint(qr, this.spec.checkpointTable, this.spec.name);
  }

  writeCheckpoint(sql: Sql, position: string): Promise<void> {
    return writeProjectionCheckpoint(sql, this.spec.checkpointTable, this.spec.name, position);
  }
}

describe('ProjectionRunner status (metrics: lease, events handled, lag)', () => {
  let ds: DataSource;
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];

  const append = (category: string, n = 1) =>
    store.appendToStream(
      `${category}-${randomUUID()}`,
      Array.from({ length: n }, () => ({ id: randomUUID(), type: 'Happened', data: {}, metadata: {} })),
      { expectedRevision: 'no_stream' },
    );
  const runner = (projection: CatchUpProjection) => {
    const r = new ProjectionRunner(ds, store, projection, silent, { leaseRetryMs: 100, coalesceMs: 10 });
    runners.push(r);
    return r;
  };

  beforeAll(async () => {
    const url = await createTestDatabase('runner');
    await runMigrationSets(url, [
      { name: 'event_store', migrations: [sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')])] },
      {
        name: 'runnertest',
        migrations: [sqlMigration('RunnerTest1764100009100', [`CREATE SCHEMA runnertest`, `CREATE TABLE runnertest.checkpoints (projection text PRIMARY KEY, position text NOT NULL)`])],
      },
    ]);
    ds = createReadModelDataSource({ url, poolSize: 6, restricted: false });
    await ds.initialize();
    store = new PostgresEventStore({ pool: new Pool({ connectionString: url, max: 4 }) });
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await store?.close();
    await ds?.destroy();
  });

  it('one of two runners holds the lease and counts the events it handles; lag is 0 once caught up; the other takes over when it stops', async () => {
    const projectionA = new CountingProjection('test.lease', 'alpha');
    const projectionB = new CountingProjection('test.lease', 'alpha');
    const a = runner(projectionA);
    const b = runner(projectionB);
    expect(a.status()).toEqual({ projection: 'test.lease', leaseHeld: false, eventsHandled: 0, lagSeconds: 0 });
    a.start();
    await eventually(async () => expect(a.status().leaseHeld).toBe(true));
    b.start();
    await append('alpha', 2);
    await append('alpha', 1);
    await append('other', 1); // another category: not this projection's
    await eventually(async () => expect(a.status()).toEqual({ projection: 'test.lease', leaseHeld: true, eventsHandled: 3, lagSeconds: 0 }));
    expect(b.status()).toEqual({ projection: 'test.lease', leaseHeld: false, eventsHandled: 0, lagSeconds: 0 });

    await a.stop();
    expect(a.status().leaseHeld).toBe(false);
    await eventually(async () => expect(b.status().leaseHeld).toBe(true));
    await append('alpha', 1);
    await eventually(async () => expect(b.status()).toMatchObject({ leaseHeld: true, eventsHandled: 1, lagSeconds: 0 }));
    expect(a.status().eventsHandled).toBe(3);
  });

  it('reports the age of the first pending event while a batch cannot be handled, then 0 once it is', async () => {
    const projection = new CountingProjection('test.lag', 'beta');
    const r = runner(projection);
    r.start();
    await eventually(async () => expect(r.status()).toMatchObject({ leaseHeld: true, lagSeconds: 0 }));
    projection.failing = true;
    await append('beta', 2);
    const appendedAt = Date.now();
    // The batch is read and fails; it is retried as is, so the lag grows with the first event's age.
    await eventually(async () => expect(r.status().lagSeconds).toBeGreaterThan(0.5), 5_000);
    const seen = r.status();
    expect(seen.lagSeconds).toBeLessThanOrEqual((Date.now() - appendedAt) / 1000 + 1);
    expect(seen.eventsHandled).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.status().lagSeconds).toBeGreaterThan(seen.lagSeconds);
    projection.failing = false;
    await eventually(async () => expect(r.status()).toMatchObject({ leaseHeld: true, eventsHandled: 2, lagSeconds: 0 }), 5_000);
    expect(projection.applied).toHaveLength(2);
  });
});
