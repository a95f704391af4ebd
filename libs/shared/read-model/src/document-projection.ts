import type { DataSource } from 'typeorm';
import { afterAppliedWrite, type EventStore, type RecordedEvent } from '@datamingle/event-store';
import { asTenant, setTenant, withTenant, type Sql } from './data-source';

/** The part of a stored event a projection needs. */
export interface ProjectableEvent {
  type: string;
  data: unknown;
  revision: bigint;
  tenantId: string;
}

/**
 * A read model that keeps one JSON document per stream (the record's API representation)
 * plus a few indexed columns. Rows remember the stream revision they reflect, so applying an
 * event twice, or out of turn, never changes a row twice (idempotent by revision).
 */
export interface DocumentProjectionSpec<Doc> {
  /** Projection name, used as checkpoint key. */
  name: string;
  /** Schema-qualified table with columns tenant_id, stream_name, revision, doc + `columns()`. */
  table: string;
  /** Schema-qualified checkpoint table (projection text primary key, position text). */
  checkpointTable: string;
  /** Event-store category of the streams it follows. */
  category: string;
  /** Pure: the document after `event`. Must not throw on a valid event. */
  evolve(doc: Doc | null, event: { type: string; data: unknown }): Doc | null;
  /** Indexed columns derived from the document (besides tenant_id, stream_name, revision, doc). */
  columns(doc: Doc): Record<string, unknown>;
}

export function tenantOf(event: RecordedEvent): string {
  const t = event.metadata['tenant_id'];
  if (typeof t !== 'string') throw new Error(`event ${event.id} has no tenant_id metadata`);
  return t;
}

/** What the catch-up runner needs of a projection: apply a batch, keep a checkpoint. */
export interface CatchUpProjection {
  readonly spec: { name: string; category: string; checkpointTable: string; table: string };
  applyBatch(sql: Sql, events: readonly RecordedEvent[]): Promise<void>;
  /** The same projection writing into another table of the same shape (rebuilds). */
  into(table: string): CatchUpProjection;
  readCheckpoint(qr: Sql | DataSource): Promise<string | null>;
  writeCheckpoint(sql: Sql, position: string): Promise<void>;
}

/** Checkpoint storage shared by projections: one row per projection name. */
export async function readProjectionCheckpoint(qr: Sql | DataSource, table: string, name: string): Promise<string | null> {
  const rows: Array<{ position: string }> = await (qr as Sql).query(`SELECT position FROM ${table} WHERE projection = $1`, [name]);
  return rows[0]?.position ?? null;
}

export async function writeProjectionCheckpoint(sql: Sql, table: string, name: string, position: string): Promise<void> {
  await sql.query(
    `INSERT INTO ${table} (projection, position) VALUES ($1, $2)
     ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position
     WHERE ${table}.position < EXCLUDED.position`,
    [name, position],
  );
}

export class DocumentProjection<Doc> implements CatchUpProjection {
  private readonly columnNames: string[];

  constructor(
    readonly spec: DocumentProjectionSpec<Doc>,
    private readonly store: EventStore,
    sampleColumns: string[],
  ) {
    this.columnNames = sampleColumns;
  }

  into(table: string): DocumentProjection<Doc> {
    return new DocumentProjection({ ...this.spec, table }, this.store, this.columnNames);
  }

  /**
   * Brings the row of one stream up to date with the event store, inside `qr`'s transaction
   * (which must have the stream's tenant set). Used after every write, before answering, so
   * a GET right after a 2xx sees it (read-your-writes).
   */
  async catchUpStream(qr: Sql, tenantId: string, streamName: string): Promise<Doc | null> {
    const row = await this.lockRow(qr, streamName);
    const from = row ? row.revision + 1n : 0n;
    const events = await this.store.readStream(streamName, { fromRevision: from });
    let doc = row ? row.doc : null;
    let revision = row ? row.revision : -1n;
    for (const e of events) {
      if (e.revision !== revision + 1n) break;
      doc = this.spec.evolve(doc, e);
      revision = e.revision;
    }
    if (revision >= from) await this.writeRow(qr, tenantId, streamName, doc, revision, row !== null);
    return doc;
  }

