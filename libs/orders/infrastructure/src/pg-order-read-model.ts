import type { DataSource } from 'typeorm';
import type { OrderDto } from '@datamingle/contracts';
import { appliedThenFailed } from '@datamingle/event-store';
import { encodeCursor } from '@datamingle/kernel';
import type { ClaimedWrite, ExternalIdClaim, OrderIdentifierField, OrderListQuery, StoredOrder, Written } from '@datamingle/orders-application';
import { OrderReadModel } from '@datamingle/orders-application';
import { asTenant, documentsByStream, type DocumentProjection, isResolvableIdentifier, keysetPage, withTenant, writeThenProject } from '@datamingle/read-model';


export class PgOrderReadModel extends OrderReadModel {
  constructor(
    private readonly ds: DataSource,
    private readonly projection: DocumentProjection<OrderDto>,
  ) {
    super();
  }

  async findByIdentifier(tenantId: string, identifier: string, field?: OrderIdentifierField): Promise<StoredOrder | null> {
    if (!isResolvableIdentifier(identifier)) return null;
    if (field !== undefined) {
      // One field only (a partner's identifier field): never the other one's value.
      const column = field === 'order_number' ? 'order_number' : 'external_order_id';
      const rows: Array<{ stream_name: string; doc: OrderDto }> = await asTenant(this.ds, tenantId, (sql) =>
        sql.query(`SELECT stream_name, doc FROM orders.orders WHERE tenant_id = $1 AND ${column} = $2`, [tenantId, identifier]),
      );
      return rows[0] ? { order: rows[0].doc, streamName: rows[0].stream_name } : null;
    }
    const rows: Array<{ stream_name: string; doc: OrderDto }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(
        `SELECT stream_name, doc FROM orders.orders
          WHERE tenant_id = $1 AND (external_order_id = $2 OR order_number = $2)
          ORDER BY (external_order_id = $2) DESC NULLS LAST
          LIMIT 1`,
        [tenantId, identifier],
      ),
    );
    return rows[0] ? { order: rows[0].doc, streamName: rows[0].stream_name } : null;
  }

  findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: OrderDto; revision: number }>> {
    return documentsByStream<OrderDto>(this.ds, 'orders.orders', tenantId, streams);
  }

  async keysTaken(
    tenantId: string,
    keys: { orderNumber?: string; externalOrderId?: string },
    exceptOrderId?: string,
  ): Promise<{ order_number: boolean; external_order_id: boolean }> {
    const rows: Array<{ on_taken: boolean; ext_taken: boolean }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(
        `SELECT
           EXISTS (SELECT 1 FROM orders.orders WHERE tenant_id = $1 AND order_number = $2) AS on_taken,
           EXISTS (SELECT 1 FROM orders.orders WHERE tenant_id = $1 AND external_order_id = $3
                     AND ($4::uuid IS NULL OR id <> $4::uuid)) AS ext_taken`,
        [tenantId, keys.orderNumber ?? null, keys.externalOrderId ?? null, exceptOrderId ?? null],
      ),
    );
    return { order_number: rows[0]!.on_taken, external_order_id: rows[0]!.ext_taken };
  }

  async list(tenantId: string, query: OrderListQuery): Promise<{ items: OrderDto[]; nextCursor: string | null }> {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    if (query.statuses) {
      params.push(query.statuses);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    if (query.updatedSince) {
      params.push(query.updatedSince);
      where.push(`updated_at >= $${params.length}::timestamptz`);
    }
    return asTenant(this.ds, tenantId, (sql) =>
      keysetPage<OrderDto>(sql, { table: 'orders.orders', where, params, limit: query.limit, cursor: query.cursor }, encodeCursor),
    );
  }

  /**
   * Without a claim: writeThenProject. With one, the claim check, the append (autocommitted by the
   * event store on its own connection) and the projection share one read-model transaction, so
   * the projection and that transaction's COMMIT come after the append: once `write` reported
   * appended events, any failure of the call is thrown as WriteAppliedError.
   */
  async writeAndProject<T>(
    tenantId: string,
    streamName: string,
    claim: ExternalIdClaim | null,
    write: () => Promise<Written<T>>,
  ): Promise<ClaimedWrite<T>> {
    if (!claim) return { taken: false, result: await writeThenProject(this.ds, this.projection, tenantId, streamName, write) };
    let appended = false;
    try {
      return await withTenant(this.ds, tenantId, async (sql) => {
        // Serializes every write that claims this external_order_id; released at commit, after the
        // projection made the claim visible to the next writer.
        await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`orders.external_order_id:${tenantId}:${claim.externalOrderId}`]);
        const holders: unknown[] = await sql.query(
          `SELECT 1 FROM orders.orders WHERE tenant_id = $1 AND external_order_id = $2 AND ($3::uuid IS NULL OR id <> $3::uuid) LIMIT 1`,
          [tenantId, claim.externalOrderId, claim.exceptOrderId ?? null],
        );
        if (holders.length > 0) return { taken: true } as const;
        const written = await write();
        if (written.appended) {
          appended = true;
          const { fromRevision, toRevision, doc } = written.appended;
          await this.projection.projectAppended(sql, tenantId, streamName, fromRevision, toRevision, doc, (fn) => fn(sql));
        }
        return { taken: false, result: written.result } as const;
      });
    } catch (error) {
      throw appended ? appliedThenFailed(error) : error;
    }
  }
}
