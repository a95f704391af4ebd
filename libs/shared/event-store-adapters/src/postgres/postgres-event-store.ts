import { Client, type ClientBase, type Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { finished } from 'node:stream/promises';
import {
  DuplicateEventIdError,
  EventStore,
  EventStoreUnavailableError,
  streamCategory,
  WrongExpectedVersionError,
  type AppendResult,
  type ExpectedRevision,
  type InTransactionAppender,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type StreamAppend,
  WriteInDoubtError,
} from '@datamingle/event-store';
import { duplicateEventIdFromDetail, isConnectionError, isDefinitiveFailure, toEventStoreError } from './errors';
import { assertValidSchemaName, postgresEventStoreChannel, postgresEventStoreMigration } from './migration';
import { NotificationListener } from './notification-listener';
import { decodePosition, encodePosition, START_POSITION } from './position';
import {
  commitBearing,
  commitNotedTransaction,
  noteUncommittedAppend,
  prepareAppend,
  prepareAppends,
  revisionMatches,
  type PreparedEvents,
} from '@datamingle/event-store/adapter-support';
import { tracedAppend } from '../append-span';

export const DEFAULT_EVENT_STORE_SCHEMA = 'event_store';

/**
 * appendToStreamsInTransaction streams an append of at least this many events with COPY: below
 * it, the one INSERT statement (one round trip; COPY takes two) is as fast.
 */
export const COPY_MIN_EVENTS = 500;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text without a lone surrogate (UTF-16 that encodes to UTF-8 unchanged). */
const WELL_FORMED = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** A value in COPY's text format: backslash, newline, carriage return and tab escaped. */
export function copyText(value: string): string {
  return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!) : value;
}

/** An event of appendToStreamsInTransaction as it is written: stream, category and type quoted for the statement; data and metadata JSON text. */
interface AppendRow {
  ord: number;
  id: string;
  stream: string;
  category: string;
  revision: string;
  type: string;
  data: string;
  metadata: string;
}

export interface PostgresEventStoreOptions {
  /** Connections for appends and reads; one connection per call in flight. */
  pool: Pool;
  /** Schema holding the tables (default 'event_store'); see postgresEventStoreMigration. */
  schema?: string;
  /** close() ends the pool too (default true: the store owns the pool it is given). */
  endPoolOnClose?: boolean;
  /** Creates the dedicated LISTEN connection of waitForEvents (default: a pg.Client with the pool's settings). */
  createListenerClient?: () => Client;
  /** Errors with no caller to throw to: the LISTEN connection failed or broke, an idle pooled connection broke. */
  onBackgroundError?: (error: unknown) => void;
}

interface EventRow {
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  stream_name: string;
  stream_revision: string;
  transaction_id: string;
  global_position: string;
  recorded_at: Date | string;
}

const SAVEPOINT = 'event_store_append';

/**
 * EventStore on PostgreSQL. Global order is (transaction id, sequence value); readAll only
 * returns events of transactions below the snapshot's xmin horizon, so an event of a
 * transaction that commits late is never overtaken by one a checkpointing reader already saw.
 * A long-open transaction anywhere on the server therefore pauses readAll (not appends).
 */
export class PostgresEventStore extends EventStore implements InTransactionAppender<ClientBase> {
  /** Idempotent DDL for the platform's migration runner. */
  static migrationSql(schema: string = DEFAULT_EVENT_STORE_SCHEMA): string {
    return postgresEventStoreMigration(schema);
  }

  readonly schema: string;
  private readonly pool: Pool;
  private readonly endPoolOnClose: boolean;
  private readonly listener: NotificationListener;
  private readonly onBackgroundError: (error: unknown) => void;
  private readonly poolErrorHandler: (error: Error) => void;
  private closed: Promise<void> | null = null;
  private readonly sql: ReturnType<typeof statements>;

