import type { DataSource } from 'typeorm';
import type { InventoryBulkSummary, InventoryRecordDto } from '@datamingle/contracts';
import { appliedThenFailed, EventStore, uuidv7, WrongExpectedVersionError, type RecordedEvent } from '@datamingle/event-store';
import { InventoryLevels, inventoryStreamName, type BulkApplication, type LevelChange, type Page, type PageQuery } from '@datamingle/inventory-application';
import { pairKey } from '@datamingle/inventory-domain';
import { encodeCursor } from '@datamingle/kernel';
import {
  asTenant,
  keysetPage,
  readProjectionCheckpoint,
  setTenant,
  tenantOf,
  withTenantClient,
  writeProjectionCheckpoint,
  type CatchUpProjection,
  type Sql,
} from '@datamingle/read-model';


const RECORD_JSON = `json_build_object(
  'location_code', location_code,
  'sku_code', sku,
  'quantity', quantity,
  'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))`;

/** Conflicting appends (a writer that stored events but not rows) are caught up and re-planned this often. */
const MAX_APPEND_ATTEMPTS = 3;

/**
 * Inventory levels in PostgreSQL read models. A bulk write runs in one PostgreSQL transaction:
 * advisory locks on its locations (always taken in the same order, so concurrent writers of the
 * same locations serialize without deadlocks, on every replica), the current levels, the plan,
 * the InventoryLevelSet events and the rows, set-based whatever the number of rows.
 *
 * - PostgreSQL event store (the port's in-transaction capability, inTransactionAppender()): the
 *   events are appended in that same transaction, so every row is either fully applied (event and
 *   row) or not at all, and the answer is sent after the commit.
 * - Any other store (EventStoreDB: no such capability): the events of all locations are appended in one atomic
 *   multi-stream append, each location stream at the revision its rows reflect, then the rows are
 *   written and the transaction commits. A location whose stream is ahead of its rows (a writer
 *   that stored events and died before its commit) is caught up from the stream first and the
 *   request re-planned. If the rows or the commit fail after the append, the events are stored
 *   (the failure is thrown as WriteAppliedError: the request answers 504, not 503) and the
 *   catch-up projection applies them; a retry of the request then changes nothing (absolute
 *   quantities).
 *
 * Write outcome: on the PostgreSQL store the transaction's COMMIT is the commit-bearing write
 * (commitPostgresTransaction, in the read model's transaction helper).
 */
