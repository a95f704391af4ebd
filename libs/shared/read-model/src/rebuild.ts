import type { DataSource } from 'typeorm';
import { catchUpOnce, type EventStore, type RecordedEvent } from '@datamingle/event-store';
import { APP_ROLE, inTransaction, type Sql } from './data-source';
import type { CatchUpProjection } from './document-projection';
import { tenantIsolationSql } from './migrations';

export interface RebuildResult {
  projection: string;
  events: number;
  position: string | null;
}

/**
 * Rebuilds a projection from the event store while the service keeps answering: the events are
 * replayed into a shadow table of the same shape (same indexes, row-level security and grants),
 * the shadow replaces the live table in a transaction that only renames (the live table is locked
 * for milliseconds), and the events stored meanwhile are applied to the new table. Writers that
 * project their own events in between find their row in either table (projection is idempotent
 * by revision and falls back to the stream), and the running catch-up continues on the new table.
 * A record written during the swap can be missing from reads for the moment the final catch-up
 * takes.
 *
 * `ds` must connect as the tables' owner (the admin CLI's connection), not as the service role.
 */
export async function rebuildProjection(ds: DataSource, store: EventStore, projection: CatchUpProjection, batchSize = 2_000): Promise<RebuildResult> {
  const live = projection.spec.table;
  const [schema, table] = live.split('.') as [string, string];
  const shadowName = `${table}_rebuild`;
  const shadow = `${schema}.${shadowName}`;
  const target = projection.into(shadow);

  await inTransaction(ds, async (sql) => {
    await sql.query(`DROP TABLE IF EXISTS ${shadow}`);
    await sql.query(`CREATE TABLE ${shadow} (LIKE ${live} INCLUDING ALL)`);
    for (const statement of tenantIsolationSql(shadow)) await sql.query(statement);
  });

  let events = 0;
  let position: string | null = null;
  const replay = async (sql: Sql, batch: readonly RecordedEvent[]) => {
    await target.applyBatch(sql, batch);
    events += batch.length;
    position = batch[batch.length - 1]!.position;
  };
  // Bulk of the work, in batches of their own transactions: nobody reads the shadow yet.
  await catchUpOnce({
    store,
    categories: [projection.spec.category],
    from: async () => null,
    handle: (batch) => inTransaction(ds, (sql) => replay(sql, batch)),
    batchSize,
  });

  // Close most of the gap to now, still without any lock.
  await catchUpOnce({
    store,
    categories: [projection.spec.category],
    from: async () => position,
    handle: (batch) => inTransaction(ds, (sql) => replay(sql, batch)),
    batchSize,
  });

  // The swap itself only renames: the live table's lock is held for milliseconds.
  const replayed = position;
  await inTransaction(ds, async (sql) => {
    await sql.query(`LOCK TABLE ${live} IN ACCESS EXCLUSIVE MODE`);
    await sql.query(`ALTER TABLE ${live} RENAME TO ${table}_replaced`);
    await sql.query(`ALTER TABLE ${shadow} RENAME TO ${table}`);
    await sql.query(`DROP TABLE ${schema}.${table}_replaced`);
    await sql.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${live} TO ${APP_ROLE}`);
  });

  // Events stored since the last replayed one — including those of transactions that were still
  // open, which the store's horizon held back — are applied to the new live table. (Writers of
  // that moment also project their own events into it; applying twice changes nothing.)
  await catchUpOnce({
    store,
    categories: [projection.spec.category],
    from: async () => replayed,
    handle: (batch) =>
      inTransaction(ds, async (sql) => {
        await projection.applyBatch(sql, batch);
        events += batch.length;
        position = batch[batch.length - 1]!.position;
      }),
    batchSize,
  });
  if (position !== null) {
    const finalPosition: string = position;
    await inTransaction(ds, (sql) =>
      sql.query(
        `INSERT INTO ${projection.spec.checkpointTable} (projection, position) VALUES ($1, $2)
         ON CONFLICT (projection) DO UPDATE SET position = GREATEST(${projection.spec.checkpointTable}.position, EXCLUDED.position)`,
        [projection.spec.name, finalPosition],
      ),
    );
  }
  return { projection: projection.spec.name, events, position };
}