  constructor(options: PostgresEventStoreOptions) {
    super();
    this.schema = options.schema ?? DEFAULT_EVENT_STORE_SCHEMA;
    assertValidSchemaName(this.schema);
    this.pool = options.pool;
    this.endPoolOnClose = options.endPoolOnClose ?? true;
    this.onBackgroundError = options.onBackgroundError ?? (() => {});
    this.sql = statements(`"${this.schema}"`);
    const createListenerClient = options.createListenerClient ?? (() => new Client(this.pool.options));
    this.listener = new NotificationListener(postgresEventStoreChannel(this.schema), createListenerClient, (error) =>
      this.onBackgroundError(error),
    );
    // An idle pooled connection that breaks emits 'error' on the pool; unhandled, it would crash the process.
    this.poolErrorHandler = (error) => this.onBackgroundError(error);
    if (this.endPoolOnClose) this.pool.on('error', this.poolErrorHandler);
    // A client the pool hands out has no 'error' listener until it is released: a connection
    // terminated right after connecting, or in the same network read as a query's last result,
    // would emit an unhandled 'error' and crash the process. Every new client gets a permanent
    // no-op listener; the failure still reaches the pending or next query.
    this.pool.on('connect', guardAgainstLostConnection);
  }

  /**
   * The port's in-transaction capability: this store itself, whose connections are `pg` clients
   * (ClientBase) of its database. Commit such a transaction with commitPostgresTransaction.
   */
  override inTransactionAppender(): InTransactionAppender<ClientBase> {
    return this;
  }

