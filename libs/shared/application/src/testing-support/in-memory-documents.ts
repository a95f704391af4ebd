import { encodeCursor } from '@datamingle/kernel';
import type { Page } from '../record-replies';
import type { Written } from '../written';

/** The fields every listed document carries: its id and creation time (the keyset of the newest-first lists). */
export interface ListedDocument {
  id: string;
  created_at: string;
}

/**
 * The document read models of the PostgreSQL adapters, in memory: one row per record stream
 * (tenant, stream name, document), projected by writeAndProject from what the write says it
 * appended. Every answer is a copy.
 */
export class InMemoryDocuments<Doc extends ListedDocument> {
  private readonly rows = new Map<string, { tenantId: string; streamName: string; doc: Doc; revision: number }>();

  /** The tenant's documents (copies) with their stream names. */
  all(tenantId: string): Array<{ doc: Doc; streamName: string }> {
    return [...this.rows.values()].filter((r) => r.tenantId === tenantId).map((r) => ({ doc: structuredClone(r.doc), streamName: r.streamName }));
  }

  /** The tenant's first document that `matches`, with its stream name. */
  find(tenantId: string, matches: (doc: Doc) => boolean): { doc: Doc; streamName: string } | null {
    return this.all(tenantId).find((r) => matches(r.doc)) ?? null;
  }

  /** The tenant's documents of these streams (copies) with the revision each reflects, by stream name. */
  byStreams(tenantId: string, streams: readonly string[]): Map<string, { doc: Doc; revision: number }> {
    const found = new Map<string, { doc: Doc; revision: number }>();
    for (const r of this.rows.values()) if (r.tenantId === tenantId && streams.includes(r.streamName)) found.set(r.streamName, { doc: structuredClone(r.doc), revision: r.revision });
    return found;
  }

  /** One page of the tenant's documents that `matches`, newest first (created_at, then id), after `query.cursor`. */
  page(tenantId: string, matches: (doc: Doc) => boolean, query: { limit: number; cursor: { c: string; i: string } | null }): Page<Doc> {
    const key = (c: string, i: string): [number, string] => [Date.parse(c), i];
    const before = (a: [number, string], b: [number, string]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const docs = this.all(tenantId)
      .map((r) => r.doc)
      .filter((d) => matches(d) && (!query.cursor || before(key(d.created_at, d.id), key(query.cursor.c, query.cursor.i))))
      .sort((a, b) => (before(key(a.created_at, a.id), key(b.created_at, b.id)) ? 1 : -1));
    const items = docs.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeCursor({ c: last.created_at, i: last.id }) : null };
  }

  /** Runs the write, then keeps the document it says it appended. */
  async writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T, Doc>>): Promise<T> {
    const { result, appended } = await write();
    if (appended) this.rows.set(streamName, { tenantId, streamName, doc: structuredClone(appended.doc), revision: Number(appended.toRevision) });
    return result;
  }
}
