import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Client, Pool, type PoolClient } from 'pg';
import { createTestDatabase, eventually, holdLockInOtherSession, terminateBackendWaitingOnLock } from '@datamingle/testing';
import { catchUpOnce, DuplicateEventIdError, EventStoreUnavailableError, WriteInDoubtError, writeOutcomeOf, WrongExpectedVersionError, type NewEvent, type RecordedEvent } from '@datamingle/event-store';
import { describeEventStoreContract } from '@datamingle/event-store/testing';
import { decodePosition, START_POSITION } from './position';
import { commitPostgresTransaction, COPY_MIN_EVENTS, PostgresEventStore, TransactionRolledBackError } from './postgres-event-store';

jest.setTimeout(20_000);

let databaseUrl: string | undefined;
const testDatabase = async (): Promise<string> => (databaseUrl ??= await createTestDatabase('event_store'));

describeEventStoreContract('postgres', async () => {
  const store = new PostgresEventStore({ pool: new Pool({ connectionString: await testDatabase(), max: 12 }) });
  await store.ensureSchema();
  return { store, cleanup: () => store.close() };
});

describe('PostgresEventStore (PostgreSQL specifics)', () => {
  let pool: Pool;
  let store: PostgresEventStore;
  const opened: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    pool = new Pool({ connectionString: await testDatabase(), max: 6 });
    store = new PostgresEventStore({ pool, schema: 'es_specifics' });
    await store.ensureSchema();
  });

  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await store.close();
  });

  const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });

  it('appendToStreamsInTransaction appends to many streams in the caller\'s transaction, with versions in metadata', async () => {
    const existing = stream();
    const fresh = stream();
    await store.appendToStream(existing, [event('A'), event('B')], { expectedRevision: 'no_stream' });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const revisions = await store.appendToStreamsInTransaction(
        client,
        [
          { streamName: existing, events: [event('C')] },
          { streamName: fresh, events: [event('D'), event('E')] },
        ],
        { versionMetadataKey: 'aggregate_version' },
      );
      expect(revisions.get(existing)).toEqual({ firstRevision: 2n, lastRevision: 2n });
      expect(revisions.get(fresh)).toEqual({ firstRevision: 0n, lastRevision: 1n });
      // Not visible before the caller commits.
      expect(await store.readStream(fresh)).toEqual([]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect((await store.readStream(existing)).map((e) => [e.type, e.revision, e.metadata['aggregate_version']])).toEqual([
      ['A', 0n, undefined],
      ['B', 1n, undefined],
      ['C', 2n, 3],
    ]);
    expect((await store.readStream(fresh)).map((e) => [e.type, e.revision, e.metadata['aggregate_version']])).toEqual([
      ['D', 0n, 1],
      ['E', 1n, 2],
    ]);
  });

  it('appendToStreamsInTransaction leaves nothing behind when the caller rolls back', async () => {
    const s = stream();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await store.appendToStreamsInTransaction(client, [{ streamName: s, events: [event('X')] }]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await store.readStream(s)).toEqual([]);
    await store.appendToStream(s, [event('Y')], { expectedRevision: 'no_stream' });
  });

  describe(`appendToStreamsInTransaction of ${COPY_MIN_EVENTS} events or more (COPY)`, () => {
    /** Text that COPY's text format must escape, and text beyond ASCII. */
    const awkward = 'tab\there, newline\nthere, cr\rthere, back\\slash, \\N, \\., quote " and ünïcödé 😀';

    async function appendMany(appends: ReadonlyArray<{ streamName: string; events: NewEvent[] }>, options: { versionMetadataKey?: string } = {}) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const revisions = await store.appendToStreamsInTransaction(client, appends, options);
        await commitPostgresTransaction(client);
        return revisions;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    }

    it('stores every event as given, in append order, with revisions continuing existing streams and versions in metadata', async () => {
      const start = await marker();
      const existing = `copy${randomUUID().replace(/-/g, '')}-with\ttab\\and backslash`;
      await store.appendToStream(existing, [event('Before')], { expectedRevision: 'no_stream' });
      const appends = [
        { streamName: existing, events: [0, 1].map((i) => ({ id: randomUUID(), type: `Type\t${i}`, data: { i, text: awkward, nested: { list: [awkward, null, 1.5] } }, metadata: { note: awkward } })) },
        ...Array.from({ length: COPY_MIN_EVENTS }, (_, k) => ({
          streamName: `copy${randomUUID().replace(/-/g, '')}-${k}`,
          events: [{ id: randomUUID(), type: 'Counted', data: { k }, metadata: {} }],
        })),
      ];
      const revisions = await appendMany(appends, { versionMetadataKey: 'aggregate_version' });
      expect(revisions.get(existing)).toEqual({ firstRevision: 1n, lastRevision: 2n });
      expect(revisions.get(appends[1]!.streamName)).toEqual({ firstRevision: 0n, lastRevision: 0n });

      const stored = await store.readStream(existing);
      expect(stored.map((e) => [e.type, e.revision, e.data, e.metadata])).toEqual([
        ['Before', 0n, { type: 'Before' }, {}],
        ['Type\t0', 1n, { i: 0, text: awkward, nested: { list: [awkward, null, 1.5] } }, { note: awkward, aggregate_version: 2 }],
        ['Type\t1', 2n, { i: 1, text: awkward, nested: { list: [awkward, null, 1.5] } }, { note: awkward, aggregate_version: 3 }],
      ]);
      // The store's global order is the append's order.
      const ids: string[] = appends.flatMap((a) => a.events.map((e) => e.id));
      const read = await store.readAll({ after: start, maxCount: ids.length + 10 });
      expect(read.filter((e) => ids.includes(e.id)).map((e) => e.id)).toEqual(ids);
      expect(read.find((e) => e.streamName === appends[7]!.streamName)).toMatchObject({ type: 'Counted', revision: 0n, data: { k: 6 }, metadata: { aggregate_version: 1 } });
    });

    it('refuses an event id already stored (DuplicateEventIdError) and leaves nothing of the append', async () => {
      const taken = randomUUID();
      await store.appendToStream(stream(), [{ id: taken, type: 'First', data: {}, metadata: {} }], { expectedRevision: 'no_stream' });
      const appends = Array.from({ length: COPY_MIN_EVENTS }, (_, k) => ({
        streamName: stream(),
        events: [{ id: k === COPY_MIN_EVENTS - 1 ? taken : randomUUID(), type: 'Late', data: { k }, metadata: {} }],
      }));
      const error = await appendMany(appends).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect((error as DuplicateEventIdError).message).toContain(taken);
      expect(await store.readStream(appends[0]!.streamName)).toEqual([]);
    });
  });

  const stream = (): string => `late${randomUUID().replace(/-/g, '')}-1`;
  const marker = async (): Promise<string> =>
    (await store.appendToStream(stream(), [event('Marker')], { expectedRevision: 'no_stream' })).position;

  /** readAll after `after`, only events with these ids. */
  const readOwn = async (after: string, ids: readonly string[]): Promise<RecordedEvent[]> =>
    (await store.readAll({ after, maxCount: 1000 })).filter((e) => ids.includes(e.id));

  async function inTransaction(): Promise<PoolClient> {
    const client = await pool.connect();
    await client.query('BEGIN');
    return client;
  }

  async function finish(client: PoolClient, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    try {
      await client.query(command);
    } finally {
      client.release();
    }
  }

  it('holds back events committed after a still-open earlier transaction, then returns both in order; a checkpointing reader skips nothing', async () => {
    const start = await marker();
    const e1 = event('E1');
    const e2 = event('E2');
    const streamA = stream();
    const streamB = stream();
    // A reader that checkpoints whatever it handles.
    const handled: RecordedEvent[] = [];
    let checkpoint: string | null = start;
    const catchUp = async (): Promise<void> => {
      const result = await catchUpOnce({
        store,
        from: async () => checkpoint,
        batchSize: 1,
        handle: async (events) => void handled.push(...events),
      });
      checkpoint = result.position;
    };

    const a = await inTransaction();
    let aOpen = true;
    try {
      await store.appendToStreamInTransaction(a, streamA, [e1], { expectedRevision: 'no_stream' });
      const e2Result = await store.appendToStream(streamB, [e2], { expectedRevision: 'no_stream' });

      // E2 is committed and visible to plain queries, and took a later sequence value than E1...
      const committed = await pool.query<{ global_position: string }>(
        'SELECT global_position::text AS global_position FROM es_specifics.events WHERE event_id = $1',
        [e2.id],
      );
      expect(committed.rows).toHaveLength(1);
      expect(e2Result.position).toBe(
        (await store.readStream(streamB))[0]!.position,
      );
      // ...but readAll must not return it while A, with a lower transaction id, can still commit.
      for (let i = 0; i < 3; i++) {
        expect(await readOwn(start, [e1.id, e2.id])).toEqual([]);
        await catchUp();
      }
      expect(handled.filter((e) => e.id === e2.id)).toEqual([]);

      await finish(a, 'COMMIT');
      aOpen = false;
    } finally {
      if (aOpen) await finish(a, 'ROLLBACK');
    }

    await eventually(async () => expect((await readOwn(start, [e1.id, e2.id])).map((e) => e.type)).toEqual(['E1', 'E2']));
    await eventually(async () => {
      await catchUp();
      expect(handled.filter((e) => [e1.id, e2.id].includes(e.id)).map((e) => e.type)).toEqual(['E1', 'E2']);
    });
  });

  it('orders by transaction first: a transaction that began earlier but inserted later still comes first and is not skipped', async () => {
    const start = await marker();
    const early = event('EarlyTransaction');
    const late = event('LateTransaction');
    const a = await inTransaction();
    let aOpen = true;
    try {
      await a.query('SELECT pg_current_xact_id()'); // A takes its transaction id now
      const lateResult = await store.appendToStream(stream(), [late], { expectedRevision: 'no_stream' });
      const earlyResult = await store.appendToStreamInTransaction(a, stream(), [early], { expectedRevision: 'no_stream' });
      // A's sequence value is the higher one, its transaction id the lower one.
      expect(decodePosition(earlyResult.position).globalPosition).toBeGreaterThan(decodePosition(lateResult.position).globalPosition);
      expect(earlyResult.position < lateResult.position).toBe(true);
      expect(await readOwn(start, [early.id, late.id])).toEqual([]);
      await finish(a, 'COMMIT');
      aOpen = false;
    } finally {
      if (aOpen) await finish(a, 'ROLLBACK');
    }
    await eventually(async () =>
      expect((await readOwn(start, [early.id, late.id])).map((e) => e.type)).toEqual(['EarlyTransaction', 'LateTransaction']),
    );
  });

  it('a rolled-back transaction leaves no event and does not block readers afterwards', async () => {
    const start = await marker();
    const rolledBack = event('RolledBack');
    const kept = event('Kept');
    const streamA = stream();
    const a = await inTransaction();
    await store.appendToStreamInTransaction(a, streamA, [rolledBack], { expectedRevision: 'no_stream' });
    await store.appendToStream(stream(), [kept], { expectedRevision: 'no_stream' });
    await finish(a, 'ROLLBACK');

    await eventually(async () => expect((await readOwn(start, [rolledBack.id, kept.id])).map((e) => e.type)).toEqual(['Kept']));
    expect(await store.readStream(streamA)).toEqual([]);
    // The stream row was rolled back too.
    await store.appendToStream(streamA, [event('AfterRollback')], { expectedRevision: 'no_stream' });
  });

  it('appendToStreamInTransaction keeps the caller transaction usable after a failed append, and needs a transaction', async () => {
    const streamA = stream();
    await store.appendToStream(streamA, [event('First')], { expectedRevision: 'no_stream' });
    const a = await inTransaction();
    try {
      await expect(
        store.appendToStreamInTransaction(a, streamA, [event('Conflict')], { expectedRevision: 'no_stream' }),
      ).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actual: 0n });
      await store.appendToStreamInTransaction(a, streamA, [event('Second')], { expectedRevision: 0n });
      await finish(a, 'COMMIT');
    } catch (error) {
      await finish(a, 'ROLLBACK');
      throw error;
    }
    expect((await store.readStream(streamA)).map((e) => e.type)).toEqual(['First', 'Second']);

    const idle = await pool.connect();
    try {
      await expect(
        store.appendToStreamInTransaction(idle, streamA, [event('NoTransaction')], { expectedRevision: 1n }),
      ).rejects.toThrow(/open transaction/);
    } finally {
      idle.release();
    }
    expect(await store.readStream(streamA, { fromRevision: 2n })).toEqual([]);
  });

  it('waitForEvents wakes up on a committed append, long before its timeout', async () => {
    const listening = new PostgresEventStore({ pool: new Pool({ connectionString: await testDatabase(), max: 1 }), schema: 'es_specifics' });
    opened.push(listening);
    // Establish the LISTEN connection first; its set-up wakes waiters on purpose.
    await eventually(async () => {
      await listening.waitForEvents(50);
      expect(listening.listening).toBe(true);
    });
    await listening.waitForEvents(20); // consume a wake-up pending from the set-up, if any

    // Without an append, a wait lasts its timeout...
    const quietStart = Date.now();
    await listening.waitForEvents(300);
    expect(Date.now() - quietStart).toBeGreaterThanOrEqual(250);

    // ...with one, it ends at the commit.
    const started = Date.now();
    let woke = false;
    const waiting = listening.waitForEvents(20_000).then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    await store.appendToStream(stream(), [event('WakeUp')], { expectedRevision: 'no_stream' });
    await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('waitForEvents is not woken by an append that is not committed yet', async () => {
    const listening = new PostgresEventStore({ pool: new Pool({ connectionString: await testDatabase(), max: 1 }), schema: 'es_specifics' });
    opened.push(listening);
    await eventually(async () => {
      await listening.waitForEvents(50);
      expect(listening.listening).toBe(true);
    });
    await listening.waitForEvents(20);

    const a = await inTransaction();
    let aOpen = true;
    try {
      await store.appendToStreamInTransaction(a, stream(), [event('Uncommitted')], { expectedRevision: 'no_stream' });
      const quietStart = Date.now();
      await listening.waitForEvents(300);
      expect(Date.now() - quietStart).toBeGreaterThanOrEqual(250);
      const waiting = listening.waitForEvents(20_000);
      const started = Date.now();
      await finish(a, 'COMMIT');
      aOpen = false;
      await waiting;
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      if (aOpen) await finish(a, 'ROLLBACK');
    }
  });

  it('orders numerically, not as text, across a change in digit count (revisions 9 → 10, positions 99 → 100)', async () => {
    const ordering = new PostgresEventStore({ pool: new Pool({ connectionString: await testDatabase(), max: 2 }), schema: 'es_ordering' });
    opened.push(ordering);
    await ordering.ensureSchema();
    await ordering.appendToStream('padding-1', Array.from({ length: 97 }, (_, i) => event(`P${i}`)), { expectedRevision: 'no_stream' });
    const s = stream();
    const types = Array.from({ length: 12 }, (_, i) => `R${i}`);
    await ordering.appendToStream(s, types.map(event), { expectedRevision: 'no_stream' }); // global positions 98…109
    expect((await ordering.readStream(s)).map((e) => e.type)).toEqual(types);
    expect((await ordering.readStream(s, { fromRevision: 9n, maxCount: 2 })).map((e) => e.type)).toEqual(['R9', 'R10']);
    await eventually(async () => {
      const all = await ordering.readAll({ after: null, maxCount: 1000 });
      expect(all.filter((e) => e.streamName === s).map((e) => e.type)).toEqual(types);
      expect(all.map((e) => decodePosition(e.position).globalPosition)).toEqual(Array.from({ length: 109 }, (_, i) => BigInt(i + 1)));
    });
  });

  it('keeps 64-bit positions exact beyond Number.MAX_SAFE_INTEGER', async () => {
    await pool.query(`SELECT setval(pg_get_serial_sequence('es_specifics.events', 'global_position'), 9007199254740993)`);
    const s = stream();
    const result = await store.appendToStream(s, [event('Big1'), event('Big2')], { expectedRevision: 'no_stream' });
    const read = await store.readStream(s);
    expect(read.map((e) => decodePosition(e.position).globalPosition)).toEqual([9007199254740994n, 9007199254740995n]);
    expect(result.position).toBe(read[1]!.position);
    expect(result.position).toMatch(/^\d{20}:00009007199254740995$/);
  });

  it('an empty append to a missing stream reports revision -1n and the start position', async () => {
    const result = await store.appendToStream(stream(), [], { expectedRevision: 'any' });
    expect(result).toEqual({ nextExpectedRevision: -1n, position: START_POSITION });
    const s = stream();
    const appended = await store.appendToStream(s, [event('A')], { expectedRevision: -1n });
    expect(await store.appendToStream(s, [], { expectedRevision: 0n })).toEqual(appended);
  });

  it('ensureSchema is idempotent and safe to run concurrently; schemas are independent', async () => {
    await Promise.all([store.ensureSchema(), store.ensureSchema()]);
    const other = new PostgresEventStore({ pool: new Pool({ connectionString: await testDatabase(), max: 2 }), schema: 'es_other' });
    opened.push(other);
    await Promise.all([other.ensureSchema(), other.ensureSchema()]);
    const s = stream();
    await other.appendToStream(s, [event('InOther')], { expectedRevision: 'no_stream' });
    expect(await store.readStream(s)).toEqual([]);
    expect((await other.readStream(s)).map((e) => e.type)).toEqual(['InOther']);
    expect(() => new PostgresEventStore({ pool, schema: 'bad"schema', endPoolOnClose: false })).toThrow(RangeError);
  });

  it('rejects malformed positions and ids', async () => {
    await expect(store.readAll({ after: '42', maxCount: 1 })).rejects.toThrow(RangeError);
    await expect(store.appendToStream(stream(), [{ ...event('A'), id: 'not-a-uuid' }], { expectedRevision: 'any' })).rejects.toThrow(
      TypeError,
    );
  });

  it('fails with EventStoreUnavailableError when the database cannot be reached, and after close', async () => {
    const port = await closedPort();
    const unreachable = new PostgresEventStore({
      pool: new Pool({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/none`, connectionTimeoutMillis: 2_000 }),
    });
    try {
      await expect(unreachable.appendToStream(stream(), [event('A')], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(unreachable.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(unreachable.readStream(stream())).rejects.toBeInstanceOf(EventStoreUnavailableError);
      // waitForEvents falls back to its timeout.
      await unreachable.waitForEvents(50);
    } finally {
      await unreachable.close();
    }

    const closing = new PostgresEventStore({ pool: new Pool({ connectionString: await testDatabase(), max: 1 }), schema: 'es_specifics' });
    const pendingWait = closing.waitForEvents(60_000);
    await closing.close();
    await pendingWait; // close() resolves pending waits
    await closing.waitForEvents(60_000); // and later ones at once
    await expect(closing.readStream(stream())).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});

/**
 * Write outcome (write-outcome.ts) of the PostgreSQL adapter's commit-bearing statements, on a
 * real server: a backend is terminated (pg_terminate_backend, as an operator or a failover would)
 * while its statement waits — on a row lock held by another session, or at COMMIT on a deferred
 * constraint trigger that waits for an advisory lock held by another session. A write that may
 * have been applied rejects with WriteInDoubtError; one that certainly was not rejects with its
 * error as it is.
 */
describe('PostgresEventStore write outcome when the database goes away', () => {
  const SCHEMA = 'es_outcome';
  const WAIT_LOCK = `hashtextextended('${SCHEMA}.wait', 0)`;
  let url: string;
  let admin: Client;
  /** The store under test: its connections carry their own application_name, so they can be found and terminated. */
  let store: PostgresEventStore;
  const appName = `es-outcome-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    url = await testDatabase();
    admin = new Client({ connectionString: url });
    await admin.connect();
    store = new PostgresEventStore({ pool: new Pool({ connectionString: url, max: 4, application_name: appName }), schema: SCHEMA });
    await store.ensureSchema();
    // Fires at COMMIT (of the implicit transaction of an autocommit statement, or of an explicit one).
    await admin.query(`
      CREATE OR REPLACE FUNCTION ${SCHEMA}.at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event_type = 'RejectAtCommit' THEN RAISE EXCEPTION 'rejected at commit' USING ERRCODE = '23514'; END IF;
        IF NEW.event_type = 'WaitAtCommit' THEN PERFORM pg_advisory_xact_lock(${WAIT_LOCK}); END IF;
        RETURN NULL;
      END $$;
      DROP TRIGGER IF EXISTS at_commit ON ${SCHEMA}.events;
      CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON ${SCHEMA}.events
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.at_commit();`);
  });

  afterAll(async () => {
    await store?.close();
    await admin?.end();
  });

  const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });
  const stream = (): string => `outcome${randomUUID().replace(/-/g, '')}-1`;
  const eventsOf = async (streamName: string): Promise<number> =>
    (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.events WHERE stream_name = $1`, [streamName])).rows[0]!.n;

  /** Another session holding a lock until released: the advisory lock of the COMMIT trigger, or a stream row. */
  const holdLock = (streamRow?: string) =>
    streamRow
      ? holdLockInOtherSession(url, `SELECT 1 FROM ${SCHEMA}.streams WHERE stream_name = $1 FOR UPDATE`, [streamRow])
      : holdLockInOtherSession(url, `SELECT pg_advisory_xact_lock(${WAIT_LOCK})`);
  /** Waits until a backend of the store waits on a lock, then terminates it (FATAL 57P01 to the client). */
  const terminateWaitingBackend = () => terminateBackendWaitingOnLock(admin, appName);

  /** The rejection of `promise` (fails the test when it resolves). */
  const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );
  /** A rejection in doubt: WriteInDoubtError, its cause the error the adapter throws for a lost connection. */
  const expectInDoubt = (error: unknown): void => {
    expect(error).toBeInstanceOf(WriteInDoubtError);
    expect(writeOutcomeOf(error)).toBe('in_doubt');
    expect((error as WriteInDoubtError).cause).toBeInstanceOf(EventStoreUnavailableError);
  };

  it('unreachable database: the append fails as unavailable and nothing is in doubt', async () => {
    const port = await closedPort();
    const unreachable = new PostgresEventStore({
      pool: new Pool({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/none`, connectionTimeoutMillis: 2_000 }),
    });
    try {
      const single = await rejectionOf(unreachable.appendToStream(stream(), [event('A')], { expectedRevision: 'any' }));
      expect(single).toBeInstanceOf(EventStoreUnavailableError);
      expect(writeOutcomeOf(single)).toBe('none');
      const many = await rejectionOf(unreachable.appendToStreams([{ streamName: stream(), events: [event('A')], expectedRevision: 'any' }]));
      expect(many).toBeInstanceOf(EventStoreUnavailableError);
      expect(writeOutcomeOf(many)).toBe('none');
    } finally {
      await unreachable.close();
    }
  });

  it('autocommit append: connection terminated while the statement waits on a row lock → in doubt', async () => {
    const s = stream();
    await store.appendToStream(s, [event('First')], { expectedRevision: 'no_stream' });
    const lock = await holdLock(s);
    try {
      const appending = rejectionOf(store.appendToStream(s, [event('Second')], { expectedRevision: 0n }));
      await terminateWaitingBackend();
      expectInDoubt(await appending);
    } finally {
      await lock.release();
    }
    expect(await eventsOf(s)).toBe(1); // in fact not applied here; the client could not know
    // The terminated connection was not returned to the pool: the next append works.
    await store.appendToStream(s, [event('Third')], { expectedRevision: 0n });
    expect(await eventsOf(s)).toBe(2);
  });

  it('autocommit append: connection terminated while the implicit COMMIT waits → in doubt', async () => {
    const s = stream();
    const lock = await holdLock();
    try {
      const appending = rejectionOf(store.appendToStream(s, [event('WaitAtCommit')], { expectedRevision: 'no_stream' }));
      await terminateWaitingBackend();
      expectInDoubt(await appending);
    } finally {
      await lock.release();
    }
  });

  it('autocommit append rejected by PostgreSQL (an ERROR, even at commit) or by its expected revision → not applied', async () => {
    const s = stream();
    const rejected = await rejectionOf(store.appendToStream(s, [event('RejectAtCommit')], { expectedRevision: 'no_stream' }));
    expect(rejected).toMatchObject({ code: '23514' });
    expect(writeOutcomeOf(rejected)).toBe('none');
    await store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' });
    const conflict = await rejectionOf(store.appendToStream(s, [event('B')], { expectedRevision: 'no_stream' }));
    expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
    expect(writeOutcomeOf(conflict)).toBe('none');
    expect(await eventsOf(s)).toBe(1);
  });

  it('appendToStreams: terminated before COMMIT was sent → not applied; while COMMIT runs → in doubt; COMMIT rejected → not applied', async () => {
    const blocked = stream();
    await store.appendToStream(blocked, [event('First')], { expectedRevision: 'no_stream' });
    const rowLock = await holdLock(blocked);
    try {
      const appending = rejectionOf(
        store.appendToStreams([
          { streamName: stream(), events: [event('A')], expectedRevision: 'no_stream' },
          { streamName: blocked, events: [event('B')], expectedRevision: 0n },
        ]),
      );
      await terminateWaitingBackend();
      const error = await appending;
      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect(writeOutcomeOf(error)).toBe('none');
    } finally {
      await rowLock.release();
    }

    const atCommit = await holdLock();
    try {
      const appending = rejectionOf(
        store.appendToStreams([
          { streamName: stream(), events: [event('A')], expectedRevision: 'no_stream' },
          { streamName: stream(), events: [event('WaitAtCommit')], expectedRevision: 'no_stream' },
        ]),
      );
      await terminateWaitingBackend();
      expectInDoubt(await appending);
    } finally {
      await atCommit.release();
    }

    const rejected = await rejectionOf(
      store.appendToStreams([{ streamName: stream(), events: [event('RejectAtCommit')], expectedRevision: 'no_stream' }]),
    );
    expect(rejected).toMatchObject({ code: '23514' });
    expect(writeOutcomeOf(rejected)).toBe('none');
  });

  it("in-transaction appends: the caller's COMMIT is commit-bearing (commitPostgresTransaction); failures before it apply nothing", async () => {
    const pool = new Pool({ connectionString: url, max: 2, application_name: appName });
    pool.on('error', () => {});
    // A checked-out client has no 'error' listener (the pool removes its own after 'acquire'): a
    // terminated one would emit an unhandled error.
    const connect = async (): Promise<PoolClient> => {
      const client = await pool.connect();
      if (client.listenerCount('error') === 0) client.on('error', () => {});
      return client;
    };
    try {
      // Terminated before COMMIT: not applied.
      const lock = await holdLock();
      try {
        {
          const client = await connect();
          try {
            await client.query('BEGIN');
            await store.appendToStreamsInTransaction(client, [{ streamName: stream(), events: [event('A')] }]);
            const waiting = rejectionOf(client.query(`SELECT pg_advisory_xact_lock(${WAIT_LOCK})`));
            await terminateWaitingBackend();
            expect(writeOutcomeOf(await waiting)).toBe('none');
          } finally {
            client.release(true);
          }
        }
        // Terminated while the COMMIT runs: in doubt (its cause: the driver's error).
        {
          const client = await connect();
          try {
            await client.query('BEGIN');
            await store.appendToStreamInTransaction(client, stream(), [event('WaitAtCommit')], { expectedRevision: 'no_stream' });
            const committing = rejectionOf(commitPostgresTransaction(client));
            await terminateWaitingBackend();
            const error = await committing;
            expect(error).toBeInstanceOf(WriteInDoubtError);
            expect((error as WriteInDoubtError).cause).toBeInstanceOf(Error);
          } finally {
            client.release(true);
          }
        }
        // What decides is the note of appendToStream(s)InTransaction: a transaction that did not
        // append through them commits untracked, its failure as it is (here a raw INSERT whose
        // COMMIT waits at the trigger and is terminated).
        {
          const client = await connect();
          try {
            await client.query('BEGIN');
            await client.query(
              `INSERT INTO ${SCHEMA}.events (event_id, stream_name, stream_revision, event_type, data, metadata, category)
               VALUES ($1, $2, 0, 'WaitAtCommit', '{}', '{}', 'outcome')`,
              [randomUUID(), stream()],
            );
            const committing = rejectionOf(commitPostgresTransaction(client));
            await terminateWaitingBackend();
            const error = await committing;
            expect(error).not.toBeInstanceOf(WriteInDoubtError);
            expect(writeOutcomeOf(error)).toBe('none');
          } finally {
            client.release(true);
          }
        }
      } finally {
        await lock.release();
      }
      // Committed: applied (no error). A transaction without appends is a plain COMMIT.
      const s = stream();
      {
        const client = await connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT 1');
          await commitPostgresTransaction(client);
          await client.query('BEGIN');
          await store.appendToStreamsInTransaction(client, [{ streamName: s, events: [event('A')] }]);
          await commitPostgresTransaction(client);
        } finally {
          client.release();
        }
      }
      expect(await eventsOf(s)).toBe(1);
      // A COMMIT that PostgreSQL answers with ROLLBACK (the transaction had failed and the failure
      // was swallowed): rejects instead of reporting a commit, and nothing is applied.
      const aborted = stream();
      {
        const client = await connect();
        try {
          await client.query('BEGIN');
          await store.appendToStreamsInTransaction(client, [{ streamName: aborted, events: [event('A')] }]);
          await client.query('SELECT 1/0').catch(() => undefined);
          const error = await rejectionOf(commitPostgresTransaction(client));
          expect(error).toBeInstanceOf(TransactionRolledBackError);
          expect(writeOutcomeOf(error)).toBe('none');
        } finally {
          client.release();
        }
      }
      expect(await eventsOf(aborted)).toBe(0);
      // A COMMIT that PostgreSQL rejects: not applied.
      {
        const client = await connect();
        try {
          await client.query('BEGIN');
          await store.appendToStreamInTransaction(client, stream(), [event('RejectAtCommit')], { expectedRevision: 'no_stream' });
          const error = await rejectionOf(commitPostgresTransaction(client));
          expect(error).toMatchObject({ code: '23514' });
          expect(writeOutcomeOf(error)).toBe('none');
        } finally {
          client.release();
        }
      }
    } finally {
      await pool.end();
    }
  });

  it('a successful append stands; a later read that loses the database fails as unavailable, not in doubt (the write path marks it applied)', async () => {
    const s = stream();
    await store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' });
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
    // The next step of the request fails on the terminated connection, or runs on a new one; the
    // event store cannot know it follows an append: writeThenProject & co. make it WriteAppliedError.
    const next = await store.appendToStream(stream(), [], { expectedRevision: 'any' }).then(
      () => 'ok',
      (error: unknown) => error,
    );
    if (next !== 'ok') {
      expect(next).toBeInstanceOf(EventStoreUnavailableError);
      expect(writeOutcomeOf(next)).toBe('none');
    }
    expect(await eventsOf(s)).toBe(1);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