  /** Runs the migration (serialized by an advisory lock, so concurrent callers are safe). For tests and the embedded mode. */
  async ensureSchema(): Promise<void> {
    await this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`event_store_migration:${this.schema}`]);
        await client.query(postgresEventStoreMigration(this.schema));
        await client.query('COMMIT');
      } catch (error) {
        await rollbackQuietly(client);
        throw error;
      }
    });
  }

  override async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const prepared = prepareAppend(streamName, events, options.expectedRevision);
    if (events.length === 0) return this.withClient((client) => this.checkRevision(client, streamName, options.expectedRevision));
    return tracedAppend('postgresql', [streamName], events.length, () =>
      this.withClient((client) => this.append(client, streamName, prepared, options.expectedRevision, true)),
    );
  }

  /** All streams' appends in one transaction: every stream's events or none. */
  override async appendToStreams(appends: readonly StreamAppend[]): Promise<Map<string, bigint>> {
    const prepared = prepareAppends(appends);
    const streams = appends.map((a) => a.streamName);
    const count = appends.reduce((n, a) => n + a.events.length, 0);
    return tracedAppend('postgresql', streams, count, () => this.withClient(async (client) => {
      const result = new Map<string, bigint>();
      await client.query('BEGIN');
      try {
        for (const [i, a] of appends.entries()) {
          const appended =
            a.events.length === 0
              ? await this.checkRevision(client, a.streamName, a.expectedRevision)
              : await this.append(client, a.streamName, prepared[i]!, a.expectedRevision, false);
          result.set(a.streamName, appended.nextExpectedRevision);
        }
        // The COMMIT is the commit-bearing statement (a failure that is not definitive is in
        // doubt: WriteInDoubtError); everything before it rolls back on failure.
        await commitBearing(() => commit(client), isDefinitiveCommitFailure, toEventStoreError);
        return result;
      } catch (error) {
        await rollbackQuietly(client);
        throw error;
      }
    }));
  }

  /**
   * Appends inside the caller's open transaction (the caller commits), so events and other
   * writes of that transaction commit together. Runs under a savepoint: on failure nothing of
   * the append remains and the caller's transaction stays usable. Readers see the events only
   * after the caller commits; until then the transaction holds readAll's horizon back. Commit
   * with commitPostgresTransaction, so that a COMMIT whose result is lost is reported in doubt.
   */
  async appendToStreamInTransaction(
    client: ClientBase,
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const prepared = prepareAppend(streamName, events, options.expectedRevision);
    if (events.length === 0) return this.checkRevision(client, streamName, options.expectedRevision).catch((error: unknown) => {
      throw toEventStoreError(error);
    });
    return tracedAppend('postgresql', [streamName], events.length, () => this.appendUnderSavepoint(client, streamName, prepared, options.expectedRevision));
  }

  private async appendUnderSavepoint(client: ClientBase, streamName: string, prepared: PreparedEvents, expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      try {
        await client.query(`SAVEPOINT ${SAVEPOINT}`);
      } catch (error) {
        if (databaseError(error)?.code === '25P01') {
          throw new Error('appendToStreamInTransaction needs an open transaction on the client (BEGIN first)', { cause: error });
        }
        throw error;
      }
      try {
        const result = await this.append(client, streamName, prepared, expectedRevision, false);
        await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
        noteUncommittedAppend(client);
        return result;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`).catch(() => {});
        throw error;
      }
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  /**
   * Appends to many streams at once inside the caller's open transaction, in two statements
   * whatever the number of streams: for bulk writers that already serialize writes per stream
   * themselves (e.g. with an advisory lock per stream), so each stream is appended with
   * expected revision 'any'. With `versionMetadataKey`, every event's metadata gets that key
   * set to its aggregate version (stream revision + 1), known only once the streams advanced.
   * Returns each stream's first and last new revision. Commit with commitPostgresTransaction,
   * so that a COMMIT whose result is lost is reported in doubt.
   */
  async appendToStreamsInTransaction(
    client: ClientBase,
    appends: ReadonlyArray<{ streamName: string; events: readonly NewEvent[] }>,
    options: { versionMetadataKey?: string } = {},
  ): Promise<Map<string, { firstRevision: bigint; lastRevision: bigint }>> {
    const nonEmpty = appends.filter((a) => a.events.length > 0);
    if (nonEmpty.length === 0) return new Map();
    if (new Set(nonEmpty.map((a) => a.streamName)).size !== nonEmpty.length) throw new TypeError('each stream may appear once');
    const count = nonEmpty.reduce((n, a) => n + a.events.length, 0);
    return tracedAppend('postgresql', nonEmpty.map((a) => a.streamName), count, () => this.appendManyInTransaction(client, nonEmpty, options));
  }

  private async appendManyInTransaction(
    client: ClientBase,
    nonEmpty: ReadonlyArray<{ streamName: string; events: readonly NewEvent[] }>,
    options: { versionMetadataKey?: string },
  ): Promise<Map<string, { firstRevision: bigint; lastRevision: bigint }>> {
    const result = new Map<string, { firstRevision: bigint; lastRevision: bigint }>();
    const prepared = nonEmpty.map((a) => prepareAppend(a.streamName, a.events, 'any'));
    try {
      const { rows } = await client.query<{ stream_name: string; revision: string }>(
        `INSERT INTO "${this.schema}".streams AS st (stream_name, revision)
         SELECT s, c - 1 FROM unnest($1::text[], $2::bigint[]) AS t(s, c)
         ON CONFLICT (stream_name) DO UPDATE SET revision = st.revision + EXCLUDED.revision + 1
         RETURNING stream_name, revision::text AS revision`,
        [nonEmpty.map((a) => a.streamName), nonEmpty.map((a) => String(a.events.length))],
      );
      for (const row of rows) {
        const count = BigInt(nonEmpty.find((a) => a.streamName === row.stream_name)!.events.length);
        const last = BigInt(row.revision);
        result.set(row.stream_name, { firstRevision: last - count + 1n, lastRevision: last });
      }
      const versionKey = options.versionMetadataKey === undefined ? undefined : JSON.stringify(options.versionMetadataKey);
      // With versionMetadataKey the version is appended as the object's last key (in jsonb the last
      // of duplicate keys wins).
      const metadataOf = (meta: string, revision: bigint): string =>
        versionKey === undefined ? meta : `${meta.length > 2 ? meta.slice(0, -1) + ',' : '{'}${versionKey}:${(revision + 1n).toString()}}`;
      /** One entry per event in append order, formatted by `row`; `quote` encodes the stream name, category and type. */
      const eventRows = (quote: (text: string) => string, row: (e: AppendRow) => string): string[] => {
        const out: string[] = [];
        nonEmpty.forEach((a, k) => {
          const first = result.get(a.streamName)!.firstRevision;
          const p = prepared[k]!;
          const stream = quote(a.streamName);
          const category = quote(streamCategory(a.streamName));
          p.ids.forEach((id, i) => {
            const revision = first + BigInt(i);
            out.push(row({ ord: out.length, id, stream, category, revision: revision.toString(), type: quote(p.types[i]!), data: p.data[i]!, metadata: metadataOf(p.metadata[i]!, revision) }));
          });
        });
        return out;
      };
      const count = prepared.reduce((n, p) => n + p.ids.length, 0);
      // (A stream name or type with a lone surrogate keeps the INSERT, which refuses it: COPY's
      // UTF-8 encoding would turn it into U+FFFD. Data and metadata are JSON.stringify's output,
      // which escapes lone surrogates.)
      if (count >= COPY_MIN_EVENTS && nonEmpty.every((a, k) => WELL_FORMED.test(a.streamName) && prepared[k]!.types.every((t) => WELL_FORMED.test(t)))) {
        // A large append is streamed with COPY … FROM STDIN, one text-format line per event in
        // append order (so global positions follow it, as the ORDER BY below ensures for the
        // INSERT): PostgreSQL then parses each data and metadata value once, instead of a whole
        // JSON document and then every value again. 50,000 events: 1.45-1.53 s against 3.5-3.7 s
        // (docs/benchmarks.md). The NOTIFY trigger and the constraints apply to COPY as to INSERT.
        const lines = eventRows(copyText, (e) => `${e.id}\t${e.stream}\t${e.revision}\t${e.type}\t${copyText(e.data)}\t${copyText(e.metadata)}\t${e.category}\n`);
        const copy = client.query(copyFrom(`COPY "${this.schema}".events (event_id, stream_name, stream_revision, event_type, data, metadata, category) FROM STDIN`));
        copy.end(lines.join(''));
        await finished(copy);
      } else {
        // All events travel as one JSON document, data and metadata spliced in as the JSON they
        // already are (measured ~6% faster for 50,000 events than one array parameter per column,
        // whose elements PostgreSQL must unescape one by one); one statement, one round trip.
        const parts = eventRows(
          (text) => JSON.stringify(text),
          (e) => `{"o":${e.ord},"i":"${e.id}","s":${e.stream},"r":${e.revision},"t":${e.type},"c":${e.category},"d":${e.data},"m":${e.metadata}}`,
        );
        await client.query(
          `INSERT INTO "${this.schema}".events (event_id, stream_name, stream_revision, event_type, data, metadata, category)
           SELECT e.i, e.s, e.r, e.t, e.d, e.m, e.c
             FROM json_to_recordset($1::json) AS e(o int, i uuid, s text, r bigint, t text, c text, d jsonb, m jsonb)
            ORDER BY e.o`,
          [`[${parts.join(',')}]`],
        );
      }
      noteUncommittedAppend(client);
      return result;
    } catch (error) {
      const dbError = databaseError(error);
      if (dbError?.code === '23505' && dbError.constraint === 'events_event_id_key') {
        throw new DuplicateEventIdError(nonEmpty[0]!.streamName, duplicateEventIdFromDetail(dbError.detail));
      }
      throw toEventStoreError(error);
    }
  }

  override async readStream(
    streamName: string,
    options: { fromRevision?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0n;
    if (typeof fromRevision !== 'bigint' || fromRevision < 0n) throw new RangeError(`fromRevision must be a bigint >= 0n`);
    const maxCount = options.maxCount;
    if (maxCount !== undefined) assertCount(maxCount, 'maxCount');
    if (maxCount === 0) return [];
    const result = await this.query<EventRow>(this.sql.readStream, [streamName, fromRevision.toString(), maxCount ?? null]);
    return result.rows.map(toRecordedEvent);
  }

  override async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    assertCount(options.maxCount, 'maxCount');
    const { transactionId, globalPosition } = decodePosition(options.after ?? START_POSITION);
    if (options.maxCount === 0 || options.categories?.length === 0) return [];
    const params: unknown[] = [transactionId.toString(), globalPosition.toString(), options.maxCount];
    let text = options.categories ? this.sql.readAllInCategories : this.sql.readAll;
    if (options.categories) params.push([...options.categories]);
    if (options.tenantId !== undefined) {
      text = this.sql.readTenant;
      if (!options.categories) params.push(null);
      params.push(options.tenantId, options.dataCategories ? [...options.dataCategories] : null);
    }
    const result = await this.query<EventRow>(text, params);
    return result.rows.map(toRecordedEvent);
  }

  /**
   * Resolves on the next NOTIFY of a committed append (to a stream of one of `categories`, or
   * any stream of this schema when omitted), after
   * `timeoutMs`, when `signal` aborts, or at close(); never rejects. The LISTEN connection is
   * opened by the first call. Wake-ups can be spurious, and an event can be announced before
   * readAll may return it (while an older transaction is still open): callers re-read.
   */
  override waitForEvents(timeoutMs: number, signal?: AbortSignal, categories?: readonly string[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.listener.wait(timeoutMs, signal, categories);
  }

  /** True while the LISTEN connection of waitForEvents is up (it opens on the first wait). */
  get listening(): boolean {
    return this.listener.listening;
  }

  /** Ends the LISTEN connection, resolves pending waits, and ends the pool unless endPoolOnClose is false. Idempotent. */
  override close(): Promise<void> {
    this.closed ??= (async () => {
      await this.listener.close();
      if (this.endPoolOnClose) {
        if (!this.pool.ending && !this.pool.ended) await this.pool.end();
        this.pool.off('error', this.poolErrorHandler);
      }
      this.pool.off('connect', guardAgainstLostConnection);
    })();
    return this.closed;
  }

  /**
   * One statement: advance the stream row under the expected-revision rule and insert the events
   * after it (a data-modifying CTE). A statement is atomic, so it needs no transaction of its own,
   * and it costs one round trip. When the stream row does not match, nothing is inserted and the
   * actual revision is read to report the conflict.
   *
   * `autocommit`: the statement runs in its own implicit transaction, so it is a commit-bearing
   * write (write-outcome.ts): applied when it returns rows, not applied when it returns none or
   * PostgreSQL rejects it with an ERROR (rethrown as it is), in doubt when it fails any other way
   * (WriteInDoubtError, e.g. the connection was lost while it ran).
   */
  private async append(
    client: ClientBase,
    streamName: string,
    prepared: PreparedEvents,
    expectedRevision: ExpectedRevision,
    autocommit: boolean,
  ): Promise<AppendResult> {
    const count = BigInt(prepared.ids.length);
    const variant = appendVariant(expectedRevision);
    const params: unknown[] = [
      streamName,
      count.toString(),
      streamCategory(streamName),
      prepared.ids,
      prepared.types,
      prepared.data,
      prepared.metadata,
    ];
    if (variant === 'exact') params.push((expectedRevision as bigint).toString());
    let inserted: { revision: string; transaction_id: string; global_position: string }[];
    try {
      const result = await client.query<{ revision: string; transaction_id: string; global_position: string }>({
        name: `event-store-append-${variant}-${this.schema}`,
        text: this.sql.append[variant],
        values: params,
      });
      inserted = result.rows;
    } catch (error) {
      const dbError = databaseError(error);
      if (dbError?.code === '23505' && dbError.constraint === 'events_event_id_key') {
        throw new DuplicateEventIdError(streamName, duplicateEventIdFromDetail(dbError.detail));
      }
      if (autocommit && !isDefinitiveFailure(error)) throw new WriteInDoubtError(toEventStoreError(error));
      throw error;
    }
    if (inserted.length === 0) {
      const { revision } = await this.currentState(client, streamName);
      throw new WrongExpectedVersionError(streamName, expectedRevision, revision);
    }
    let last = inserted[0]!;
    for (const row of inserted) if (BigInt(row.global_position) > BigInt(last.global_position)) last = row;
    return {
      nextExpectedRevision: BigInt(last.revision),
      position: encodePosition({ transactionId: BigInt(last.transaction_id), globalPosition: BigInt(last.global_position) }),
    };
  }

  /** An append of no events: checks the expected revision, writes nothing. */
  private async checkRevision(
    client: ClientBase,
    streamName: string,
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const { revision, position } = await this.currentState(client, streamName);
    if (!revisionMatches(expectedRevision, revision)) throw new WrongExpectedVersionError(streamName, expectedRevision, revision);
    return { nextExpectedRevision: revision === 'no_stream' ? -1n : revision, position };
  }

  private async currentState(
    client: ClientBase,
    streamName: string,
  ): Promise<{ revision: bigint | 'no_stream'; position: string }> {
    const { rows } = await client.query<{ revision: string; transaction_id: string | null; global_position: string | null }>(
      this.sql.streamState,
      [streamName],
    );
    const row = rows[0];
    if (!row) return { revision: 'no_stream', position: START_POSITION };
    const position =
      row.transaction_id !== null && row.global_position !== null
        ? encodePosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) })
        : START_POSITION;
    return { revision: BigInt(row.revision), position };
  }

  private async query<R extends object>(text: string, params: unknown[]): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query<R & Record<string, unknown>>(text, params);
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toEventStoreError(error);
    }
    let broken = false;
    // A checked-out client has no 'error' listener (the pool removes its own at checkout): a
    // connection that ends while the work still awaits it (e.g. the ROLLBACK after a terminated
    // statement) would emit an unhandled 'error' and crash the process. The work's pending query
    // rejects anyway; here the connection is only marked broken.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      // After an in-doubt failure the connection's state is unknown: it is not reused either.
      broken ||= error instanceof WriteInDoubtError || error instanceof EventStoreUnavailableError || isConnectionError(error);
      throw toEventStoreError(error);
    } finally {
      client.off('error', onError);
      client.release(broken); // a broken connection is destroyed, not returned to the pool
    }
  }
}


const guarded = new WeakSet<object>();

function guardAgainstLostConnection(client: { on(event: 'error', listener: () => void): unknown }): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  client.on('error', () => {});
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer: ${value}`);
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream_name,
    revision: BigInt(row.stream_revision),
    position: encodePosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }),
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

