import type { Sql } from './data-source';

export interface KeysetPageQuery {
  /** Schema-qualified table with columns doc, id, created_at. */
  table: string;
  /** SQL conditions using $1..$n of `params` (the tenant filter among them). */
  where: string[];
  params: unknown[];
  limit: number;
  cursor: { c: string; i: string } | null;
  /** SQL expression of the returned document (default: the `doc` column). */
  select?: string;
}

/**
 * One page of documents, newest first by (created_at, id), strictly after the cursor position
 * (pagination.md §3-4). Reads limit + 1 rows to know whether a next page exists.
 */
export async function keysetPage<Doc>(
  qr: Sql,
  query: KeysetPageQuery,
  encodeCursor: (position: { c: string; i: string }) => string,
): Promise<{ items: Doc[]; nextCursor: string | null }> {
  const params = [...query.params];
  const where = [...query.where];
  if (query.cursor) {
    params.push(query.cursor.c, query.cursor.i);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(query.limit + 1);
  const rows: Array<{ doc: Doc; id: string; cursor_c: string }> = await qr.query(
    `SELECT ${query.select ?? 'doc'} AS doc, id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_c
       FROM ${query.table}
      WHERE ${where.join(' AND ')}
      ORDER BY created_at DESC, id DESC
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => r.doc),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ c: last.cursor_c, i: last.id }) : null,
  };
}