export class PgInventoryLevels extends InventoryLevels {
  private readonly projection = new InventoryLevelProjection();

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
  ) {
    super();
  }

  applyBulk(
    tenantId: string,
    locationIds: readonly string[],
    pairs: ReadonlyArray<{ locationId: string; sku: string }>,
    application: BulkApplication,
  ): Promise<InventoryBulkSummary> {
    let appended = false;
    return withTenantClient(this.ds, tenantId, async (sql, client) => {
      // Set-based statements over up to 50,000 rows sort in memory instead of spilling to disk.
      await sql.query(`SET LOCAL work_mem = '256MB'`);
      if (locationIds.length > 0) {
        await sql.query(
          `SELECT count(pg_advisory_xact_lock(hashtextextended(k, 2))) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) AS keys`,
          [locationIds.map((id) => `inventory:${tenantId}:${id}`)],
        );
      }
      for (let attempt = 1; ; attempt++) {
        const { summary, changes } = application.plan(await currentLevels(sql, tenantId, pairs));
        if (changes.length === 0) return summary;

        const byLocation = new Map<string, LevelChange[]>();
        for (const c of changes) {
          const group = byLocation.get(c.locationId);
          if (group) group.push(c);
          else byLocation.set(c.locationId, [c]);
        }
        const streams = [...byLocation.keys()].map((locationId) => inventoryStreamName(tenantId, locationId));
        let firstRevisions: Map<string, bigint>;
        const inTransaction = this.store.inTransactionAppender();
        if (inTransaction) {
          const appends = [...byLocation].map(([locationId, group]) => ({
            streamName: inventoryStreamName(tenantId, locationId),
            events: group.map((c) => ({ id: uuidv7(), ...application.event(c) })),
          }));
          const revisions = await inTransaction.appendToStreamsInTransaction(client, appends, { versionMetadataKey: 'aggregate_version' });
          firstRevisions = new Map([...revisions].map(([stream, r]) => [stream, r.firstRevision]));
        } else {
          const projected = await projectedRevisions(sql, tenantId, streams);
          firstRevisions = new Map(streams.map((stream) => [stream, (projected.get(stream) ?? -1n) + 1n]));
          const appends = [...byLocation].map(([locationId, group]) => {
            const streamName = inventoryStreamName(tenantId, locationId);
            const first = firstRevisions.get(streamName)!;
            return {
              streamName,
              expectedRevision: projected.get(streamName) ?? ('no_stream' as const),
              events: group.map((c, i) => {
                const event = application.event(c);
                return { id: uuidv7(), ...event, metadata: { ...event.metadata, aggregate_version: Number(first + BigInt(i) + 1n) } };
              }),
            };
          });
          try {
            await this.store.appendToStreams(appends);
          } catch (error) {
            if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
            await this.catchUp(sql, streams, projected);
            continue;
          }
          // Stored: the rows and the COMMIT that follow can only fail "applied, then failed".
          appended = true;
        }
        await upsertRows(sql, tenantId, byLocation, firstRevisions);
        return summary;
      }
    }).catch((error: unknown) => {
      throw appended ? appliedThenFailed(error) : error;
    });
  }

  /** Applies to the rows what the location streams hold beyond the revisions the rows reflect. */
  private async catchUp(sql: Sql, streams: readonly string[], projected: Map<string, bigint>): Promise<void> {
    for (const stream of streams) {
      const from = (projected.get(stream) ?? -1n) + 1n;
      const events = await this.store.readStream(stream, { fromRevision: from });
      if (events.length > 0) await this.projection.applyBatch(sql, events);
    }
  }

  async findRecords(tenantId: string, pairs: ReadonlyArray<{ locationId: string; sku: string }>): Promise<Map<string, { record: InventoryRecordDto; revision: number }>> {
    const found = new Map<string, { record: InventoryRecordDto; revision: number }>();
    if (pairs.length === 0) return found;
    const rows: Array<{ location_id: string; sku: string; record: InventoryRecordDto; revision: string }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(
        `SELECT l.location_id::text AS location_id, l.sku, ${RECORD_JSON} AS record, l.revision::text AS revision
           FROM unnest($2::uuid[], $3::text[]) AS p(wanted_location, wanted_sku)
           JOIN inventory.levels l ON l.tenant_id = $1 AND l.location_id = p.wanted_location AND l.sku = p.wanted_sku`,
        [tenantId, pairs.map((p) => p.locationId), pairs.map((p) => p.sku)],
      ),
    );
    for (const row of rows) found.set(`${row.location_id}|${row.sku}`, { record: row.record, revision: Number(row.revision) });
    return found;
  }

  list(tenantId: string, query: PageQuery): Promise<Page<InventoryRecordDto>> {
    return this.page(tenantId, ['tenant_id = $1'], [tenantId], query);
  }

  listByLocation(tenantId: string, locationId: string, query: PageQuery): Promise<Page<InventoryRecordDto>> {
    return this.page(tenantId, ['tenant_id = $1', 'location_id = $2'], [tenantId, locationId], query);
  }

  listBySku(tenantId: string, sku: string, query: PageQuery): Promise<Page<InventoryRecordDto>> {
    return this.page(tenantId, ['tenant_id = $1', 'sku = $2'], [tenantId, sku], query);
  }

  private page(tenantId: string, where: string[], params: unknown[], query: PageQuery): Promise<Page<InventoryRecordDto>> {
    return asTenant(this.ds, tenantId, (sql) =>
      keysetPage<InventoryRecordDto>(
        sql,
        { table: 'inventory.levels', where, params, limit: query.limit, cursor: query.cursor, select: RECORD_JSON },
        encodeCursor,
      ),
    );
  }
}

/** Current quantities of the requested pairs, keyed by pairKey(location code, sku). */
async function currentLevels(
  sql: Sql,
  tenantId: string,
  pairs: ReadonlyArray<{ locationId: string; sku: string }>,
): Promise<Map<string, { quantity: number }>> {
  const existing = new Map<string, { quantity: number }>();
  if (pairs.length === 0) return existing;
  const rows: Array<{ location_code: string; sku: string; quantity: string }> = await sql.query(
    `SELECT l.location_code, l.sku, l.quantity::text AS quantity
       FROM inventory.levels l
       JOIN unnest($2::uuid[], $3::text[]) AS p(location_id, sku) ON l.location_id = p.location_id AND l.sku = p.sku
      WHERE l.tenant_id = $1`,
    [tenantId, pairs.map((p) => p.locationId), pairs.map((p) => p.sku)],
  );
  for (const r of rows) existing.set(pairKey(r.location_code, r.sku), { quantity: Number(r.quantity) });
  return existing;
}

/** The last revision of each location stream that the rows reflect (absent: no event projected). */
async function projectedRevisions(sql: Sql, tenantId: string, streams: readonly string[]): Promise<Map<string, bigint>> {
  const rows: Array<{ stream_name: string; revision: string }> = await sql.query(
    `SELECT stream_name, max(revision)::text AS revision FROM inventory.levels
      WHERE tenant_id = $1 AND stream_name = ANY($2::text[]) GROUP BY stream_name`,
    [tenantId, streams],
  );
  return new Map(rows.map((r) => [r.stream_name, BigInt(r.revision)]));
}