/** Fields of a server error (pg's DatabaseError, checked structurally in case of several pg copies). */
function databaseError(error: unknown): { code?: string; constraint?: string; detail?: string } | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code?: string; constraint?: string; detail?: string })
    : undefined;
}

/** COMMIT of a transaction that must have committed: a COMMIT answered with ROLLBACK (the transaction had failed) rejects. */
async function commit(client: ClientBase): Promise<void> {
  const result = await client.query('COMMIT');
  if (result.command === 'ROLLBACK') throw new TransactionRolledBackError();
}

/** PostgreSQL answered a COMMIT with ROLLBACK: the transaction had failed before; nothing was committed. */
export class TransactionRolledBackError extends Error {
  constructor() {
    super('COMMIT was answered with ROLLBACK: the transaction had failed and nothing was committed');
    this.name = 'TransactionRolledBackError';
  }
}

/**
 * Commits the caller's open transaction on `client` (use it for transactions that may hold
 * events appended with appendToStream(s)InTransaction). When events were appended in it, the
 * COMMIT is a commit-bearing write (write-outcome.ts): a rejection by PostgreSQL (an ERROR, or
 * ROLLBACK as the answer: TransactionRolledBackError) is rethrown as it is — nothing was applied —
 * and any other failure (e.g. the connection was lost while it ran) becomes WriteInDoubtError.
 * Any other transaction is a plain COMMIT, its failure rethrown as it is.
 */
