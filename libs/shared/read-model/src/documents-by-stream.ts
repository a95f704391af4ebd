import type { DataSource } from 'typeorm';
import { asTenant } from './data-source';

/**
 * The documents of a tenant's records by their stream names (the change feed's current records,
 * history-feed-idempotency.md §2): one indexed query (`stream_name` is the primary key of every
 * document table), each with the stream revision its row reflects. Streams of other tenants, or
 * without a row, are absent from the answer.
 */
export async function documentsByStream<Doc>(
  ds: DataSource,
  table: string,
  tenantId: string,
  streams: readonly string[],
): Promise<Map<string, { doc: Doc; revision: number }>> {
  const found = new Map<string, { doc: Doc; revision: number }>();
  if (streams.length === 0) return found;
  const rows: Array<{ stream_name: string; doc: Doc; revision: string }> = await asTenant(ds, tenantId, (sql) =>
    sql.query(`SELECT stream_name, doc, revision::text AS revision FROM ${table} WHERE stream_name = ANY($2::text[]) AND tenant_id = $1`, [
      tenantId,
      [...new Set(streams)],
    ]),
  );
  for (const row of rows) found.set(row.stream_name, { doc: row.doc, revision: Number(row.revision) });
  return found;
}