  /**
   * Fast path for a writer that just appended revisions `fromRevision..toRevision` of a stream
   * and knows the resulting document: one statement when the row is exactly one step behind
   * (or absent, for a new stream); otherwise it falls back to catchUpStream in a transaction.
   */
  async projectAppended(
    sql: Sql,
    tenantId: string,
    streamName: string,
    fromRevision: bigint,
    toRevision: bigint,
    docAfter: Doc,
    inTransaction: (fn: (tx: Sql) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const names = this.columnNames;
    const cols = this.spec.columns(docAfter);
    const values = names.map((n) => cols[n]);
    let rows: unknown[];
    if (fromRevision === 0n) {
      const placeholders = names.map((_, i) => `$${i + 5}`).join(', ');
      try {
        rows = await sql.query(
          `INSERT INTO ${this.spec.table} (stream_name, tenant_id, doc, revision${names.length ? ', ' + names.join(', ') : ''})
           VALUES ($1, $2, $3, $4${placeholders ? ', ' + placeholders : ''})
           ON CONFLICT (stream_name) DO NOTHING RETURNING 1`,
          [streamName, tenantId, JSON.stringify(docAfter), toRevision.toString(), ...values],
        );
      } catch (error) {
        // ON CONFLICT only absorbs conflicts on stream_name. When the catch-up projection inserts
        // the same new row concurrently, PostgreSQL may report the conflict on another unique
        // index (e.g. tenant + id) first: the row exists now, so fall back to catching it up.
        if (!isUniqueViolation(error)) throw error;
        rows = [];
      }
    } else {
      const sets = names.map((n, i) => `${n} = $${i + 5}`).join(', ');
      rows = await sql.query(
        `UPDATE ${this.spec.table} SET doc = $2, revision = $3${sets ? ', ' + sets : ''}
          WHERE stream_name = $1 AND revision = $4 RETURNING 1`,
        [streamName, JSON.stringify(docAfter), toRevision.toString(), (fromRevision - 1n).toString(), ...values],
      );
    }
    if (rows.length === 0) await inTransaction((tx) => this.catchUpStream(tx, tenantId, streamName).then(() => undefined));
  }

  /**
   * Applies events in global order (catch-up subscription). Each event is applied only when
   * it is the next revision of its row; earlier revisions are skipped (already applied), and
   * a gap is filled from the stream itself.
   */
  async applyBatch(qr: Sql, events: readonly RecordedEvent[]): Promise<void> {
    // Events of one tenant keep their global order; rows are per stream, so tenants are independent.
    const byTenant = new Map<string, RecordedEvent[]>();
    for (const e of events) {
      const tenantId = tenantOf(e);
      const group = byTenant.get(tenantId);
      if (group) group.push(e);
      else byTenant.set(tenantId, [e]);
    }
    for (const [tenantId, group] of byTenant) {
      await setTenant(qr, tenantId);
      // Usually writers have already projected their events: one look at the rows' revisions
      // (locked for the rest of the transaction) settles the whole group.
      const streams = [...new Set(group.map((e) => e.streamName))];
      const rows: Array<{ stream_name: string; revision: string }> = await qr.query(
        `SELECT stream_name, revision FROM ${this.spec.table} WHERE stream_name = ANY($1::text[]) FOR UPDATE`,
        [streams],
      );
      const applied = new Map(rows.map((r) => [r.stream_name, BigInt(r.revision)]));
      for (const e of group) {
        if (e.revision <= (applied.get(e.streamName) ?? -1n)) continue;
        const row = await this.lockRow(qr, e.streamName);
        const current = row ? row.revision : -1n;
        if (e.revision <= current) {
          applied.set(e.streamName, current);
        } else if (e.revision === current + 1n) {
          const written = await this.writeRow(qr, tenantId, e.streamName, this.spec.evolve(row ? row.doc : null, e), e.revision, row !== null);
          if (written) applied.set(e.streamName, e.revision);
          else {
            // A writer inserted the row meanwhile (its insert does not wait for our lock): catch
            // the row up from the stream instead.
            await this.catchUpStream(qr, tenantId, e.streamName);
            applied.delete(e.streamName);
          }
        } else {
          await this.catchUpStream(qr, tenantId, e.streamName);
          applied.delete(e.streamName);
        }
      }
    }
  }

  readCheckpoint(qr: Sql | DataSource): Promise<string | null> {
    return readProjectionCheckpoint(qr, this.spec.checkpointTable, this.spec.name);
  }

  writeCheckpoint(sql: Sql, position: string): Promise<void> {
    return writeProjectionCheckpoint(sql, this.spec.checkpointTable, this.spec.name, position);
  }

  /**
   * Locks the stream's row for the rest of the transaction. A row that does not exist yet cannot
   * be locked, so writers of a new stream serialize on an advisory lock instead and look again.
   */
  private async lockRow(qr: Sql, streamName: string): Promise<{ doc: Doc; revision: bigint } | null> {
    const select = async () => {
      const rows: Array<{ doc: Doc; revision: string }> = await qr.query(
        `SELECT doc, revision FROM ${this.spec.table} WHERE stream_name = $1 FOR UPDATE`,
        [streamName],
      );
      return rows[0] ? { doc: rows[0].doc, revision: BigInt(rows[0].revision) } : null;
    };
    const row = await select();
    if (row) return row;
    await qr.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 1))`, [`${this.spec.table}:${streamName}`]);
    return select();
  }

  private async writeRow(qr: Sql, tenantId: string, streamName: string, doc: Doc | null, revision: bigint, exists: boolean): Promise<boolean> {
    if (doc === null) {
      if (exists) await qr.query(`DELETE FROM ${this.spec.table} WHERE stream_name = $1`, [streamName]);
      return true;
    }
    const cols = this.spec.columns(doc);
    const names = this.columnNames;
    const values = names.map((n) => cols[n]);
    if (exists) {
      const sets = names.map((n, i) => `${n} = $${i + 4}`).join(', ');
      await qr.query(
        `UPDATE ${this.spec.table} SET doc = $2, revision = $3${sets ? ', ' + sets : ''} WHERE stream_name = $1`,
        [streamName, JSON.stringify(doc), revision.toString(), ...values],
      );
      return true;
    }
    const placeholders = names.map((_, i) => `$${i + 5}`).join(', ');
    const inserted: unknown[] = await qr.query(
      `INSERT INTO ${this.spec.table} (stream_name, tenant_id, doc, revision${names.length ? ', ' + names.join(', ') : ''})
       VALUES ($1, $2, $3, $4${placeholders ? ', ' + placeholders : ''})
       ON CONFLICT (stream_name) DO NOTHING RETURNING 1`,
      [streamName, tenantId, JSON.stringify(doc), revision.toString(), ...values],
    );
    return inserted.length > 0;
  }
}

/** A PostgreSQL unique violation (SQLSTATE 23505), as node-postgres or TypeORM report it. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return e?.code === '23505' || e?.driverError?.code === '23505';
}

/**
 * Whether an identifier can match a stored business identifier at all (identifiers.md §4: 1–100
 * characters, no U+0000, which PostgreSQL text cannot hold); anything else resolves to no record.
 */
export function isResolvableIdentifier(identifier: string): boolean {
  return identifier.length > 0 && [...identifier].length <= 100 && !identifier.includes('\u0000');
}

/**
 * The write path of a document read model: run `write` (an event-store append that reports what
 * it appended), then project those revisions before returning, so a read right after sees them.
 * The events are stored once `write` reported them: a failure of the projection is thrown as
 * WriteAppliedError (the request answers 504, not 503).
 */
export async function writeThenProject<T, Doc>(
  ds: DataSource,
  projection: DocumentProjection<Doc>,
  tenantId: string,
  streamName: string,
  write: () => Promise<{ result: T; appended: { fromRevision: bigint; toRevision: bigint; doc: Doc } | null }>,
): Promise<T> {
  const written = await write();
  if (written.appended) {
    const { fromRevision, toRevision, doc } = written.appended;
    await afterAppliedWrite(() =>
      asTenant(ds, tenantId, (sql) =>
        projection.projectAppended(sql, tenantId, streamName, fromRevision, toRevision, doc, (fn) => withTenant(ds, tenantId, fn)),
      ),
    );
  }
  return written.result;
}