export function commitPostgresTransaction(client: ClientBase): Promise<void> {
  return commitNotedTransaction(
    client,
    async (tracked) => {
      if (tracked) await commit(client);
      else await client.query('COMMIT');
    },
    isDefinitiveCommitFailure,
  );
}

/** A failed COMMIT that certainly committed nothing: answered with ROLLBACK, or a definitive failure (errors.ts). */
function isDefinitiveCommitFailure(error: unknown): boolean {
  return error instanceof TransactionRolledBackError || isDefinitiveFailure(error);
}

async function rollbackQuietly(client: ClientBase): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    // the connection is gone: the server rolls the transaction back
  }
}

/** 64-bit columns are cast to text so no value passes through a JS number, whatever type parsers are installed. */
function statements(s: string) {
  // Output names equal column names, so ORDER BY and WHERE use the table alias: an unqualified
  // ORDER BY name would sort by the text output column ('10' < '9').
  const columns = `ev.event_id::text AS event_id, ev.event_type, ev.data, ev.metadata, ev.stream_name,
    ev.stream_revision::text AS stream_revision, ev.transaction_id::text AS transaction_id,
    ev.global_position::text AS global_position, ev.recorded_at`;
  // Only transactions below the horizon are settled (committed or rolled back); ordering by
  // the transaction id first puts a late-committing transaction's events where a reader
  // that has checkpointed past newer transactions can still not have been.
  const settledAfter = `ev.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    AND (ev.transaction_id, ev.global_position) > ($1::xid8, $2::bigint)`;
  return {
    // $1 stream, $2 event count, $3 category, $4..$7 event columns, $8 expected revision (exact only).
    append: {
      no_stream: appendSql(s, `INSERT INTO ${s}.streams (stream_name, revision) VALUES ($1, $2::bigint - 1)
        ON CONFLICT (stream_name) DO NOTHING RETURNING revision`),
      stream_exists: appendSql(s, `UPDATE ${s}.streams SET revision = revision + $2::bigint
        WHERE stream_name = $1 RETURNING revision`),
      any: appendSql(s, `INSERT INTO ${s}.streams AS st (stream_name, revision) VALUES ($1, $2::bigint - 1)
        ON CONFLICT (stream_name) DO UPDATE SET revision = st.revision + $2::bigint RETURNING revision`),
      exact: appendSql(s, `UPDATE ${s}.streams SET revision = revision + $2::bigint
        WHERE stream_name = $1 AND revision = $8::bigint RETURNING revision`),
    },
    streamState: `SELECT st.revision::text AS revision, e.transaction_id::text AS transaction_id,
        e.global_position::text AS global_position
      FROM ${s}.streams st
      LEFT JOIN ${s}.events e ON e.stream_name = st.stream_name AND e.stream_revision = st.revision
      WHERE st.stream_name = $1`,
    readStream: `SELECT ${columns} FROM ${s}.events ev
      WHERE ev.stream_name = $1 AND ev.stream_revision >= $2::bigint
      ORDER BY ev.stream_revision LIMIT $3`,
    readAll: `SELECT ${columns} FROM ${s}.events ev
      WHERE ${settledAfter}
      ORDER BY ev.transaction_id, ev.global_position LIMIT $3`,
    readAllInCategories: `SELECT ${columns} FROM ${s}.events ev
      WHERE ev.category = ANY($4::text[]) AND ${settledAfter}
      ORDER BY ev.transaction_id, ev.global_position LIMIT $3`,
    // One tenant's events ($5; $4 the categories or null; $6 the categories whose data is read, or null for all), on events_tenant_transaction_id_global_position_idx:
    // the row comparison with the tenant as its first member is the index range, so a page never
    // visits another tenant's rows.
    readTenant: `SELECT ${columns.replace('ev.data,', `CASE WHEN $6::text[] IS NULL OR ev.category = ANY($6::text[]) THEN ev.data END AS data,`)} FROM ${s}.events ev
      WHERE (ev.metadata->>'tenant_id') = $5::text
        AND ((ev.metadata->>'tenant_id'), ev.transaction_id, ev.global_position) > ($5::text, $1::xid8, $2::bigint)
        AND ev.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        AND ($4::text[] IS NULL OR ev.category = ANY($4::text[]))
      ORDER BY (ev.metadata->>'tenant_id'), ev.transaction_id, ev.global_position LIMIT $3`,
  };
}

type AppendVariant = 'no_stream' | 'stream_exists' | 'any' | 'exact';

function appendVariant(expected: ExpectedRevision): AppendVariant {
  if (expected === 'no_stream' || expected === -1n) return 'no_stream';
  if (expected === 'stream_exists' || expected === 'any') return expected;
  return 'exact';
}

/** The stream-row statement `advance` (returning the stream's new last revision) followed by the event insert. */
function appendSql(s: string, advance: string): string {
  return `WITH advanced AS (${advance}),
    inserted AS (
      INSERT INTO ${s}.events (event_id, stream_name, stream_revision, event_type, data, metadata, category)
      SELECT e.event_id, $1, a.revision - $2::bigint + e.ord, e.event_type, e.data, e.metadata, $3
        FROM advanced a,
             unnest($4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[]) WITH ORDINALITY AS e(event_id, event_type, data, metadata, ord)
       ORDER BY e.ord
      RETURNING stream_revision, transaction_id, global_position
    )
    SELECT stream_revision::text AS revision, transaction_id::text AS transaction_id, global_position::text AS global_position
      FROM inserted`;
}
