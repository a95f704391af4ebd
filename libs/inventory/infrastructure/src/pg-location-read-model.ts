import type { DataSource } from 'typeorm';
import type { LocationDto } from '@datamingle/contracts';
import { encodeCursor } from '@datamingle/kernel';
import { LocationReadModel, type Page, type PageQuery, type StoredLocation, type Written } from '@datamingle/inventory-application';
import { asTenant, documentsByStream, type DocumentProjection, isResolvableIdentifier, keysetPage, writeThenProject } from '@datamingle/read-model';


export class PgLocationReadModel extends LocationReadModel {
  constructor(
    private readonly ds: DataSource,
    private readonly projection: DocumentProjection<LocationDto>,
  ) {
    super();
  }

  async findByCode(tenantId: string, code: string): Promise<StoredLocation | null> {
    if (!isResolvableIdentifier(code)) return null;
    const rows: Array<{ stream_name: string; doc: LocationDto }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(`SELECT stream_name, doc FROM inventory.locations WHERE tenant_id = $1 AND code = $2`, [tenantId, code]),
    );
    return rows[0] ? { location: rows[0].doc, streamName: rows[0].stream_name } : null;
  }

  findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: LocationDto; revision: number }>> {
    return documentsByStream<LocationDto>(this.ds, 'inventory.locations', tenantId, streams);
  }

  listActive(tenantId: string, query: PageQuery): Promise<Page<LocationDto>> {
    return asTenant(this.ds, tenantId, (sql) =>
      keysetPage<LocationDto>(
        sql,
        { table: 'inventory.locations', where: ['tenant_id = $1', 'is_active'], params: [tenantId], limit: query.limit, cursor: query.cursor },
        encodeCursor,
      ),
    );
  }

  async lookup(tenantId: string, codes: readonly string[]): Promise<Map<string, { id: string; active: boolean }>> {
    const candidates = [...new Set(codes.filter(isResolvableIdentifier))];
    if (candidates.length === 0) return new Map();
    const rows: Array<{ code: string; id: string; is_active: boolean }> = await asTenant(this.ds, tenantId, (sql) =>
      sql.query(`SELECT code, id, is_active FROM inventory.locations WHERE tenant_id = $1 AND code = ANY($2::text[])`, [tenantId, candidates]),
    );
    return new Map(rows.map((r) => [r.code, { id: r.id, active: r.is_active }]));
  }

  writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T>>): Promise<T> {
    return writeThenProject(this.ds, this.projection, tenantId, streamName, write);
  }
}