/** The rows of the applied changes, each with the revision of its event, set-based. */
async function upsertRows(sql: Sql, tenantId: string, byLocation: Map<string, LevelChange[]>, firstRevisions: Map<string, bigint>): Promise<void> {
  const cols = { id: [] as string[], locationId: [] as string[], code: [] as string[], sku: [] as string[], quantity: [] as string[], stream: [] as string[], revision: [] as string[] };
  for (const [locationId, group] of byLocation) {
    const stream = inventoryStreamName(tenantId, locationId);
    const first = firstRevisions.get(stream)!;
    group.forEach((c, i) => {
      cols.id.push(uuidv7());
      cols.locationId.push(c.locationId);
      cols.code.push(c.locationCode);
      cols.sku.push(c.sku);
      cols.quantity.push(String(c.quantity));
      cols.stream.push(stream);
      cols.revision.push((first + BigInt(i)).toString());
    });
  }
  await sql.query(
    `INSERT INTO inventory.levels AS l (tenant_id, id, location_id, location_code, sku, quantity, created_at, updated_at, stream_name, revision)
     SELECT $1, u.id, u.location_id, u.location_code, u.sku, u.quantity, now(), now(), u.stream_name, u.revision
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::uuid[])
            AS u(location_id, location_code, sku, quantity, stream_name, revision, id)
     ON CONFLICT (tenant_id, location_id, sku) DO UPDATE
        SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at, stream_name = EXCLUDED.stream_name, revision = EXCLUDED.revision
      WHERE l.revision < EXCLUDED.revision`,
    [tenantId, cols.locationId, cols.code, cols.sku, cols.quantity, cols.stream, cols.revision, cols.id],
  );
}

interface LevelSetData {
  location_id: string;
  location_code: string;
  sku_code: string;
  quantity: number;
}

/**
 * Catch-up projection of InventoryLevelSet events into inventory.levels (rebuilds, and events
 * stored by a writer that could not project them). A row takes an event only if it is newer than
 * the revision the row reflects; the record's creation time is its first event's.
 */
export class InventoryLevelProjection implements CatchUpProjection {
  readonly spec: { name: string; category: string; checkpointTable: string; table: string };

  constructor(table = 'inventory.levels') {
    this.spec = { name: 'inventory.levels', category: 'inventory', checkpointTable: 'inventory.projection_checkpoints', table };
  }

  into(table: string): InventoryLevelProjection {
    return new InventoryLevelProjection(table);
  }

  async applyBatch(sql: Sql, events: readonly RecordedEvent[]): Promise<void> {
    const byTenant = new Map<string, Map<string, { data: LevelSetData; stream: string; revision: bigint; createdAt: Date; updatedAt: Date }>>();
    for (const e of events) {
      if (e.type !== 'InventoryLevelSet') continue;
      const tenantId = tenantOf(e);
      const data = e.data as LevelSetData;
      let rows = byTenant.get(tenantId);
      if (!rows) byTenant.set(tenantId, (rows = new Map()));
      const key = `${data.location_id}\u0000${data.sku_code}`;
      const seen = rows.get(key);
      if (!seen) rows.set(key, { data, stream: e.streamName, revision: e.revision, createdAt: e.recordedAt, updatedAt: e.recordedAt });
      else if (e.revision > seen.revision) rows.set(key, { ...seen, data, stream: e.streamName, revision: e.revision, updatedAt: e.recordedAt });
    }
    for (const [tenantId, rows] of byTenant) {
      await setTenant(sql, tenantId);
      const list = [...rows.values()];
      await sql.query(
        `INSERT INTO ${this.spec.table} AS l (tenant_id, id, location_id, location_code, sku, quantity, created_at, updated_at, stream_name, revision)
         SELECT $1, gen_random_uuid(), u.location_id, u.location_code, u.sku, u.quantity, u.created_at, u.updated_at, u.stream_name, u.revision
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::bigint[])
                AS u(location_id, location_code, sku, quantity, created_at, updated_at, stream_name, revision)
         ON CONFLICT (tenant_id, location_id, sku) DO UPDATE
            SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at, stream_name = EXCLUDED.stream_name, revision = EXCLUDED.revision
          WHERE l.revision < EXCLUDED.revision`,
        [
          tenantId,
          list.map((r) => r.data.location_id),
          list.map((r) => r.data.location_code),
          list.map((r) => r.data.sku_code),
          list.map((r) => String(r.data.quantity)),
          list.map((r) => r.createdAt.toISOString()),
          list.map((r) => r.updatedAt.toISOString()),
          list.map((r) => r.stream),
          list.map((r) => r.revision.toString()),
        ],
      );
    }
  }

  readCheckpoint(qr: Sql | DataSource): Promise<string | null> {
    return readProjectionCheckpoint(qr, this.spec.checkpointTable, this.spec.name);
  }

  writeCheckpoint(sql: Sql, position: string): Promise<void> {
    return writeProjectionCheckpoint(sql, this.spec.checkpointTable, this.spec.name, position);
  }
}
